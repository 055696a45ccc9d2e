/**
 * Deciding what a generation does to its output directory, before anything is written:
 * which files to write, which user-owned files to keep, which stale files to delete, and whether
 * the directory may be written at all (it must be new, empty, or already gen-svc's).
 */
import { join } from "node:path";
import type { GeneratedFile } from "../core/generate.js";
import { CliError } from "./errors.js";
import { readText, type FileSystem } from "./fs.js";
import { isSafeRelativePath } from "./paths.js";
import { manifestName, parseManifest, serializeManifest, type Manifest } from "./manifest.js";

/** A file to write, relative to the output directory. */
export interface PlannedWrite {
  path: string;
  content: string;
}

/** Everything `applyOutputPlan` will do; computed without writing. */
export interface OutputPlan {
  outDir: string;
  writes: PlannedWrite[];
  /** User-owned files that exist already and are left as they are. */
  kept: string[];
  /** Files the previous manifest lists that this generation no longer produces. */
  deletes: string[];
  /** The new manifest's text. */
  manifest: string;
}

/** Where to write, as resolved and as the user named it (for messages). */
export interface OutputDir {
  path: string;
  display: string;
}

/** Plans writing `files` to `out`; `manifest` is the new manifest without its file list. */
export async function planOutput(
  fs: FileSystem,
  out: OutputDir,
  files: readonly GeneratedFile[],
  manifest: Omit<Manifest, "files">,
): Promise<OutputPlan> {
  checkGeneratedPaths(files);
  const previous = await previousManifest(fs, out);
  const writes: PlannedWrite[] = [];
  const kept: string[] = [];
  for (const file of files) {
    if (file.userOwned && (await fs.kind(join(out.path, file.path))) !== undefined) kept.push(file.path);
    else writes.push({ path: file.path, content: file.content });
  }
  const produced = new Set(files.map((file) => file.path));
  const deletes = (previous?.files ?? []).filter((path) => !produced.has(path));
  const generated = files.filter((file) => !file.userOwned).map((file) => file.path);
  return { outDir: out.path, writes, kept, deletes, manifest: serializeManifest({ ...manifest, files: generated }) };
}

/** The manifest of a previous generation, if any; refuses directories gen-svc did not write. */
async function previousManifest(fs: FileSystem, out: OutputDir): Promise<Manifest | undefined> {
  const kind = await fs.kind(out.path);
  if (kind === undefined) return undefined;
  if (kind !== "directory") throw new CliError(`${out.display}: exists and is not a directory`);
  const manifestPath = join(out.path, manifestName);
  if ((await fs.kind(manifestPath)) === "file") {
    return parseManifest(await readText(fs, manifestPath), join(out.display, manifestName));
  }
  if ((await fs.list(out.path)).length > 0) {
    throw new CliError(
      `${out.display}: directory is not empty and has no ${manifestName}, so it holds files gen-svc did not write; ` +
        "refusing to write there (use a new or empty directory)",
    );
  }
  return undefined;
}

/** A generator that names a file twice or outside the directory has a bug: stop before writing. */
function checkGeneratedPaths(files: readonly GeneratedFile[]): void {
  const seen = new Set<string>();
  for (const file of files) {
    if (!isSafeRelativePath(file.path) || file.path === manifestName) {
      throw new Error(`the generator produced an invalid file path: ${JSON.stringify(file.path)}`);
    }
    if (seen.has(file.path)) throw new Error(`the generator produced ${file.path} twice`);
    seen.add(file.path);
  }
}

/** A one-line summary of what the plan does: `wrote N files in out (M user-owned kept)`. */
export function describePlan(plan: OutputPlan, display: string): string {
  const parts = [`${plan.kept.length} user-owned kept`];
  if (plan.deletes.length > 0) parts.push(`${plan.deletes.length} stale removed`);
  return `wrote ${plan.writes.length} files in ${display} (${parts.join(", ")})`;
}
