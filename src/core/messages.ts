/**
 * Message code from protobuf-es: protoc-gen-es runs in-process on the same request, for every
 * file the services need (the files to generate and all their imports), except the well-known
 * types that ship with `@bufbuild/protobuf`.
 */
import { createRequire } from "node:module";
import { create } from "@bufbuild/protobuf";
import { CodeGeneratorRequestSchema, type CodeGeneratorRequest, type CodeGeneratorResponse } from "@bufbuild/protobuf/wkt";
import { isBundledWithRuntime } from "../render/es-names.js";
import { GenerationError } from "../model/errors.js";

interface Plugin {
  run(request: CodeGeneratorRequest): CodeGeneratorResponse;
}

// protoc-gen-es publishes only CommonJS and no "exports" map; its plugin object is not re-exported
// from a public entry point, so it is loaded from the file its own bin script uses.
const require = createRequire(import.meta.url);
const { protocGenEs } = require("@bufbuild/protoc-gen-es/dist/cjs/src/protoc-gen-es-plugin.js") as { protocGenEs: Plugin };

/** One generated message file, its path relative to the messages directory. */
export interface MessageFile {
  path: string;
  content: string;
}

/** Runs protoc-gen-es for `files` (proto paths), returning TypeScript with `.js` import suffixes. */
export function generateMessageCode(request: CodeGeneratorRequest, files: readonly string[]): MessageFile[] {
  const wanted = files.filter((file) => !isBundledWithRuntime(file));
  if (wanted.length === 0) return [];
  const esRequest = create(CodeGeneratorRequestSchema, {
    protoFile: request.protoFile,
    sourceFileDescriptors: request.sourceFileDescriptors,
    fileToGenerate: wanted,
    parameter: "target=ts,import_extension=js",
    compilerVersion: request.compilerVersion,
  });
  const response = protocGenEs.run(esRequest);
  if (response.error) throw new GenerationError(`protoc-gen-es: ${response.error}`);
  return response.file.map((file) => ({ path: file.name, content: file.content }));
}
