/**
 * `gen-svc generate`: compile, generate in memory, then write the output directory all at once
 * (or not at all) with its manifest.
 */
import { resolve } from "node:path";
import type { FileSystem } from "./fs.js";
import { generateReport } from "./handler-report.js";
import { pairsToManifestOptions } from "./manifest.js";
import { planOutput } from "./output-plan.js";
import { applyOutputPlan, describeOutcome } from "./output-write.js";
import { relativePosix } from "./paths.js";
import { produce, type ProduceDeps } from "./produce.js";

/** What the commands need: producing files, the working directory and the output streams. */
export interface CommandDeps extends ProduceDeps {
  fs: FileSystem;
  cwd: string;
  stdout(text: string): void;
  stderr(text: string): void;
}

/** The arguments of `generate`, as the user gave them. */
export interface GenerateArgs {
  inputs: readonly string[];
  out: string;
  includes: readonly string[];
  pairs: ReadonlyArray<readonly [string, string]>;
}

/** Runs `generate`; returns the exit status (errors are thrown, for main to report). */
export async function runGenerate(deps: CommandDeps, args: GenerateArgs): Promise<number> {
  const produced = await produce(deps, { cwd: deps.cwd, args: args.inputs, includes: args.includes, pairs: args.pairs });
  const outDir = resolve(deps.cwd, args.out);
  // Paths relative to the manifest, so that the output can move together with its protos.
  const fromOut = (path: string) => relativePosix(outDir, path);
  const manifest = {
    generator: "gen-svc" as const,
    inputs: produced.inputs.map(fromOut),
    includes: produced.includes.map((dir) => fromOut(dir.path)),
    options: pairsToManifestOptions(args.pairs),
  };
  const plan = await planOutput(deps.fs, { path: outDir, display: args.out }, produced.files, manifest);
  const outcome = await applyOutputPlan(deps.fs, plan);
  const report = generateReport(plan.handlers, outcome, args.out);
  report.stdout.forEach(deps.stdout);
  report.stderr.forEach(deps.stderr);
  deps.stdout(`gen-svc: ${describeOutcome(outcome, args.out)}\n`);
  return 0;
}
