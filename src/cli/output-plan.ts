/**
 * Deciding what a generation does to its output directory, before anything is written:
 * which files to write, which user-owned files to keep, which handler files to merge (see
 * src/frontend/handlers.ts), which stale files to delete, and whether
 * the directory may be written at all (it must be new, empty, or already gen-svc's, and a change of
 * layout must not orphan user code).
 */
import { join, posix } from "node:path";
import type { GeneratedFile } from "../core/generate.js";
import { UserError } from "../frontend/errors.js";
import { handlerRecords, planHandlers, type HandlerPlan, type OutputReader } from "../frontend/handlers.js";
import { readText, type FileSystem } from "./fs.js";
import { checkLayoutChange } from "./layout-guard.js";
import { isSafeRelativePath } from "./paths.js";
import { manifestName, parseManifest, serializeManifest, type Manifest } from "./manifest.js";
import { onlyStagedFiles, stagedFilesIn } from "./staging.js";

/** A file to write, relative to the output directory. */
export interface PlannedWrite {
  path: string;
  content: string;
  /** Written only if still absent when the write happens (see output-write.ts). */
  userOwned: boolean;
  /**
   * For a merged handler file: the text it had when read. It is replaced only if it still has
   * exactly that text when the write happens (else the user's newer edit is kept).
   */
  replaces?: string;
}

/** Everything `applyOutputPlan` will do; computed without writing. */
export interface OutputPlan {
  outDir: string;
  writes: PlannedWrite[];
  /** User-owned files that exist already and are left as they are. */
  kept: string[];
  /** Files the previous manifest lists that this generation no longer produces. */
  deletes: string[];
  /** Staged files an interrupted earlier run left behind, removed after writing. */
  leftovers: string[];
  /** The new manifest's text. */
  manifest: string;
  /** What happens to the handler files (merges, warnings). */
  handlers: HandlerPlan;
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
  const previous = await previousOutput(fs, out);
  const paths = files.map((file) => file.path);
  if (previous.manifest !== undefined) await checkLayoutChange(fs, out, previous.manifest.files, paths);
  const handlers = await planHandlers(files, outputReader(fs, out.path), previous.manifest?.handlers);
  const merges = new Map(handlers.merges.map((merge) => [merge.path, merge]));
  const writes: PlannedWrite[] = [];
  const kept: string[] = [];
  for (const file of files) {
    const merge = merges.get(file.path);
    if (merge?.result.changed) writes.push({ path: file.path, content: merge.result.text, userOwned: true, replaces: merge.existing });
    else if (file.userOwned && (merge !== undefined || (await fs.kind(join(out.path, file.path))) !== undefined)) kept.push(file.path);
    else writes.push({ path: file.path, content: file.content, userOwned: file.userOwned });
  }
  const produced = new Set(paths);
  const previousFiles = previous.manifest?.files ?? [];
  const deletes = previousFiles.filter((path) => !produced.has(path));
  // Staged files only ever sit beside a file gen-svc writes or wrote.
  const dirs = [manifestName, ...paths, ...previousFiles].map((path) => posix.dirname(path));
  const leftovers = [...new Set([...previous.leftovers, ...(await stagedFilesIn(fs, out.path, dirs))])];
  const generated = files.filter((file) => !file.userOwned).map((file) => file.path);
  const manifestText = serializeManifest({ ...manifest, files: generated, handlers: handlerRecords(files) });
  return { outDir: out.path, writes, kept, deletes, leftovers, manifest: manifestText, handlers };
}

/** The output directory through the reader the shared handler planning uses. */
export function outputReader(fs: FileSystem, outDir: string): OutputReader {
  return {
    read: async (path) => ((await fs.kind(join(outDir, path))) === "file" ? readText(fs, join(outDir, path)) : undefined),
    listFiles: async (dir) => {
      const full = join(outDir, dir);
      if ((await fs.kind(full)) !== "directory") return [];
      return (await fs.list(full)).filter((entry) => entry.kind === "file").map((entry) => entry.name);
    },
  };
}

/** What an earlier run left in the output directory. */
interface PreviousOutput {
  manifest: Manifest | undefined;
  /** Staged files found while checking a directory without a manifest. */
  leftovers: string[];
}

/**
 * The manifest of a previous generation, if any; refuses directories gen-svc did not write. A
 * directory holding only staged files (a first run that crashed while writing) counts as empty.
 */
async function previousOutput(fs: FileSystem, out: OutputDir): Promise<PreviousOutput> {
  const kind = await fs.kind(out.path);
  if (kind === undefined) return { manifest: undefined, leftovers: [] };
  if (kind !== "directory") throw new UserError(`${out.display}: exists and is not a directory`);
  const manifestPath = join(out.path, manifestName);
  if ((await fs.kind(manifestPath)) === "file") {
    return { manifest: parseManifest(await readText(fs, manifestPath), join(out.display, manifestName)), leftovers: [] };
  }
  const leftovers = await onlyStagedFiles(fs, out.path);
  if (leftovers === undefined) {
    throw new UserError(
      `${out.display}: directory is not empty and has no ${manifestName}, so it holds files gen-svc did not write; ` +
        "refusing to write there (use a new or empty directory)",
    );
  }
  return { manifest: undefined, leftovers };
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
