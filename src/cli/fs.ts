/**
 * The file-system operations the CLI needs, as one narrow interface. Commands receive it as a
 * dependency, so tests can run them against a real temporary directory or inject faults (a
 * rename that fails midway) without mocking modules.
 */
import * as fsp from "node:fs/promises";
import { dirname, join } from "node:path";
import { compareStrings } from "../model/order.js";

/** What a path is on disk; `undefined` when nothing is there. */
export type PathKind = "file" | "directory" | "other" | undefined;

/** A directory entry, with symlinks already followed (a link to a directory is a directory). */
export interface DirEntry {
  name: string;
  kind: PathKind;
}

/** The file-system operations used by the CLI. Paths are absolute or relative to the process cwd. */
export interface FileSystem {
  readFile(path: string): Promise<Uint8Array>;
  writeFile(path: string, data: string | Uint8Array): Promise<void>;
  rename(from: string, to: string): Promise<void>;
  /** Creates a hard link `path` to `existing`; fails with EEXIST when `path` exists. */
  link(existing: string, path: string): Promise<void>;
  /** Copies `from` to `to` unless `to` exists; false when it does. */
  copyFileExclusive(from: string, to: string): Promise<boolean>;
  /** Removes a file, or a directory tree; never follows symlinks; no error when absent. */
  remove(path: string): Promise<void>;
  /** Removes an empty directory. */
  removeDir(path: string): Promise<void>;
  /** Creates one directory (not its parents); fails when it exists. */
  makeDir(path: string): Promise<void>;
  /** Creates a fresh, uniquely named directory whose name starts with `prefix`. */
  makeTempDir(prefix: string): Promise<string>;
  symlink(target: string, path: string): Promise<void>;
  list(dir: string): Promise<DirEntry[]>;
  kind(path: string): Promise<PathKind>;
  realpath(path: string): Promise<string>;
}

/** The real file system, on `node:fs/promises`. */
export function nodeFileSystem(): FileSystem {
  return {
    readFile: (path) => fsp.readFile(path),
    writeFile: (path, data) => fsp.writeFile(path, data),
    rename: (from, to) => fsp.rename(from, to),
    link: (existing, path) => fsp.link(existing, path),
    copyFileExclusive: (from, to) =>
      fsp.copyFile(from, to, fsp.constants.COPYFILE_EXCL).then(
        () => true,
        (error: unknown) => {
          if ((error as { code?: unknown } | null)?.code === "EEXIST") return false;
          throw error;
        },
      ),
    remove: (path) => fsp.rm(path, { recursive: true, force: true }),
    removeDir: (path) => fsp.rmdir(path),
    makeDir: async (path) => {
      await fsp.mkdir(path);
    },
    makeTempDir: (prefix) => fsp.mkdtemp(prefix),
    symlink: (target, path) => fsp.symlink(target, path),
    list: listDir,
    kind: pathKind,
    realpath: (path) => fsp.realpath(path),
  };
}

async function listDir(dir: string): Promise<DirEntry[]> {
  const entries = await fsp.readdir(dir, { withFileTypes: true });
  return Promise.all(
    entries.map(async (entry) => ({
      name: entry.name,
      // Follow symlinks so that a linked proto folder is walked like a real one.
      kind: entry.isSymbolicLink() ? await pathKind(join(dir, entry.name)) : direntKind(entry),
    })),
  );
}

function direntKind(entry: { isFile(): boolean; isDirectory(): boolean }): PathKind {
  if (entry.isFile()) return "file";
  return entry.isDirectory() ? "directory" : "other";
}

async function pathKind(path: string): Promise<PathKind> {
  try {
    return direntKind(await fsp.stat(path));
  } catch (error) {
    if (isNotFound(error)) return undefined;
    throw error;
  }
}

/** True for the errors that mean "no such file" (including a path through a file). */
export function isNotFound(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return code === "ENOENT" || code === "ENOTDIR";
}

/** Reads a UTF-8 text file. */
export async function readText(fs: FileSystem, path: string): Promise<string> {
  return new TextDecoder().decode(await fs.readFile(path));
}

/** Creates `dir` and its missing parents; returns the directories it created, outermost first. */
export async function makeDirs(fs: FileSystem, dir: string): Promise<string[]> {
  const missing: string[] = [];
  let current = dir;
  while ((await fs.kind(current)) === undefined) {
    missing.unshift(current);
    const parent = dirname(current);
    if (parent === current) break;
    current = parent;
  }
  for (const path of missing) await fs.makeDir(path);
  return missing;
}

/** What a walk keeps and where it does not descend. */
export interface WalkFilter {
  keepFile(name: string): boolean;
  skipDir?(name: string): boolean;
}

/**
 * Lists the files under `root` that the filter keeps, as sorted posix paths relative to `root`.
 * Sorted so that everything built from a walk (file_to_generate, manifests) is deterministic.
 */
export async function walkFiles(fs: FileSystem, root: string, filter: WalkFilter): Promise<string[]> {
  const found: string[] = [];
  const visited = new Set<string>(); // real paths: a symlink back up the tree must not loop forever
  const visit = async (rel: string): Promise<void> => {
    const dir = rel === "" ? root : join(root, rel);
    const real = await fs.realpath(dir);
    if (visited.has(real)) return;
    visited.add(real);
    for (const entry of await fs.list(dir)) {
      const path = rel === "" ? entry.name : `${rel}/${entry.name}`;
      if (entry.kind === "directory" && !filter.skipDir?.(entry.name)) await visit(path);
      else if (entry.kind === "file" && filter.keepFile(entry.name)) found.push(path);
    }
  };
  await visit("");
  return found.sort(compareStrings);
}
