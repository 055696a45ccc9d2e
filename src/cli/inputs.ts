/**
 * Turning command-line arguments (files and directories) and `-I` directories into proto import
 * paths, the way protoc does: a file's import path is its path relative to the first include
 * directory that contains it.
 */
import { isAbsolute, join, relative, resolve } from "node:path";
import { UserError } from "../frontend/errors.js";
import { walkFiles, type FileSystem } from "./fs.js";
import { escapesBase, toPosix } from "./paths.js";

/** An include directory: as the user wrote it (for messages and manifests) and resolved. */
export interface IncludeDir {
  given: string;
  path: string;
}

/** One `.proto` file to generate: its include directory (an index) and its import path. */
export interface ProtoInput {
  include: number;
  protoPath: string;
}

/** The include path and the files to generate, in command-line order (directories sorted). */
export interface ResolvedInputs {
  includes: IncludeDir[];
  files: ProtoInput[];
  /** The absolute path each argument stands for, in argument order (for the manifest). */
  args: string[];
}

/** An argument after looking at the disk. */
interface Argument {
  given: string;
  path: string;
  kind: "file" | "directory";
}

/** Directories a directory argument's walk does not enter: dependencies, and hidden ones (.git). */
const skipDir = (name: string) => name === "node_modules" || name.startsWith(".");

/**
 * Resolves `args` against `includes` (or, when none are given, protoc's default: each directory
 * argument, and the current directory for file arguments). As in protoc, a file argument that is
 * not found from the current directory may be an import path inside an include directory.
 * Reports every bad argument at once.
 */
export async function resolveInputs(
  fs: FileSystem,
  cwd: string,
  args: readonly string[],
  includes: readonly string[],
): Promise<ResolvedInputs> {
  const given = includes.length > 0 ? await checkIncludes(fs, cwd, includes) : undefined;
  const parsed = await inspectArguments(fs, cwd, args, given ?? []);
  const dirs = given ?? (await checkIncludes(fs, cwd, defaultIncludes(parsed)));
  const files = new Map<string, ProtoInput>(); // keyed by import path: a file named twice is one input
  const errors: string[] = [];
  for (const arg of parsed) {
    const located = (await protoFilesOf(fs, arg, errors)).map((path) => locate(dirs, path));
    if (located.includes(undefined)) errors.push(`${arg.given}: not under any include directory (${describe(dirs)})`);
    for (const input of located) {
      if (input === undefined) continue;
      const shadow = await shadowingFile(fs, dirs, input);
      if (shadow !== undefined) errors.push(shadowMessage(dirs, input, shadow));
      else if (!files.has(input.protoPath)) files.set(input.protoPath, input);
    }
  }
  // A shadowed file named twice (as a file and inside a directory argument) is one message.
  if (errors.length > 0) throw new UserError([...new Set(errors)]);
  return { includes: dirs, files: [...files.values()], args: parsed.map((arg) => arg.path) };
}

async function inspectArguments(fs: FileSystem, cwd: string, args: readonly string[], includes: readonly IncludeDir[]): Promise<Argument[]> {
  const parsed: Argument[] = [];
  const errors: string[] = [];
  for (const given of args) {
    const path = (await findInIncludes(fs, cwd, given, includes)) ?? resolve(cwd, given);
    const kind = await fs.kind(path);
    if (kind === "directory") parsed.push({ given, path, kind });
    else if (kind === undefined) errors.push(`${given}: no such file or directory`);
    else if (kind !== "file" || !given.endsWith(".proto")) errors.push(`${given}: not a .proto file or a directory`);
    else parsed.push({ given, path, kind });
  }
  if (errors.length > 0) throw new UserError(errors);
  if (parsed.length === 0) throw new UserError("no input files: give .proto files or directories");
  return parsed;
}

/** `given` as an import path under an include directory, when it is not a path from the cwd. */
async function findInIncludes(fs: FileSystem, cwd: string, given: string, includes: readonly IncludeDir[]): Promise<string | undefined> {
  if (isAbsolute(given) || (await fs.kind(resolve(cwd, given))) !== undefined) return undefined;
  for (const dir of includes) {
    const path = resolve(dir.path, given);
    if ((await fs.kind(path)) === "file") return path;
  }
  return undefined;
}

function defaultIncludes(args: readonly Argument[]): string[] {
  return args.map((arg) => (arg.kind === "directory" ? arg.given : "."));
}

/** Resolves include directories, dropping repeats (the first one wins, as in protoc). */
async function checkIncludes(fs: FileSystem, cwd: string, includes: readonly string[]): Promise<IncludeDir[]> {
  const dirs: IncludeDir[] = [];
  const errors: string[] = [];
  for (const given of includes) {
    const path = resolve(cwd, given);
    if ((await fs.kind(path)) !== "directory") errors.push(`${given}: include directory does not exist`);
    else if (!dirs.some((dir) => dir.path === path)) dirs.push({ given, path });
  }
  if (errors.length > 0) throw new UserError(errors);
  return dirs;
}

/** The absolute paths of the .proto files an argument stands for (a directory: all, sorted). */
async function protoFilesOf(fs: FileSystem, arg: Argument, errors: string[]): Promise<string[]> {
  if (arg.kind === "file") return [arg.path];
  const found = await walkFiles(fs, arg.path, { keepFile: (name) => name.endsWith(".proto"), skipDir });
  if (found.length === 0) errors.push(`${arg.given}: no .proto files in this directory`);
  return found.map((rel) => resolve(arg.path, rel));
}

function locate(dirs: readonly IncludeDir[], path: string): ProtoInput | undefined {
  for (const [include, dir] of dirs.entries()) {
    const rel = relative(dir.path, path);
    if (rel !== "" && !escapesBase(rel)) return { include, protoPath: toPosix(rel) };
  }
  return undefined;
}

/**
 * The earlier include directory that also has `input`'s import path, if any. Imports of that
 * path resolve to the earlier file (the first directory wins, as in protoc), so generating from
 * the later one would silently use the wrong file: protoc refuses such an input, and so do we.
 */
async function shadowingFile(fs: FileSystem, dirs: readonly IncludeDir[], input: ProtoInput): Promise<IncludeDir | undefined> {
  for (const dir of dirs.slice(0, input.include)) {
    if ((await fs.kind(resolve(dir.path, input.protoPath))) === "file") return dir;
  }
  return undefined;
}

function shadowMessage(dirs: readonly IncludeDir[], input: ProtoInput, shadow: IncludeDir): string {
  const given = (dir: IncludeDir) => toPosix(join(dir.given, input.protoPath));
  const own = dirs[input.include];
  return (
    `${own === undefined ? input.protoPath : given(own)}: shadowed by ${given(shadow)}, which has the same import path ` +
    `(${input.protoPath}) in an earlier include directory; give that file instead, or reorder the -I directories`
  );
}

function describe(dirs: readonly IncludeDir[]): string {
  return dirs.map((dir) => `-I ${dir.given}`).join(", ");
}
