/**
 * A throw-away buf workspace that gives buf protoc's include-path semantics: a `buf.yaml`
 * (`version: v2`) listing one module per include directory, each module `mN` a symlink to the
 * directory. buf reads only the workspace's own buf.yaml: a buf.yaml inside an include directory
 * (its lint rules, excludes or deps) is ignored, so the directory is a plain import root, as for
 * protoc. The bundled protos come last, as a tree of per-file symlinks that leaves out every file
 * a user directory also has: buf rejects an import path present in two modules, and the user's
 * copy must win.
 */
import { dirname, join } from "node:path";
import { makeDirs, walkFiles, type FileSystem } from "./fs.js";
import type { IncludeDir } from "./inputs.js";

/** One module of the workspace: its name (`m0`, ...) and the directory it stands for. */
export interface WorkspaceModule {
  name: string;
  /** The directory as the user should see it in messages. */
  display: string;
}

/** A workspace on disk; `dispose` removes it (never what its symlinks point to). */
export interface Workspace {
  root: string;
  modules: WorkspaceModule[];
  dispose(): Promise<void>;
}

/** Creates a workspace under a fresh temp dir named by `tempPrefix`. */
export async function createWorkspace(
  fs: FileSystem,
  includes: readonly IncludeDir[],
  bundledDir: string,
  tempPrefix: string,
): Promise<Workspace> {
  const root = await fs.makeTempDir(tempPrefix);
  const dispose = () => fs.remove(root);
  try {
    const modules = includes.map((dir, index) => ({ name: `m${index}`, display: dir.given }));
    for (const [index, dir] of includes.entries()) await fs.symlink(dir.path, join(root, `m${index}`));
    const bundled = { name: `m${includes.length}`, display: bundledDir };
    if (await linkBundled(fs, join(root, bundled.name), bundledDir, includes)) modules.push(bundled);
    await fs.writeFile(join(root, "buf.yaml"), bufYaml(modules));
    return { root, modules, dispose };
  } catch (error) {
    await dispose();
    throw error;
  }
}

/** Links the bundled files no include directory shadows; false when all are shadowed. */
async function linkBundled(fs: FileSystem, moduleDir: string, bundledDir: string, includes: readonly IncludeDir[]): Promise<boolean> {
  const files = await walkFiles(fs, bundledDir, { keepFile: (name) => name.endsWith(".proto") });
  let linked = 0;
  for (const rel of files) {
    if (await isShadowed(fs, rel, includes)) continue;
    const link = join(moduleDir, rel);
    await makeDirs(fs, dirname(link));
    await fs.symlink(join(bundledDir, rel), link);
    linked++;
  }
  return linked > 0;
}

async function isShadowed(fs: FileSystem, rel: string, includes: readonly IncludeDir[]): Promise<boolean> {
  for (const dir of includes) if ((await fs.kind(join(dir.path, rel))) !== undefined) return true;
  return false;
}

function bufYaml(modules: readonly WorkspaceModule[]): string {
  return ["version: v2", "modules:", ...modules.map((module) => `  - path: ${module.name}`), ""].join("\n");
}
