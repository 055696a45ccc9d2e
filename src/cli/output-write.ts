/**
 * Carrying out an output plan so that a failure leaves no half-written file: every file is first
 * written in full to a temporary name beside its target (same directory, so same file system),
 * and only when all of them are on disk are they renamed into place, the manifest last. A
 * failure while staging removes the temporary files and the directories this run created, so the
 * output directory is as it was. Renames do not fail in practice once staging has succeeded;
 * if one does, each file is still either the old or the new version, never a torn one.
 */
import { randomBytes } from "node:crypto";
import { basename, dirname, join } from "node:path";
import { makeDirs, type FileSystem } from "./fs.js";
import { manifestName } from "./manifest.js";
import type { OutputPlan } from "./output-plan.js";

/** A file written under a temporary name, waiting to be renamed to `target`. */
interface Staged {
  temp: string;
  target: string;
}

/** Writes, deletes and records everything `plan` says. */
export async function applyOutputPlan(fs: FileSystem, plan: OutputPlan): Promise<void> {
  const createdDirs: string[] = [];
  const staged: Staged[] = [];
  try {
    for (const write of plan.writes) staged.push(await stage(fs, join(plan.outDir, write.path), write.content, createdDirs));
    staged.push(await stage(fs, join(plan.outDir, manifestName), plan.manifest, createdDirs));
  } catch (error) {
    await discard(fs, staged, createdDirs);
    throw error;
  }
  await commit(fs, staged);
  for (const path of plan.deletes) await deleteStale(fs, plan.outDir, path);
}

async function stage(fs: FileSystem, target: string, content: string, createdDirs: string[]): Promise<Staged> {
  createdDirs.push(...(await makeDirs(fs, dirname(target))));
  // A dot name, so that a crash between staging and cleanup leaves a hidden, recognizable file.
  const temp = join(dirname(target), `.${basename(target)}.${randomBytes(6).toString("hex")}.gen-svc-tmp`);
  try {
    await fs.writeFile(temp, content);
  } catch (error) {
    await fs.remove(temp); // A partial temporary file would outlive the error otherwise.
    throw error;
  }
  return { temp, target };
}

/** Renames every staged file into place; on a failure, drops the ones not yet renamed. */
async function commit(fs: FileSystem, staged: readonly Staged[]): Promise<void> {
  for (const [index, file] of staged.entries()) {
    try {
      await fs.rename(file.temp, file.target);
    } catch (error) {
      await discard(fs, staged.slice(index), []);
      throw error;
    }
  }
}

/** Removes staged files and then the directories created for them (innermost first, if empty). */
async function discard(fs: FileSystem, staged: readonly Staged[], createdDirs: readonly string[]): Promise<void> {
  for (const file of staged) await fs.remove(file.temp).catch(() => undefined);
  for (const dir of [...createdDirs].reverse()) await fs.removeDir(dir).catch(() => undefined);
}

/** Deletes a file an earlier run generated, then its directories as far as they became empty. */
async function deleteStale(fs: FileSystem, outDir: string, path: string): Promise<void> {
  const target = join(outDir, path);
  // Only a regular file: a manifest that names a directory must never make us delete a tree.
  if ((await fs.kind(target)) !== "file") return;
  await fs.remove(target);
  for (let dir = dirname(path); dir !== "."; dir = dirname(dir)) {
    const full = join(outDir, dir);
    if ((await fs.list(full)).length > 0) return;
    await fs.removeDir(full);
  }
}
