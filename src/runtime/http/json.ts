/**
 * Canonical proto3 JSON for the HTTP transport, on protobuf-es: parsing that turns every input
 * problem into INVALID_ARGUMENT (with protobuf-es's own description of what and where, never a
 * stack), and the registry that resolves `google.protobuf.Any` types.
 */
import {
  create,
  createRegistry,
  fromJson,
  toJson,
  type DescField,
  type DescFile,
  type DescMessage,
  type JsonValue,
  type Message,
  type Registry,
} from "@bufbuild/protobuf";
import { reflect } from "@bufbuild/protobuf/reflect";
import { fromJsonWithNativeBytes, toJsonWithNativeBytes } from "./json-bytes.js";
import {
  file_google_protobuf_any,
  file_google_protobuf_api,
  file_google_protobuf_duration,
  file_google_protobuf_empty,
  file_google_protobuf_field_mask,
  file_google_protobuf_source_context,
  file_google_protobuf_struct,
  file_google_protobuf_timestamp,
  file_google_protobuf_type,
  file_google_protobuf_wrappers,
} from "@bufbuild/protobuf/wkt";
import { Code } from "../code.js";
import { ServiceError } from "../errors.js";
import { file_google_api_httpbody } from "../gen/google/api/httpbody_pb.js";
import { file_google_rpc_error_details } from "../gen/google/rpc/error_details_pb.js";
import { file_google_rpc_status } from "../gen/google/rpc/status_pb.js";

const wellKnownFiles: readonly DescFile[] = [
  file_google_protobuf_any,
  file_google_protobuf_api,
  file_google_protobuf_duration,
  file_google_protobuf_empty,
  file_google_protobuf_field_mask,
  file_google_protobuf_source_context,
  file_google_protobuf_struct,
  file_google_protobuf_timestamp,
  file_google_protobuf_type,
  file_google_protobuf_wrappers,
  file_google_rpc_error_details,
  file_google_rpc_status,
  file_google_api_httpbody,
];

/**
 * The registry JSON needs for `Any`: the given files, their imports transitively, all well-known
 * types and the `google.rpc` error details.
 */
export function jsonRegistry(files: readonly DescFile[]): Registry {
  const seen = new Map<string, DescFile>();
  const visit = (file: DescFile): void => {
    if (seen.has(file.name)) return;
    seen.set(file.name, file);
    file.dependencies.forEach(visit);
  };
  [...files, ...wellKnownFiles].forEach(visit);
  return createRegistry(...seen.values());
}

const utf8 = new TextDecoder("utf-8", { fatal: true });

/** Parses UTF-8 JSON text; INVALID_ARGUMENT naming `what` when it is not. */
export function parseJsonBytes(bytes: Uint8Array, what: string): JsonValue {
  let text: string;
  try {
    text = utf8.decode(bytes);
  } catch {
    throw invalid(`${what} is not valid UTF-8`);
  }
  return parseJsonText(text, what);
}

/** Parses JSON text; INVALID_ARGUMENT naming `what` when malformed. */
export function parseJsonText(text: string, what: string): JsonValue {
  try {
    return JSON.parse(text) as JsonValue;
  } catch (error) {
    throw invalid(`${what} is not valid JSON: ${messageOf(error)}`);
  }
}

/**
 * `fromJson` with the registry, unknown fields rejected; errors become INVALID_ARGUMENT. protobuf-es
 * names the field for scalars but not inside WKTs (Timestamp, Any...), so the message also gives
 * the path of the offending field (`at field "child.at"`), found by decoding field by field.
 */
export function messageFromJson(schema: DescMessage, json: JsonValue, registry: Registry, what: string): Message {
  try {
    return fromJsonWithNativeBytes(schema, json, optionsFor(schema, registry));
  } catch (error) {
    const path = locateJsonError(schema, json, registry);
    throw invalid(`${what}${path ? ` at field "${path}"` : ""}: ${messageOf(error)}`);
  }
}

/** The dotted path (json keys, `[i]` for list items) of the first field that fails to decode. */
function locateJsonError(schema: DescMessage, json: JsonValue, registry: Registry, depth = 0): string | undefined {
  if (depth > 32 || json === null || typeof json !== "object" || Array.isArray(json) || schema.typeName.startsWith("google.protobuf.")) return undefined;
  for (const [key, value] of Object.entries(json)) {
    if (decodes(schema, { [key]: value }, registry)) continue;
    const field = schema.fields.find((f) => f.jsonName === key || f.name === key);
    if (field?.fieldKind === "message") return join(key, locateJsonError(field.message, value, registry, depth + 1));
    if (field?.fieldKind === "list" && field.listKind === "message" && Array.isArray(value)) {
      const i = value.findIndex((item) => !decodes(field.message, item, registry));
      if (i >= 0) return join(`${key}[${i}]`, locateJsonError(field.message, value[i]!, registry, depth + 1));
    }
    return key;
  }
  return undefined;
}

function decodes(schema: DescMessage, json: JsonValue, registry: Registry): boolean {
  try {
    fromJson(schema, json, { registry });
    return true;
  } catch {
    return false;
  }
}

function join(head: string, tail: string | undefined): string {
  return tail === undefined ? head : `${head}.${tail}`;
}

/** A message from JSON text (a WebSocket frame, say); errors become INVALID_ARGUMENT. */
export function messageFromJsonText(schema: DescMessage, text: string, registry: Registry): Message {
  return messageFromJson(schema, parseJsonText(text, "message"), registry, "invalid message");
}

/** Canonical proto3 JSON text of a message (json names, int64 as strings, enums by name, no defaults). */
export function messageToJsonText(schema: DescMessage, message: Message, registry: Registry): string {
  return JSON.stringify(toJsonWithNativeBytes(schema, message, optionsFor(schema, registry)));
}

/**
 * The JSON options of `schema`: the registry, or none when no message it can hold needs one (no
 * `Any`, no extensions). protobuf-es merges the options it is given into a new object on every
 * call, a share of a small call's cost that messages without `Any` need not pay.
 */
function optionsFor(schema: DescMessage, registry: Registry): { registry: Registry } | undefined {
  let needs = needsRegistry.get(schema);
  if (needs === undefined) needsRegistry.set(schema, (needs = usesRegistry(schema, new Set())));
  return needs ? { registry } : undefined;
}

const needsRegistry = new WeakMap<DescMessage, boolean>();

/** Whether `schema` or a message type it can hold is `Any` or has extension ranges. */
function usesRegistry(schema: DescMessage, seen: Set<DescMessage>): boolean {
  if (seen.has(schema)) return false;
  seen.add(schema);
  if (schema.typeName === "google.protobuf.Any" || schema.proto.extensionRange.length > 0) return true;
  return schema.fields.some((field) => {
    const held = field.fieldKind === "message" || (field.fieldKind === "list" && field.listKind === "message") || (field.fieldKind === "map" && field.mapKind === "message") ? field.message : undefined;
    return held !== undefined && usesRegistry(held, seen);
  });
}

/**
 * Sets one field of `target` from its JSON value, by parsing `{ "<jsonName>": json }` as the
 * field's message type: every JSON rule of protobuf-es (ranges, enum names, base64, RFC 3339, WKT
 * forms) applies, and its errors name the field.
 */
export function setFieldFromJson(target: Message, schema: DescMessage, field: DescField, json: JsonValue, registry: Registry, what: string): void {
  const holder = messageFromJson(schema, { [field.jsonName]: json }, registry, what);
  reflect(schema, target).set(field, reflect(schema, holder).get(field));
}

/** The JSON value of one field (its default when unset), as `response_body` sends it. */
export function fieldToJson(schema: DescMessage, message: Message, field: DescField, registry: Registry): JsonValue {
  if (field.fieldKind === "message") {
    const source = reflect(schema, message);
    const value = source.isSet(field) ? (source.get(field) as { message: Message }).message : create(field.message);
    return toJson(field.message, value, { registry });
  }
  const holder = create(schema);
  reflect(schema, holder).set(field, reflect(schema, message).get(field));
  const json = toJson(schema, holder, { registry, alwaysEmitImplicit: true }) as Record<string, JsonValue>;
  return json[field.jsonName] ?? null;
}

/** An INVALID_ARGUMENT ServiceError. */
export function invalid(message: string): ServiceError {
  return new ServiceError(Code.INVALID_ARGUMENT, message);
}

/** The text of whatever was thrown, without its stack; protobuf-es's messages say what and where. */
export function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
