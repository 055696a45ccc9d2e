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

/** What the plugin needs from the outside world. */
export interface PluginDeps {
  generate: GenerateFn;
  /** `^<gen-svc version>`: the runtime dependency spec when no `runtime` option is given. */
  defaultRuntime: string;
  /** Whether something exists at `path` (relative paths are against the plugin's cwd). */
  exists(path: string): Promise<boolean>;
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
    const emitted = outDir === undefined ? files : await withoutExistingUserFiles(files, outDir, deps);
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
 * Leaves out user-owned files that already exist in `outDir`: protoc overwrites whatever a plugin
 * emits, so this is how re-running protoc keeps the user's handlers and main.ts.
 */
async function withoutExistingUserFiles(files: readonly GeneratedFile[], outDir: string, deps: PluginDeps): Promise<GeneratedFile[]> {
  const kept: GeneratedFile[] = [];
  for (const file of files) if (!file.userOwned || !(await deps.exists(join(outDir, file.path)))) kept.push(file);
  return kept;
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
