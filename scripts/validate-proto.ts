/**
 * Prints `buf/validate/validate.proto` as .proto source from the descriptor that
 * @bufbuild/protovalidate embeds (its generated `validate_pb.js`), so that gen-svc can bundle the
 * schema without a network fetch. The descriptor has no comments (protobuf-es drops source info),
 * so the output has none either; test/validate/validate-proto.test.ts compiles the output with buf
 * and checks that it gives the same descriptor, field numbers and options included.
 *
 *     npx node scripts/validate-proto.ts > proto/buf/validate/validate.proto
 *
 * The printer handles what a proto2 file of messages, enums and extensions can hold (nested
 * types, oneofs, extension and reserved ranges, custom options); anything else (groups, services,
 * default values, editions) makes it throw rather than print a schema that differs silently.
 */
import { createRegistry, getExtension, isFieldSet, type DescExtension, type DescMessage, type Message, type Registry } from "@bufbuild/protobuf";
import { reflect, type ReflectMessage } from "@bufbuild/protobuf/reflect";
import {
  FieldDescriptorProto_Label,
  FieldDescriptorProto_Type,
  type DescriptorProto,
  type EnumDescriptorProto,
  type FieldDescriptorProto,
  type FileDescriptorProto,
  FieldDescriptorProtoSchema,
  file_google_protobuf_descriptor,
} from "@bufbuild/protobuf/wkt";
import { file_buf_validate_validate } from "@bufbuild/protovalidate/gen/buf/validate/validate_pb.js";

/** The exclusive end protoc writes for `to max` (2^29). */
const MAX_FIELD_END = 536870912;

/** The header of the bundled file: where it came from and under which license. */
export function validateProtoHeader(version: string): string {
  return [
    "// buf/validate/validate.proto of protovalidate (https://github.com/bufbuild/protovalidate),",
    `// printed by gen-svc's scripts/validate-proto.ts from the descriptor that @bufbuild/protovalidate ${version}`,
    "// embeds (dist/esm/gen/buf/validate/validate_pb.js). Comments of the original are not in that",
    "// descriptor; see the upstream file for the documentation of every rule.",
    "//",
    "// Copyright Buf Technologies, Inc. (the years are in the upstream file).",
    "//",
    '// Licensed under the Apache License, Version 2.0 (the "License");',
    "// you may not use this file except in compliance with the License.",
    "// You may obtain a copy of the License at",
    "//",
    "//      http://www.apache.org/licenses/LICENSE-2.0",
    "//",
    "// Unless required by applicable law or agreed to in writing, software",
    '// distributed under the License is distributed on an "AS IS" BASIS,',
    "// WITHOUT WARRANTIES OR CONDITIONS OF ANY KIND, either express or implied.",
    "// See the License for the specific language governing permissions and",
    "// limitations under the License.",
    "",
    "",
  ].join("\n");
}

/** The .proto source of a proto2 file; `registry` resolves the custom options used in it. */
export function printProtoFile(file: FileDescriptorProto, registry: Registry): string {
  if (file.syntax !== "" && file.syntax !== "proto2") throw new Error(`unsupported syntax ${file.syntax}`);
  if (file.service.length > 0) throw new Error("services are not supported");
  const out: string[] = ['syntax = "proto2";', "", `package ${file.package};`, ""];
  for (const dependency of file.dependency) out.push(`import "${dependency}";`);
  out.push("");
  for (const option of optionEntries(file.options, registry)) out.push(`option ${option};`);
  for (const extension of file.extension) out.push("", ...printExtension(extension, registry, ""));
  for (const message of file.messageType) out.push("", ...printMessage(message, registry, ""));
  for (const enumType of file.enumType) out.push("", ...printEnum(enumType, registry, ""));
  return out.join("\n") + "\n";
}

function printMessage(message: DescriptorProto, registry: Registry, indent: string): string[] {
  const inner = indent + "  ";
  const out = [`${indent}message ${message.name} {`];
  for (const option of optionEntries(message.options, registry)) out.push(`${inner}option ${option};`);
  for (const range of message.reservedRange) out.push(`${inner}reserved ${rangeText(range.start, range.end - 1)};`);
  if (message.reservedName.length > 0) out.push(`${inner}reserved ${message.reservedName.map(quote).join(", ")};`);
  // Fields print in declaration order; a oneof's fields are contiguous in it, so the block opens
  // at its first field.
  message.field.forEach((field, index) => {
    const oneof = oneofOf(field);
    if (oneof === undefined) return void out.push(inner + fieldLine(field, registry, true));
    if (index > 0 && oneofOf(message.field[index - 1]!) === oneof) return;
    const decl = message.oneofDecl[oneof];
    if (!decl) throw new Error(`${message.name}.${field.name}: no oneof ${oneof}`);
    out.push(`${inner}oneof ${decl.name} {`);
    for (const option of optionEntries(decl.options, registry)) out.push(`${inner}  option ${option};`);
    for (const member of message.field.filter((f) => oneofOf(f) === oneof)) out.push(`${inner}  ${fieldLine(member, registry, false)}`);
    out.push(`${inner}}`);
  });
  for (const range of message.extensionRange) {
    if (range.options) throw new Error(`${message.name}: extension range options are not supported`);
    out.push(`${inner}extensions ${rangeText(range.start, range.end - 1)};`);
  }
  for (const extension of message.extension) out.push(...printExtension(extension, registry, inner));
  for (const nested of message.nestedType) out.push(...printMessage(nested, registry, inner));
  for (const nested of message.enumType) out.push(...printEnum(nested, registry, inner));
  out.push(`${indent}}`);
  return out;
}

function printEnum(enumType: EnumDescriptorProto, registry: Registry, indent: string): string[] {
  const inner = indent + "  ";
  const out = [`${indent}enum ${enumType.name} {`];
  for (const option of optionEntries(enumType.options, registry)) out.push(`${inner}option ${option};`);
  // Enum reserved ranges are inclusive at both ends.
  for (const range of enumType.reservedRange) out.push(`${inner}reserved ${rangeText(range.start, range.end)};`);
  if (enumType.reservedName.length > 0) out.push(`${inner}reserved ${enumType.reservedName.map(quote).join(", ")};`);
  for (const value of enumType.value) out.push(`${inner}${value.name} = ${value.number}${optionsSuffix(optionEntries(value.options, registry))};`);
  out.push(`${indent}}`);
  return out;
}

function printExtension(extension: FieldDescriptorProto, registry: Registry, indent: string): string[] {
  return [`${indent}extend ${extension.extendee} {`, `${indent}  ${fieldLine(extension, registry, true)}`, `${indent}}`];
}

/** The index of a field's real oneof (not a proto3 `optional`), or undefined. */
function oneofOf(field: FieldDescriptorProto): number | undefined {
  const fields = FieldDescriptorProtoSchema.field;
  if (!isFieldSet(field, fields.oneofIndex) || field.proto3Optional) return undefined;
  return field.oneofIndex;
}

function fieldLine(field: FieldDescriptorProto, registry: Registry, withLabel: boolean): string {
  if (field.type === FieldDescriptorProto_Type.GROUP) throw new Error(`${field.name}: groups are not supported`);
  const fields = FieldDescriptorProtoSchema.field;
  if (isFieldSet(field, fields.defaultValue)) throw new Error(`${field.name}: default values are not supported`);
  const label = withLabel ? labelText(field.label) + " " : "";
  const type = isFieldSet(field, fields.typeName) ? field.typeName : FieldDescriptorProto_Type[field.type].toLowerCase();
  const options = optionEntries(field.options, registry);
  // json_name is printed only when it differs from the one protoc derives.
  if (isFieldSet(field, fields.jsonName) && field.jsonName !== protoCamelCase(field.name)) options.unshift(`json_name = ${quote(field.jsonName)}`);
  return `${label}${type} ${field.name} = ${field.number}${optionsSuffix(options)};`;
}

function labelText(label: FieldDescriptorProto_Label): string {
  if (label === FieldDescriptorProto_Label.REPEATED) return "repeated";
  return label === FieldDescriptorProto_Label.REQUIRED ? "required" : "optional";
}

function optionsSuffix(options: string[]): string {
  return options.length === 0 ? "" : ` [${options.join(", ")}]`;
}

function rangeText(start: number, endInclusive: number): string {
  if (endInclusive === MAX_FIELD_END - 1) return `${start} to max`;
  return start === endInclusive ? `${start}` : `${start} to ${endInclusive}`;
}

/** `name = value` for every option set on an options message, extensions as `(full.name)`. */
function optionEntries(options: Message | undefined, registry: Registry): string[] {
  if (options === undefined) return [];
  const message = reflect(registryDesc(options, registry), options);
  const entries = message.fields.filter((field) => message.isSet(field)).map((field) => `${field.name} = ${textValue(message, field.localName)}`);
  for (const unknown of message.getUnknown() ?? []) {
    const extension = registry.getExtensionFor(message.desc, unknown.no);
    if (!extension) throw new Error(`${message.desc.typeName}: unknown option field ${unknown.no}`);
    if (entries.some((entry) => entry.startsWith(`(${extension.typeName})`))) continue;
    const value = extensionMessage(options, extension, registry);
    entries.push(`(${extension.typeName}) = ${value}`);
  }
  return entries;
}

function registryDesc(options: Message, registry: Registry): DescMessage {
  const desc = registry.getMessage(options.$typeName);
  if (!desc) throw new Error(`${options.$typeName} is not in the registry`);
  return desc;
}

/** An extension set on an options message, read from its unknown fields, in text format. */
function extensionMessage(options: Message, extension: DescExtension, registry: Registry): string {
  if (extension.fieldKind !== "message") throw new Error(`${extension.typeName}: only message-typed options are supported`);
  const value = getExtension(options, extension) as Message;
  return textMessage(reflect(extension.message, value), registry);
}

/** A message in protobuf text format: `{ a: 1 b: "x" c: { ... } }`. */
function textMessage(message: ReflectMessage, registry: Registry): string {
  const parts: string[] = [];
  for (const field of message.fields) {
    if (!message.isSet(field)) continue;
    if (field.fieldKind === "list") {
      const list = message.get(field);
      for (const item of list) parts.push(`${field.name}: ${scalarOrMessage(item, registry)}`);
    } else if (field.fieldKind === "scalar" || field.fieldKind === "enum" || field.fieldKind === "message") {
      parts.push(`${field.name}: ${scalarOrMessage(message.get(field), registry)}`);
    } else {
      throw new Error(`${field.name}: maps are not supported in options`);
    }
  }
  return `{ ${parts.join(" ")} }`;
}

function scalarOrMessage(value: unknown, registry: Registry): string {
  if (typeof value === "string") return quote(value);
  if (typeof value === "number" || typeof value === "bigint" || typeof value === "boolean") return String(value);
  if (isReflectMessage(value)) return textMessage(value, registry);
  throw new Error(`unsupported option value ${String(value)}`);
}

function isReflectMessage(value: unknown): value is ReflectMessage {
  return typeof value === "object" && value !== null && "fields" in value && "desc" in value;
}

function textValue(message: ReflectMessage, localName: string): string {
  const field = message.fields.find((f) => f.localName === localName);
  if (!field || field.fieldKind !== "scalar") throw new Error(`${message.desc.typeName}.${localName}: only scalar options are supported`);
  return scalarOrMessage(message.get(field), createRegistry());
}

/** A proto string literal: UTF-8 as is, quotes, backslashes and control characters escaped. */
function quote(text: string): string {
  const escaped = text.replace(/[\\"\u0000-\u001f\u007f]/g, (char) => {
    if (char === "\\" || char === '"') return "\\" + char;
    if (char === "\n") return "\\n";
    if (char === "\t") return "\\t";
    return "\\" + char.charCodeAt(0).toString(8).padStart(3, "0");
  });
  return `"${escaped}"`;
}

/** The JSON name protoc derives from a field name. */
function protoCamelCase(name: string): string {
  return name.replace(/_([a-z0-9])/g, (_, c: string) => c.toUpperCase()).replace(/_/g, "");
}

/** The bundled file's full text. */
export function validateProtoText(version: string): string {
  const registry = createRegistry(file_google_protobuf_descriptor, file_buf_validate_validate);
  return validateProtoHeader(version) + printProtoFile(file_buf_validate_validate.proto, registry);
}

if (import.meta.main) {
  const { readFileSync } = await import("node:fs");
  const packageJson = new URL("../node_modules/@bufbuild/protovalidate/package.json", import.meta.url);
  const version = (JSON.parse(readFileSync(packageJson, "utf8")) as { version: string }).version;
  process.stdout.write(validateProtoText(version));
}
