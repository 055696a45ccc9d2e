/**
 * The bundled proto/buf/validate/validate.proto is what scripts/validate-proto.ts prints from the
 * descriptor @bufbuild/protovalidate embeds, and compiling it with buf gives that descriptor back:
 * every message, field number, type, oneof, range, extension and `(buf.validate.predefined)` rule.
 */
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { clone, createRegistry, toJson, type JsonValue } from "@bufbuild/protobuf";
import { FileDescriptorProtoSchema, file_google_protobuf_descriptor, type FileDescriptorProto } from "@bufbuild/protobuf/wkt";
import { file_buf_validate_validate } from "@bufbuild/protovalidate/gen/buf/validate/validate_pb.js";
import { describe, expect, it } from "vitest";
import { validateProtoText } from "../../scripts/validate-proto.js";
import { compileModule } from "../model/compile.js";

const root = fileURLToPath(new URL("../..", import.meta.url));
const bundledPath = "buf/validate/validate.proto";
const protovalidateVersion = (JSON.parse(readFileSync(`${root}/node_modules/@bufbuild/protovalidate/package.json`, "utf8")) as { version: string }).version;
const registry = createRegistry(file_google_protobuf_descriptor, file_buf_validate_validate);

/** The descriptor as JSON, with the options decoded, without what only one side records. */
function comparable(file: FileDescriptorProto): JsonValue {
  const copy = clone(FileDescriptorProtoSchema, file);
  copy.sourceCodeInfo = undefined;
  // protoc and buf leave `syntax` empty or "proto2" for a proto2 file; both mean the same.
  if (copy.syntax === "proto2") copy.syntax = "";
  return toJson(FileDescriptorProtoSchema, copy, { registry });
}

describe("bundled buf/validate/validate.proto", () => {
  it("is the script's current output", () => {
    expect(readFileSync(`${root}/proto/${bundledPath}`, "utf8")).toBe(validateProtoText(protovalidateVersion));
  });

  it("compiles with buf into the descriptor protovalidate embeds", () => {
    const compiled = compileModule(`${root}/proto`, bundledPath).getFile(bundledPath);
    expect(compiled).toBeDefined();
    expect(comparable(compiled!.proto)).toEqual(comparable(file_buf_validate_validate.proto));
  });

  it("keeps the rule extensions' numbers", () => {
    const compiled = compileModule(`${root}/proto`, bundledPath).getFile(bundledPath)!;
    const numbers = compiled.proto.extension.map((extension) => `${extension.extendee} ${extension.name}=${extension.number}`);
    expect(numbers).toEqual([
      ".google.protobuf.MessageOptions message=1159",
      ".google.protobuf.OneofOptions oneof=1159",
      ".google.protobuf.FieldOptions field=1159",
      ".google.protobuf.FieldOptions predefined=1160",
    ]);
  });
});
