/**
 * The generator core: a CodeGeneratorRequest and options in, files out. Pure: no file system,
 * no process. Errors are thrown as GenerationError (with a proto location) or OptionError.
 */
import type { CodeGeneratorRequest } from "@bufbuild/protobuf/wkt";
import type { GenerateOptions } from "./options.js";

/** One output file, with its path relative to the output directory. */
export interface GeneratedFile {
  path: string;
  content: string;
  /** User-owned files (handlers, main.ts, tests) are written once and never overwritten. */
  userOwned: boolean;
}

/** Generates every file of the packages for the request's files to generate. */
export async function generate(request: CodeGeneratorRequest, options: GenerateOptions): Promise<GeneratedFile[]> {
  void request;
  void options;
  throw new Error("not implemented yet");
}
