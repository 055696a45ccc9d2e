/**
 * The protoc plugin protocol around `generate()`: a CodeGeneratorRequest in, a
 * CodeGeneratorResponse out. Problems with the contract or the options are answered in
 * `response.error` (protoc prints them and fails), as the protocol asks; only input that is not a
 * CodeGeneratorRequest at all is thrown, for the caller to exit non-zero.
 */
import { create, fromBinary, maximumEdition, minimumEdition, protoInt64, toBinary } from "@bufbuild/protobuf";
import {
  CodeGeneratorRequestSchema,
  CodeGeneratorResponse_Feature,
  CodeGeneratorResponseSchema,
  type CodeGeneratorRequest,
  type CodeGeneratorResponse,
} from "@bufbuild/protobuf/wkt";
import { join } from "node:path";
import type { GeneratedFile } from "../core/generate.js";
import type { GenerateFn } from "../frontend/generator.js";
import { OptionError, parseOptions, splitPluginParameter } from "../core/options.js";
import { errorMessages } from "../frontend/errors.js";
import { needsAttention, planHandlers, type HandlerMerge } from "../frontend/handlers.js";

/** What the plugin needs from the outside world. */
export interface PluginDeps {
  generate: GenerateFn;
  /** `^<gen-svc version>`: the runtime dependency spec when no `runtime` option is given. */
  defaultRuntime: string;
  /** Whether something exists at `path` (relative paths are against the plugin's cwd). */
  exists(path: string): Promise<boolean>;
  /** The text of the file at `path`; `undefined` when there is no such file. */
  readFile(path: string): Promise<string | undefined>;
  /** The names of the files directly in `dir`; empty when there is no such directory. */
  listFiles(dir: string): Promise<string[]>;
  /** Prints a line for the user (protoc and buf show a plugin's stderr). */
  log(line: string): void;
}

/** The plugin-only parameter: where protoc writes, so existing user-owned files can be left out. */
const outDirKey = "out_dir";

/** Decodes the request; throws when the bytes are not a CodeGeneratorRequest. */
export function parseRequest(input: Uint8Array): CodeGeneratorRequest {
  return fromBinary(CodeGeneratorRequestSchema, input);
}

/** Answers a request; never throws (errors go to `response.error`). */
export async function respond(request: CodeGeneratorRequest, deps: PluginDeps): Promise<CodeGeneratorResponse> {
  try {
    const { pairs, outDir } = pluginParameters(request.parameter);
    const files = await deps.generate(request, parseOptions(pairs, deps.defaultRuntime));
    const emitted = outDir === undefined ? files : await filesForExistingOutput(files, outDir, deps);
    return response({ file: emitted.map((file) => ({ name: file.path, content: file.content })) });
  } catch (error) {
    // Without the `gen-svc: ` prefix: protoc already prefixes `--svc_out: `.
    return response({ error: errorMessages(error).join("\n") });
  }
}

/** Encodes a response for stdout. */
export function encodeResponse(res: CodeGeneratorResponse): Uint8Array {
  return toBinary(CodeGeneratorResponseSchema, res);
}

/** The generator's option pairs and the plugin-only `out_dir`. */
function pluginParameters(parameter: string): { pairs: Array<[string, string]>; outDir: string | undefined } {
  const pairs: Array<[string, string]> = [];
  let outDir: string | undefined;
  for (const [key, value] of splitPluginParameter(parameter)) {
    if (key.replaceAll("-", "_") !== outDirKey) pairs.push([key, value]);
    else if (value === "") throw new OptionError(outDirKey, "needs a value");
    else outDir = value;
  }
  return { pairs, outDir };
}

/**
 * What to emit into an output directory that may hold user code: protoc overwrites whatever a
 * plugin emits, so user-owned files that exist are left out, except handler files that the
 * contract changed, which are emitted merged (see src/frontend/handlers.ts). A new handler file
 * that would duplicate user code is an error (the whole response fails, nothing is written).
 */
async function filesForExistingOutput(files: readonly GeneratedFile[], outDir: string, deps: PluginDeps): Promise<GeneratedFile[]> {
  const reader = { read: (path: string) => deps.readFile(join(outDir, path)), listFiles: (dir: string) => deps.listFiles(join(outDir, dir)) };
  const plan = await planHandlers(files, reader, undefined);
  const merges = new Map(plan.merges.map((merge) => [merge.path, merge]));
  const emitted: GeneratedFile[] = [];
  for (const file of files) {
    const merge = merges.get(file.path);
    if (merge !== undefined) {
      if (merge.result.changed) emitted.push({ ...file, content: merge.result.text });
      reportMerge(merge, outDir, deps);
    } else if (!file.userOwned || !(await deps.exists(join(outDir, file.path)))) {
      emitted.push(file);
    }
  }
  for (const orphan of plan.orphans) deps.log(`protoc-gen-svc: warning: ${join(outDir, orphan.path)}: ${orphan.message}`);
  return emitted;
}

/** Says what a merge changed and warns about what needs the user (positions as merged, since protoc writes the file). */
function reportMerge(merge: HandlerMerge, outDir: string, deps: PluginDeps): void {
  const path = join(outDir, merge.path);
  const changes = merge.result.findings.filter((f) => f.changes);
  if (merge.result.changed) deps.log(`protoc-gen-svc: updated ${path}: ${changes.map((f) => f.summary).join("; ")}`);
  for (const finding of merge.result.findings.filter(needsAttention)) {
    const at = merge.result.changed ? finding.mergedAt : finding.at;
    deps.log(`protoc-gen-svc: warning: ${path}:${at.line}:${at.column}: ${finding.message}`);
  }
}

/**
 * A response declaring what gen-svc supports: proto3 `optional` and editions, over the same
 * edition range as protoc-gen-es (whose message code gen-svc runs in-process): the range of the
 * `@bufbuild/protobuf` runtime, EDITION_PROTO2 up to its newest supported edition.
 */
function response(init: { file?: Array<{ name: string; content: string }>; error?: string }): CodeGeneratorResponse {
  return create(CodeGeneratorResponseSchema, {
    ...init,
    supportedFeatures: protoInt64.parse(CodeGeneratorResponse_Feature.PROTO3_OPTIONAL | CodeGeneratorResponse_Feature.SUPPORTS_EDITIONS),
    minimumEdition,
    maximumEdition,
  });
}
