/**
 * Compiling the user's `.proto` files into a CodeGeneratorRequest with `buf build`, so the CLI
 * needs no protoc. The image buf writes (`--as-file-descriptor-set`) is a FileDescriptorSet with
 * every import and source info, already in topological order (imports before importers), which is
 * what `proto_file` must be. The request is the one protoc and `buf generate` send a plugin: in
 * `proto_file`, the files to generate lose their options declared `retention = RETENTION_SOURCE`
 * (imports keep theirs), and `source_file_descriptors` holds those files unstripped. protoc-gen-es
 * embeds the descriptors in its output, so any other request would make the CLI's files differ
 * from the plugin's.
 */
import { create, fromBinary } from "@bufbuild/protobuf";
import {
  CodeGeneratorRequestSchema,
  FileDescriptorSetSchema,
  type CodeGeneratorRequest,
  type FileDescriptorProto,
} from "@bufbuild/protobuf/wkt";
import { join } from "node:path";
import type { BufRunner } from "./buf.js";
import { bufErrorMessages } from "./buf-errors.js";
import { UserError } from "../frontend/errors.js";
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

/** Compiles `input`; throws UserError with `file:line:col: message` lines when buf rejects it. */
export async function compile(deps: CompileDeps, input: CompileInput): Promise<Compiled> {
  const resolved = await resolveInputs(deps.fs, input.cwd, input.args, input.includes);
  const workspace = await createWorkspace(deps.fs, resolved.includes, deps.bundledProtoDir, deps.tempPrefix);
  try {
    // buf strips source-retention options as protoc does, but from every file of the image: the
    // unstripped image is a second build of the same workspace, run at the same time.
    const [stripped, full] = await Promise.all([
      buildImage(deps, workspace, resolved.files, { stripSourceRetention: true }),
      buildImage(deps, workspace, resolved.files, { stripSourceRetention: false }),
    ]);
    const fileToGenerate = resolved.files.map((file) => file.protoPath);
    const toGenerate = new Set(fileToGenerate);
    const request = create(CodeGeneratorRequestSchema, {
      fileToGenerate,
      parameter: "",
      protoFile: full.map((file) => (toGenerate.has(file.name) ? fileNamed(stripped, file.name) : file)),
      sourceFileDescriptors: fileToGenerate.map((name) => fileNamed(full, name)),
    });
    return { request, includes: resolved.includes, inputs: resolved.args };
  } finally {
    await workspace.dispose();
  }
}

/** Builds the image of `files` and their imports; each call writes its own image file. */
async function buildImage(
  deps: CompileDeps,
  workspace: Workspace,
  files: readonly ProtoInput[],
  how: { stripSourceRetention: boolean },
): Promise<FileDescriptorProto[]> {
  const imagePath = join(workspace.root, how.stripSourceRetention ? "image-stripped.binpb" : "image.binpb");
  const args = ["build", "--as-file-descriptor-set", "--error-format", "json", "-o", imagePath];
  if (how.stripSourceRetention) args.push("--exclude-source-retention-options");
  for (const file of files) args.push("--path", `m${file.include}/${file.protoPath}`);
  const result = await deps.runBuf(args, workspace.root);
  if (result.status !== 0) throw new UserError(bufErrorMessages(result.stderr, result.status, workspace.modules));
  return fromBinary(FileDescriptorSetSchema, await deps.fs.readFile(imagePath)).file;
}

function fileNamed(files: readonly FileDescriptorProto[], name: string): FileDescriptorProto {
  const file = files.find((candidate) => candidate.name === name);
  if (file === undefined) throw new Error(`buf's image lacks ${name}, a file it was asked to build`);
  return file;
}
