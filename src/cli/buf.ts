/**
 * Running the `buf` compiler that the `@bufbuild/buf` npm package ships. The package's own
 * `bin/buf` is a Node launcher that spawns a platform binary from an optional dependency
 * (`@bufbuild/buf-linux-x64`, ...); we run that binary directly to save a Node start-up, and fall
 * back to the launcher when the binary cannot be found (for example an unknown platform layout).
 */
import { execFile } from "node:child_process";
import { createRequire } from "node:module";
import { arch, endianness } from "node:os";

/** What one buf run returned. */
export interface BufResult {
  status: number;
  stdout: string;
  stderr: string;
}

/** Runs buf with `args` in `cwd`. */
export type BufRunner = (args: readonly string[], cwd: string) => Promise<BufResult>;

/** The platform packages of `@bufbuild/buf` 1.x, keyed like its own launcher keys them. */
const platformPackages: Record<string, string> = {
  "darwin arm64 LE": "@bufbuild/buf-darwin-arm64",
  "darwin x64 LE": "@bufbuild/buf-darwin-x64",
  "linux arm64 LE": "@bufbuild/buf-linux-aarch64",
  "linux arm LE": "@bufbuild/buf-linux-armv7",
  "linux x64 LE": "@bufbuild/buf-linux-x64",
  "win32 arm64 LE": "@bufbuild/buf-win32-arm64",
  "win32 x64 LE": "@bufbuild/buf-win32-x64",
};

/** The command that runs buf: the native binary, or `node <launcher>` as a fallback. */
export interface BufCommand {
  file: string;
  prefixArgs: string[];
}

/** Finds the buf binary installed with gen-svc's `@bufbuild/buf` dependency. */
export function locateBuf(nodePath: string): BufCommand {
  // Resolve from @bufbuild/buf's own location: its platform package is its optional dependency.
  const launcher = createRequire(import.meta.url).resolve("@bufbuild/buf/bin/buf");
  const pkg = platformPackages[`${process.platform} ${arch()} ${endianness()}`];
  if (pkg !== undefined) {
    const exe = process.platform === "win32" ? "bin/buf.exe" : "bin/buf";
    try {
      return { file: createRequire(launcher).resolve(`${pkg}/${exe}`), prefixArgs: [] };
    } catch {
      // Not installed where we expect it: let the launcher find (or download) it.
    }
  }
  return { file: nodePath, prefixArgs: [launcher] };
}

/** A BufRunner for `command`, with `env` as the environment (buf needs HOME for its cache). */
export function bufRunner(command: BufCommand, env: NodeJS.ProcessEnv): BufRunner {
  return (args, cwd) =>
    new Promise((resolve, reject) => {
      execFile(
        command.file,
        [...command.prefixArgs, ...args],
        { cwd, env, maxBuffer: 64 * 1024 * 1024, encoding: "utf8" },
        (error, stdout, stderr) => {
          const status = error === null ? 0 : typeof error.code === "number" ? error.code : undefined;
          if (status === undefined) reject(new Error(`cannot run buf (${command.file}): ${error?.message}`));
          else resolve({ status, stdout, stderr });
        },
      );
    });
}
