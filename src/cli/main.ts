/**
 * The CLI entry point: `main(argv, process)` builds the real dependencies from the process and
 * runs the program; `runCli` takes the dependencies explicitly (tests pass a stand-in generator,
 * in-memory writers, a temp cwd). Both return the exit status; nothing here calls process.exit.
 */
import { CommanderError } from "commander";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { bufRunner, locateBuf } from "./buf.js";
import { reportError } from "./errors.js";
import { nodeFileSystem } from "./fs.js";
import { lazyGenerate } from "../frontend/generator.js";
import { bundledProtoDir, defaultRuntimeSpec, ownVersion } from "../frontend/package-info.js";
import { buildProgram, commanderStatus, type ProgramDeps } from "./program.js";

/** The parts of `process` the CLI uses. */
export interface CliProcess {
  cwd(): string;
  env: NodeJS.ProcessEnv;
  /** The running Node binary: runs buf's launcher when its native binary is not found. */
  execPath: string;
  stdout: { write(text: string): unknown };
  stderr: { write(text: string): unknown };
}

/** Runs `gen-svc` with `argv` (without the node and script paths); returns the exit status. */
export async function main(argv: readonly string[], proc: CliProcess): Promise<number> {
  return runCli(argv, processDeps(proc));
}

/** The real dependencies: node's file system, the bundled buf, the real generator. */
export function processDeps(proc: CliProcess): ProgramDeps {
  const version = ownVersion();
  return {
    fs: nodeFileSystem(),
    // Located on first use, so that --help works even where buf is missing.
    runBuf: (args, cwd) => bufRunner(locateBuf(proc.execPath), proc.env)(args, cwd),
    bundledProtoDir: bundledProtoDir(),
    tempPrefix: join(tmpdir(), "gen-svc-"),
    generate: (request, options) => lazyGenerate(request, options, (text) => void proc.stderr.write(`gen-svc: warning: ${text}\n`)),
    defaultRuntime: defaultRuntimeSpec(version),
    version,
    cwd: proc.cwd(),
    stdout: (text) => void proc.stdout.write(text),
    stderr: (text) => void proc.stderr.write(text),
  };
}

/** Runs the program with explicit dependencies; every error becomes `gen-svc: ...` on stderr. */
export async function runCli(argv: readonly string[], deps: ProgramDeps): Promise<number> {
  let status = 0;
  const program = buildProgram(deps, (code) => {
    status = code;
  });
  try {
    await program.parseAsync([...argv], { from: "user" });
    return status;
  } catch (error) {
    // Commander has already printed its message (or the help) through deps.stderr/stdout.
    if (error instanceof CommanderError) return commanderStatus(error.exitCode);
    return reportError(error, deps.stderr);
  }
}
