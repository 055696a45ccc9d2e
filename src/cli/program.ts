/**
 * The `gen-svc` command line (commander): commands, flags and help. Actions only translate
 * parsed flags into the arguments of the command functions; all work happens there.
 */
import { Command, Option } from "commander";
import { runCheck } from "./check-command.js";
import { exitCodes } from "./errors.js";
import { flagName, flagPairs, optionFlags } from "./flags.js";
import { runGenerate, type CommandDeps } from "./generate-command.js";

/** Everything the program needs: the command dependencies and gen-svc's version. */
export interface ProgramDeps extends CommandDeps {
  version: string;
}

const exitStatusHelp = `
Exit status: 0 success, 1 error or stale output (check), 2 command-line usage error.`;

const generateHelp = `
Include directories default to each directory argument, and to the current directory for file
arguments (as in protoc). An import path comes from the first include directory that has it; an
input file that an earlier include directory shadows is an error. gen-svc's bundled protos
(google/api, google/rpc, gensvc options) are always searched last.

The inputs must declare at least one service. One proto package is generated at the root of the
output directory, several into one folder each, named after the npm package.

The output directory must be new, empty, or written by gen-svc before (it has a gen-svc.json).
Generated files are overwritten, user-owned files (handlers, main.ts, tests) are written only when
absent, and files an earlier run generated that are no longer produced are deleted. An existing
handler file is merged with the contract: stubs for new RPCs, new signatures for changed ones, and
a @deprecated mark (with a warning) on methods whose RPC is gone; the rest stays byte for byte. A
new handler file that would duplicate a renamed handler file or service is refused, as is a run
that would move a package (the input gained or lost a proto package) while its folder still holds
user-owned files. Nothing is written when anything fails.

Example:
  gen-svc generate proto/greeter/v1/greeter.proto -I proto -o services/greeter`;

const checkHelp = `
Finds every gen-svc.json under the directories (default: the current directory; node_modules,
dist and .git are skipped), regenerates each package in memory from it and compares the generated
files with the disk, and handler files with the contract (what generate would merge into them, as
file:line:col lines). Other user-owned files are not compared. Prints a unified diff of every
stale file.`;

/** Builds the program; `setStatus` receives the exit status of the command that ran. */
export function buildProgram(deps: ProgramDeps, setStatus: (status: number) => void): Command {
  const program = new Command("gen-svc")
    .description("Generate Node.js gRPC microservices in TypeScript from .proto contracts")
    .version(deps.version, "-V, --version", "print the gen-svc version")
    .helpOption("-h, --help", "show help")
    .helpCommand(false)
    .addHelpText("after", exitStatusHelp)
    .exitOverride()
    .showHelpAfterError("gen-svc: see --help for usage")
    .configureOutput({
      writeOut: deps.stdout,
      writeErr: deps.stderr,
      outputError: (text, write) => write(`gen-svc: ${text.replace(/^error: /, "")}`),
    });
  // Through program.command(), so that the commands inherit the output and exit settings.
  generateCommand(program.command("generate"), deps, setStatus);
  checkCommand(program.command("check"), deps, setStatus);
  return program;
}

function generateCommand(command: Command, deps: CommandDeps, setStatus: (status: number) => void): void {
  command
    .description("generate service packages from .proto files or directories of them")
    .argument("<inputs...>", ".proto files, or directories (all .proto files under them, except in node_modules and hidden directories)")
    .requiredOption("-o, --out <dir>", "output directory")
    .option("-I, --include <dir>", "include directory for imports; repeatable, searched in order", collect);
  for (const flag of optionFlags) {
    const option = new Option(`--${flagName(flag.key)} <${flag.valueName}>`, flag.description);
    command.addOption(flag.repeatable ? option.argParser(collect) : option);
  }
  command.addHelpText("after", generateHelp).action(async (inputs: string[], flags: Record<string, unknown>) => {
    const includes = (flags.include as string[] | undefined) ?? [];
    setStatus(await runGenerate(deps, { inputs, out: flags.out as string, includes, pairs: flagPairs(flags) }));
  });
}

function checkCommand(command: Command, deps: CommandDeps, setStatus: (status: number) => void): void {
  command
    .description("check that generated packages are up to date with their protos (for CI)")
    .argument("[dirs...]", "directories to search for gen-svc.json (default: .)")
    .addHelpText("after", checkHelp)
    .action(async (dirs: string[]) => {
      setStatus(await runCheck(deps, dirs));
    });
}

/** Commander's accumulator for repeatable flags. */
function collect(value: string, previous: string[] | undefined): string[] {
  return [...(previous ?? []), value];
}

/** The exit status for a commander exit: 0 after help or version, otherwise a usage error. */
export function commanderStatus(exitCode: number): number {
  return exitCode === 0 ? exitCodes.ok : exitCodes.usage;
}
