/**
 * Compiling the user's `.proto` files into a CodeGeneratorRequest with `buf build`, so the CLI
 * needs no protoc. The image buf writes (`--as-file-descriptor-set`) is a FileDescriptorSet with
 * every import and source info, already in topological order (imports before importers), which is
 * what `proto_file` must be.
 */
import { create, fromBinary } from "@bufbuild/protobuf";
import { CodeGeneratorRequestSchema, FileDescriptorSetSchema, type CodeGeneratorRequest } from "@bufbuild/protobuf/wkt";
import { join } from "node:path";
import type { BufRunner } from "./buf.js";
import { bufErrorMessages } from "./buf-errors.js";
import { CliError } from "./errors.js";
import type { FileSystem } from "./fs.js";
import { resolveInputs, type IncludeDir, type ProtoInput } from "./inputs.js";
import { createWorkspace, type Workspace } from "./workspace.js";

/** What compiling needs from the outside world. */
export interface CompileDeps {
  fs: FileSystem;
  runBuf: BufRunner;
  /** gen-svc's own protos (google/api, google/rpc, gensvc options): always last on the path. */
  bundledProtoDir: string;
  /** Prefix for the temporary workspace directory, e.g. `/tmp/gen-svc-`. */
  tempPrefix: string;
}

/** Files and directories to compile, and the `-I` directories (empty: protoc's default). */
export interface CompileInput {
  cwd: string;
  args: readonly string[];
  includes: readonly string[];
}

/** A compiled request, and what its inputs resolved to (for the manifest). */
export interface Compiled {
  request: CodeGeneratorRequest;
  /** The include directories that were used, without the bundled one. */
  includes: IncludeDir[];
  /** The absolute path of each argument, in order. */
  inputs: string[];
}

/** Compiles `input`; throws CliError with `file:line:col: message` lines when buf rejects it. */
export async function compile(deps: CompileDeps, input: CompileInput): Promise<Compiled> {
  const resolved = await resolveInputs(deps.fs, input.cwd, input.args, input.includes);
  const workspace = await createWorkspace(deps.fs, resolved.includes, deps.bundledProtoDir, deps.tempPrefix);
  try {
    const image = await buildImage(deps, workspace, resolved.files);
    const request = create(CodeGeneratorRequestSchema, {
      fileToGenerate: resolved.files.map((file) => file.protoPath),
      parameter: "",
      protoFile: fromBinary(FileDescriptorSetSchema, image).file,
    });
    return { request, includes: resolved.includes, inputs: resolved.args };
  } finally {
    await workspace.dispose();
  }
}

async function buildImage(deps: CompileDeps, workspace: Workspace, files: readonly ProtoInput[]): Promise<Uint8Array> {
  const imagePath = join(workspace.root, "image.binpb");
  const args = ["build", "--as-file-descriptor-set", "--error-format", "json", "-o", imagePath];
  for (const file of files) args.push("--path", `m${file.include}/${file.protoPath}`);
  const result = await deps.runBuf(args, workspace.root);
  if (result.status !== 0) throw new CliError(bufErrorMessages(result.stderr, result.status, workspace.modules));
  return deps.fs.readFile(imagePath);
}
