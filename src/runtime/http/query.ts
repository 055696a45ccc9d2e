/**
 * Request fields from text: path variables and query parameters (google/api/http.proto).
 *
 * A field path (`a.b.c`, each name the proto name or the json name) leads through singular
 * message fields to a leaf: a scalar, an enum, or one of the WKTs with a JSON string form
 * (Timestamp, Duration, FieldMask, wrappers). Its text is turned into the leaf's JSON value and
 * parsed by protobuf-es as JSON (see setFieldFromJson), so query values follow the canonical
 * JSON forms exactly: enum names or numbers, `true`/`false`, 64-bit integers as decimal, bytes as
 * base64 or base64url, `NaN`/`Infinity`, RFC 3339, `1.5s`, `a,b.c`.
 *
 * Decisions: a query parameter given twice for a singular field is an error (not last-wins); a
 * query parameter may not set a second member of a oneof already set; a path variable bound to
 * a repeated field (which http.proto forbids) splits its value on `,` as grpc-gateway does.
 */
import { ScalarType, type DescField, type DescMessage, type JsonValue, type Message, type Registry } from "@bufbuild/protobuf";
import { reflect } from "@bufbuild/protobuf/reflect";
import { invalid, setFieldFromJson } from "./json.js";

/** Where a field path leads: the message holding the leaf, and the leaf. */
export interface FieldTarget {
  holder: Message;
  schema: DescMessage;
  field: DescField;
}

/** Finds a field by proto name or json name. */
export function findField(schema: DescMessage, name: string): DescField | undefined {
  return schema.fields.find((f) => f.name === name || f.jsonName === name);
}

/**
 * Resolves a field path against a message, creating the intermediate messages; undefined when a
 * name does not exist. Throws INVALID_ARGUMENT when the path crosses a repeated or map field.
 */
export function resolveFieldPath(schema: DescMessage, message: Message, path: readonly string[], what: string): FieldTarget | undefined {
  let holderSchema = schema;
  let holder = message;
  for (let i = 0; i < path.length; i++) {
    const field = findField(holderSchema, path[i]!);
    if (!field) return undefined;
    if (i === path.length - 1) return { holder, schema: holderSchema, field };
    if (field.fieldKind !== "message") throw invalid(`${what}: "${path.slice(0, i + 1).join(".")}" is not a singular message field, so its fields cannot be set from the URL`);
    const r = reflect(holderSchema, holder);
    if (!r.isSet(field)) r.set(field, reflect(field.message));
    holder = (r.get(field) as { message: Message }).message;
    holderSchema = field.message;
  }
  return undefined;
}

/** The canonical names of a field path (proto names), to compare paths written either way. */
export function canonicalPath(schema: DescMessage, path: readonly string[]): string[] | undefined {
  const names: string[] = [];
  let current: DescMessage | undefined = schema;
  for (const name of path) {
    const field: DescField | undefined = current ? findField(current, name) : undefined;
    if (!field) return undefined;
    names.push(field.name);
    current = field.fieldKind === "message" || (field.fieldKind === "list" && field.listKind === "message") ? field.message : undefined;
  }
  return names;
}

/**
 * Sets a leaf from text values (one per query parameter occurrence or path variable).
 * `override`: a path variable replaces whatever the body or the query set, oneofs included.
 */
export function setFieldFromText(target: FieldTarget, values: readonly string[], registry: Registry, what: string, override: boolean): void {
  const { holder, schema, field } = target;
  if (field.fieldKind === "map") throw invalid(`${what}: map fields cannot be set from the URL`);
  if (field.fieldKind === "list" && field.listKind === "message" && !isTextMessage(field.message)) {
    throw invalid(`${what}: repeated message fields cannot be set from the URL`);
  }
  if (field.fieldKind !== "list" && values.length > 1) throw invalid(`${what}: given ${values.length} times, but the field is not repeated`);
  const r = reflect(schema, holder);
  const other = field.oneof ? r.oneofCase(field.oneof) : undefined;
  if (!override && other && other !== field) throw invalid(`${what}: oneof "${field.oneof!.name}" is already set by "${other.name}"`);
  const json: JsonValue = field.fieldKind === "list" ? values.map((v) => textToJson(field, v, what)) : textToJson(field, values[0]!, what);
  setFieldFromJson(holder, schema, field, json, registry, `invalid ${what}`);
}

/** The JSON value that the text of a query parameter or path variable stands for. */
function textToJson(field: DescField, text: string, what: string): JsonValue {
  switch (field.fieldKind) {
    case "scalar":
      return scalarToJson(field.scalar, text, what);
    case "list":
      if (field.listKind === "scalar") return scalarToJson(field.scalar, text, what);
      if (field.listKind === "enum") return enumToJson(text);
      return messageTextToJson(field.message, text, what);
    case "enum":
      return enumToJson(text);
    case "message":
      return messageTextToJson(field.message, text, what);
    case "map":
      throw invalid(`${what}: map fields cannot be set from the URL`);
  }
}

function scalarToJson(type: ScalarType, text: string, what: string): JsonValue {
  if (type !== ScalarType.BOOL) return text; // proto3 JSON takes numbers (and NaN, Infinity) as strings too
  if (text === "true" || text === "false") return text === "true";
  throw invalid(`${what}: expected true or false, got "${text}"`);
}

function enumToJson(text: string): JsonValue {
  return /^-?\d+$/.test(text) ? Number(text) : text;
}

const stringFormWkts = new Set(["google.protobuf.Timestamp", "google.protobuf.Duration", "google.protobuf.FieldMask"]);
const wrappers: Record<string, ScalarType> = {
  "google.protobuf.DoubleValue": ScalarType.DOUBLE,
  "google.protobuf.FloatValue": ScalarType.FLOAT,
  "google.protobuf.Int64Value": ScalarType.INT64,
  "google.protobuf.UInt64Value": ScalarType.UINT64,
  "google.protobuf.Int32Value": ScalarType.INT32,
  "google.protobuf.UInt32Value": ScalarType.UINT32,
  "google.protobuf.BoolValue": ScalarType.BOOL,
  "google.protobuf.StringValue": ScalarType.STRING,
  "google.protobuf.BytesValue": ScalarType.BYTES,
};

function isTextMessage(schema: DescMessage): boolean {
  return stringFormWkts.has(schema.typeName) || schema.typeName in wrappers;
}

function messageTextToJson(schema: DescMessage, text: string, what: string): JsonValue {
  if (stringFormWkts.has(schema.typeName)) return text;
  const wrapped = wrappers[schema.typeName];
  if (wrapped !== undefined) return scalarToJson(wrapped, text, what);
  throw invalid(`${what}: a ${schema.typeName} cannot be set from the URL; set its fields (${what}.<field>) instead`);
}
