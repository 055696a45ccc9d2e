/**
 * The in-memory half of a generation, shared by `generate` and `check`: options, compile, and the
 * generator, with no output written.
 */
import type { GeneratedFile } from "../core/generate.js";
import { parseOptions } from "../core/options.js";
import { UserError } from "../frontend/errors.js";
import { compile, type CompileDeps, type CompileInput, type Compiled } from "./compile.js";
import type { GenerateFn } from "../frontend/generator.js";

/** What producing files needs: compiling, the generator, and the default runtime spec. */
export interface ProduceDeps extends CompileDeps {
  generate: GenerateFn;
  /** `^<gen-svc version>`: the runtime dependency spec when no `runtime` option is given. */
  defaultRuntime: string;
}

/** The inputs of one generation: compile input plus the option pairs as given. */
export interface ProduceInput extends CompileInput {
  pairs: ReadonlyArray<readonly [string, string]>;
}

/** The generated files, and the resolved inputs and include directories. */
export interface Produced extends Omit<Compiled, "request"> {
  files: GeneratedFile[];
}

/**
 * Validates the options (before the slower compile), compiles, and generates. No files means the
 * inputs declare no services: generate() allows that (buf runs a plugin once per directory, and a
 * directory of messages is fine there), but for the CLI it is an error, or `generate` would write
 * an empty manifest and delete the previous output.
 */
export async function produce(deps: ProduceDeps, input: ProduceInput): Promise<Produced> {
  const options = parseOptions(input.pairs, deps.defaultRuntime);
  const compiled = await compile(deps, input);
  const files = await deps.generate(compiled.request, options);
  if (files.length === 0) throw new UserError(`no services in ${input.args.join(", ")}`);
  return { files, includes: compiled.includes, inputs: compiled.inputs };
}
