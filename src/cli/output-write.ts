/**
 * Carrying out an output plan so that a failure leaves no half-written file: every file is first
 * written in full to a temporary name beside its target (same directory, so same file system),
 * and only when all of them are on disk are they moved into place, the manifest last. A failure
 * while staging removes the temporary files and the directories this run created, so the output
 * directory is as it was. Moves do not fail in practice once staging has succeeded; if one does,
 * each file is still either the old or the new version, never a torn one.
 *
 * Generated files are renamed over their targets. User-owned files are created exclusively: one
 * that appeared since planning (an editor, a second run) is the user's now and is kept. A merged
 * handler file replaces its target only if the target still holds the text the merge read; one
 * edited since (an editor saved it) is kept as the user left it, and reported.
 */
import { dirname, join } from "node:path";
import { makeDirs, readText, type FileSystem } from "./fs.js";
import { manifestName } from "./manifest.js";
import type { OutputPlan } from "./output-plan.js";
import { stagedPath } from "./staging.js";

/** A file written under a temporary name, waiting to be moved to `target`. */
interface Staged {
  temp: string;
  target: string;
  /** Relative to the output directory, for the outcome. */
  path: string;
  userOwned: boolean;
  /** For a merged handler file: the text the target must still have. */
  replaces?: string;
}

/** What a plan did once carried out. */
export interface WriteOutcome {
  written: number;
  /** User-owned files left as they were: those the plan kept and those that appeared since. */
  kept: string[];
  /** Handler files the merge updated. */
  merged: string[];
  /** Handler files not updated because they changed on disk while gen-svc ran. */
  changedMeanwhile: string[];
  /** Stale files deleted. */
  deleted: number;
}

/** Writes, deletes and records everything `plan` says. */
export async function applyOutputPlan(fs: FileSystem, plan: OutputPlan): Promise<WriteOutcome> {
  const createdDirs: string[] = [];
  const staged: Staged[] = [];
  try {
    for (const write of plan.writes) staged.push(await stage(fs, plan.outDir, write, createdDirs));
    staged.push(await stage(fs, plan.outDir, { path: manifestName, content: plan.manifest, userOwned: false }, createdDirs));
  } catch (error) {
    await discard(fs, staged, createdDirs);
    throw error;
  }
  const { kept: lateKept, merged, changedMeanwhile } = await commit(fs, staged);
  let deleted = 0;
  for (const path of plan.deletes) if (await deleteStale(fs, plan.outDir, path)) deleted++;
  // An interrupted earlier run's staged files: never renamed, so nothing refers to them.
  for (const path of plan.leftovers) await fs.remove(join(plan.outDir, path));
  const mergeWrites = plan.writes.filter((write) => write.replaces !== undefined).length;
  return {
    written: plan.writes.length - mergeWrites - lateKept.length,
    kept: [...plan.kept, ...lateKept, ...changedMeanwhile],
    merged,
    changedMeanwhile,
    deleted,
  };
}

/** A one-line summary of what was done: `wrote N files in out (K handlers updated, M user-owned kept)`. */
export function describeOutcome(outcome: WriteOutcome, display: string): string {
  const parts = [`${outcome.kept.length} user-owned kept`];
  if (outcome.merged.length > 0) parts.unshift(`${outcome.merged.length} ${outcome.merged.length === 1 ? "handler" : "handlers"} updated`);
  if (outcome.deleted > 0) parts.push(`${outcome.deleted} stale removed`);
  return `wrote ${outcome.written} files in ${display} (${parts.join(", ")})`;
}

async function stage(
  fs: FileSystem,
  outDir: string,
  write: { path: string; content: string; userOwned: boolean; replaces?: string },
  createdDirs: string[],
): Promise<Staged> {
  const target = join(outDir, write.path);
  createdDirs.push(...(await makeDirs(fs, dirname(target))));
  const temp = stagedPath(target);
  try {
    await fs.writeFile(temp, write.content);
  } catch (error) {
    await fs.remove(temp); // A partial temporary file would outlive the error otherwise.
    throw error;
  }
  return { temp, target, path: write.path, userOwned: write.userOwned, ...(write.replaces === undefined ? {} : { replaces: write.replaces }) };
}

/** What committing did to user-owned files. */
interface Committed {
  /** New user-owned files not written because one appeared since planning. */
  kept: string[];
  /** Merged handler files moved into place. */
  merged: string[];
  /** Merged handler files not written because they changed since they were read. */
  changedMeanwhile: string[];
}

/** Moves every staged file into place. On a failure, drops the staged files not yet moved. */
async function commit(fs: FileSystem, staged: readonly Staged[]): Promise<Committed> {
  const done: Committed = { kept: [], merged: [], changedMeanwhile: [] };
  for (const [index, file] of staged.entries()) {
    try {
      if (!file.userOwned) await fs.rename(file.temp, file.target);
      else if (file.replaces !== undefined) (await replaceIfUnchanged(fs, file, file.replaces)) ? done.merged.push(file.path) : done.changedMeanwhile.push(file.path);
      else if (!(await createExclusive(fs, file))) done.kept.push(file.path);
    } catch (error) {
      await discard(fs, staged.slice(index), []);
      throw error;
    }
  }
  return done;
}

/**
 * Renames a merged handler file over its target if the target still has the text the merge read;
 * otherwise removes the staged file and leaves the user's newer text. (A check then rename, not
 * atomic: it narrows the window in which an editor's save could be lost to the rename itself.)
 */
async function replaceIfUnchanged(fs: FileSystem, file: Staged, expected: string): Promise<boolean> {
  const current = (await fs.kind(file.target)) === "file" ? await readText(fs, file.target) : undefined;
  if (current !== expected) {
    await fs.remove(file.temp);
    return false;
  }
  await fs.rename(file.temp, file.target);
  return true;
}

/** Error codes of a file system that has no hard links (FAT, some network shares). */
const noHardLinks = new Set(["EPERM", "ENOTSUP", "EOPNOTSUPP", "ENOSYS"]);

/**
 * Moves a staged file to its target only if the target does not exist (a hard link, unlike a
 * rename, fails with EEXIST instead of replacing); false, with the staged file removed, when it does.
 */
async function createExclusive(fs: FileSystem, file: Staged): Promise<boolean> {
  try {
    await fs.link(file.temp, file.target);
  } catch (error) {
    const code = errorCode(error);
    if (code === "EEXIST") {
      await fs.remove(file.temp);
      return false;
    }
    if (code === undefined || !noHardLinks.has(code)) throw error;
    // No hard links here: an exclusive copy never overwrites either (but is not atomic).
    if (!(await fs.copyFileExclusive(file.temp, file.target))) {
      await fs.remove(file.temp);
      return false;
    }
  }
  await fs.remove(file.temp);
  return true;
}

function errorCode(error: unknown): string | undefined {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === "string" ? code : undefined;
}

/** Removes staged files and then the directories created for them (innermost first, if empty). */
async function discard(fs: FileSystem, staged: readonly Staged[], createdDirs: readonly string[]): Promise<void> {
  for (const file of staged) await fs.remove(file.temp).catch(() => undefined);
  for (const dir of [...createdDirs].reverse()) await fs.removeDir(dir).catch(() => undefined);
}

/**
 * Deletes a file an earlier run generated, then its directories as far as they became empty;
 * false when there was no regular file to delete.
 */
async function deleteStale(fs: FileSystem, outDir: string, path: string): Promise<boolean> {
  const target = join(outDir, path);
  // Only a regular file: a manifest that names a directory must never make us delete a tree.
  if ((await fs.kind(target)) !== "file") return false;
  await fs.remove(target);
  for (let dir = dirname(path); dir !== "."; dir = dirname(dir)) {
    const full = join(outDir, dir);
    if ((await fs.list(full)).length > 0) return true;
    await fs.removeDir(full);
  }
  return true;
}
