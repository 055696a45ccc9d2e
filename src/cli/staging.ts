/**
 * The names of staged files (written in full under a temporary name beside their target, then
 * moved into place) and finding the ones a crashed run left behind. A staged file is a hidden dot
 * file, `.<target name>.<12 hex digits>.gen-svc-tmp`, so a leftover is recognizable and, when the
 * output directory is listed by gen-svc, never mistaken for a file the user put there.
 */
import { randomBytes } from "node:crypto";
import { basename, dirname, join } from "node:path";
import type { FileSystem } from "./fs.js";

const stagedPattern = /^\..+\.[0-9a-f]{12}\.gen-svc-tmp$/;

/** A fresh staging path for `target`, in the same directory (so the same file system). */
export function stagedPath(target: string): string {
  return join(dirname(target), `.${basename(target)}.${randomBytes(6).toString("hex")}.gen-svc-tmp`);
}

/** Whether a file name is a staged file's. */
export function isStagedName(name: string): boolean {
  return stagedPattern.test(name);
}

/**
 * When everything under `dir` is staged files and directories, the staged files (posix paths
 * relative to `dir`); `undefined` as soon as anything else turns up, without walking further
 * (the directory may be a large tree that gen-svc must refuse anyway).
 */
export async function onlyStagedFiles(fs: FileSystem, dir: string): Promise<string[] | undefined> {
  const found: string[] = [];
  const visited = new Set<string>(); // real paths: a symlink back up the tree must not loop forever
  const visit = async (rel: string): Promise<boolean> => {
    const full = rel === "" ? dir : join(dir, rel);
    const real = await fs.realpath(full);
    if (visited.has(real)) return true;
    visited.add(real);
    for (const entry of await fs.list(full)) {
      const path = rel === "" ? entry.name : `${rel}/${entry.name}`;
      if (entry.kind === "directory") {
        if (!(await visit(path))) return false;
      } else if (entry.kind === "file" && isStagedName(entry.name)) found.push(path);
      else return false;
    }
    return true;
  };
  return (await visit("")) ? found : undefined;
}

/** The staged files in the given directories of `outDir` (posix, relative); missing ones are skipped. */
export async function stagedFilesIn(fs: FileSystem, outDir: string, dirs: Iterable<string>): Promise<string[]> {
  const found: string[] = [];
  for (const dir of new Set(dirs)) {
    const full = dir === "." ? outDir : join(outDir, dir);
    if ((await fs.kind(full)) !== "directory") continue;
    for (const entry of await fs.list(full)) {
      if (entry.kind === "file" && isStagedName(entry.name)) found.push(dir === "." ? entry.name : `${dir}/${entry.name}`);
    }
  }
  return found;
}
