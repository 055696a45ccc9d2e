/**
 * A throw-away buf workspace that gives buf protoc's include-path semantics: a `buf.yaml`
 * (`version: v2`) listing one module per include directory, in order, then gen-svc's bundled
 * protos. buf reads only the workspace's own buf.yaml: a buf.yaml inside an include directory
 * (its lint rules, excludes or deps) is ignored, so the directory is a plain import root, as for
 * protoc. buf rejects an import path present in two modules, while protoc takes the first
 * directory that has it; so a module whose directory repeats an import path of an earlier one is
 * a tree of per-file symlinks that leaves the repeated files out. Other modules are one symlink
 * to their directory.
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

/**
 * Creates a workspace under a fresh temp dir named by `tempPrefix`. Module `mN` stands for
 * `includes[N]` (compile names files to build by it); the bundled protos come last.
 */
export async function createWorkspace(
  fs: FileSystem,
  includes: readonly IncludeDir[],
  bundledDir: string,
  tempPrefix: string,
): Promise<Workspace> {
  const root = await fs.makeTempDir(tempPrefix);
  const dispose = () => fs.remove(root);
  try {
    const dirs = [...includes, { given: bundledDir, path: bundledDir }];
    const modules: WorkspaceModule[] = [];
    for (const [index, dir] of dirs.entries()) {
      const module = { name: `m${index}`, display: dir.given };
      if (await linkModule(fs, join(root, module.name), dir.path, dirs.slice(0, index))) modules.push(module);
    }
    await fs.writeFile(join(root, "buf.yaml"), bufYaml(modules));
    return { root, modules, dispose };
  } catch (error) {
    await dispose();
    throw error;
  }
}

/**
 * Links `dir` as the module at `moduleDir`, without the .proto files an earlier directory also
 * has; false when nothing is left to link (the module is then left out of buf.yaml).
 */
async function linkModule(fs: FileSystem, moduleDir: string, dir: string, earlier: readonly IncludeDir[]): Promise<boolean> {
  // The first directory shadows nothing: no need to walk it.
  if (earlier.length === 0) return fs.symlink(dir, moduleDir).then(() => true);
  const files = await walkFiles(fs, dir, { keepFile: (name) => name.endsWith(".proto") });
  const visible: string[] = [];
  for (const rel of files) if (!(await isShadowed(fs, rel, earlier))) visible.push(rel);
  if (visible.length === files.length) return fs.symlink(dir, moduleDir).then(() => true);
  for (const rel of visible) {
    const link = join(moduleDir, rel);
    await makeDirs(fs, dirname(link));
    await fs.symlink(join(dir, rel), link);
  }
  return visible.length > 0;
}

async function isShadowed(fs: FileSystem, rel: string, earlier: readonly IncludeDir[]): Promise<boolean> {
  for (const dir of earlier) if ((await fs.kind(join(dir.path, rel))) === "file") return true;
  return false;
}

function bufYaml(modules: readonly WorkspaceModule[]): string {
  return ["version: v2", "modules:", ...modules.map((module) => `  - path: ${module.name}`), ""].join("\n");
}
