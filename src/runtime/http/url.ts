/**
 * The client half of `google.api.http` request mapping: a request message's path variables
 * expanded into a binding's template, and its remaining fields as query parameters, in the
 * canonical JSON text forms of the wire contract (/work/briefs/http-wire.md). Both work on the
 * message's proto3 JSON, which already has the canonical forms (enum names, int64 as decimal,
 * bytes as base64, Timestamp RFC 3339, Duration `1.5s`, FieldMask `a,b.c`, wrappers as values).
 */
import type { DescField, DescMessage, JsonObject, JsonValue } from "@bufbuild/protobuf";
import { Code } from "../code.js";
import { RemoteServiceError } from "../errors.js";
import type { PathSegment, PathTemplate } from "./path-template.js";

/** Well-known types whose JSON form is a single scalar, and so may travel in a query parameter. */
const scalarWellKnownTypes = new Set([
  "google.protobuf.Timestamp",
  "google.protobuf.Duration",
  "google.protobuf.FieldMask",
  "google.protobuf.DoubleValue",
  "google.protobuf.FloatValue",
  "google.protobuf.Int64Value",
  "google.protobuf.UInt64Value",
  "google.protobuf.Int32Value",
  "google.protobuf.UInt32Value",
  "google.protobuf.BoolValue",
  "google.protobuf.StringValue",
  "google.protobuf.BytesValue",
]);

/** A request this side refuses to send: INVALID_ARGUMENT, made locally. */
function invalid(message: string): RemoteServiceError {
  return new RemoteServiceError(Code.INVALID_ARGUMENT, message);
}

/**
 * The path of a binding for one request: `/v1/shelves/1/books/2:publish`. `full` is the message's
 * JSON with implicit fields emitted, so that `0` or `false` can fill a variable. Throws
 * INVALID_ARGUMENT for a missing value or one not matching the variable's template.
 */
export function expandPath(template: PathTemplate, desc: DescMessage, full: JsonObject): string {
  const parts = template.segments.map((segment) => expandSegment(segment, desc, full));
  return "/" + parts.join("/") + (template.verb === undefined ? "" : ":" + template.verb);
}

function expandSegment(segment: PathSegment, desc: DescMessage, full: JsonObject): string {
  switch (segment.kind) {
    case "literal":
      return segment.value;
    case "wildcard":
    case "deep_wildcard":
      // A wildcard outside any variable binds nothing, so nothing can fill it.
      throw invalid("path template has a wildcard outside a variable; the client cannot fill it");
    case "variable":
      return expandVariable(segment.fieldPath, segment.segments, desc, full);
  }
}

function expandVariable(fieldPath: string[], segments: PathSegment[], desc: DescMessage, full: JsonObject): string {
  const name = fieldPath.join(".");
  const value = textOf(valueAt(desc, full, fieldPath));
  if (value === undefined || value === "") throw invalid(`path field "${name}" is not set`);
  if (segments.length === 1 && segments[0]?.kind === "wildcard") return encodeSegment(value);
  const parts = value.split("/");
  if (!matchesSegments(segments, parts)) throw invalid(`path field "${name}" is "${value}", which does not match "${templateText(segments)}"`);
  // Multi-segment variables keep "/" (RFC 6570 reserved expansion); each segment is encoded.
  return parts.map(encodeSegment).join("/");
}

/** Whether `parts` (a value split on "/") match a variable's own segments. */
function matchesSegments(segments: PathSegment[], parts: string[]): boolean {
  const deep = segments.findIndex((s) => s.kind === "deep_wildcard");
  if (deep < 0) return segments.length === parts.length && segments.every((s, i) => matchesOne(s, parts[i] ?? ""));
  const tail = segments.length - deep - 1;
  if (parts.length < deep + tail) return false;
  const head = segments.slice(0, deep).every((s, i) => matchesOne(s, parts[i] ?? ""));
  const rest = segments.slice(deep + 1).every((s, i) => matchesOne(s, parts[parts.length - tail + i] ?? ""));
  return head && rest;
}

function matchesOne(segment: PathSegment, part: string): boolean {
  if (segment.kind === "literal") return segment.value === part;
  return part !== "";
}

function templateText(segments: PathSegment[]): string {
  return segments.map((s) => (s.kind === "literal" ? s.value : s.kind === "wildcard" ? "*" : "**")).join("/");
}

/** Percent-encodes everything but RFC 3986 unreserved characters (encodeURIComponent spares !'()*). */
export function encodeSegment(text: string): string {
  return encodeURIComponent(text).replace(/[!'()*]/g, (c) => "%" + c.charCodeAt(0).toString(16).toUpperCase());
}

/** The JSON value at a proto field path (`book.name`), or undefined when a message on the way is unset. */
export function valueAt(desc: DescMessage, json: JsonObject, fieldPath: readonly string[]): JsonValue | undefined {
  let message: DescMessage | undefined = desc;
  let value: JsonValue | undefined = json;
  for (const name of fieldPath) {
    const field: DescField | undefined = message?.fields.find((f) => f.name === name);
    if (field === undefined) throw invalid(`no field "${name}" in ${message?.typeName ?? "a scalar"}`);
    if (value === null || typeof value !== "object" || Array.isArray(value)) return undefined;
    value = value[field.jsonName];
    message = field.fieldKind === "message" ? field.message : undefined;
  }
  return value;
}

/** The canonical text form of a scalar JSON value; undefined for null or absent values. */
function textOf(value: JsonValue | undefined): string | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value === "object") throw invalid("a message field cannot be a path variable or query parameter");
  return String(value);
}

/**
 * Appends every field of `json` (the message's JSON, implicit fields left out) that is not in
 * `bound` (proto field paths bound by the path or the body) to `query`: json names, nested with
 * dots, repeated values as repeated keys. Maps and message fields that are not scalar well-known
 * types cannot be query parameters: INVALID_ARGUMENT.
 */
export function appendQuery(query: URLSearchParams, desc: DescMessage, json: JsonObject, bound: ReadonlySet<string>, prefix = { json: "", proto: "" }): void {
  for (const field of desc.fields) {
    const protoPath = prefix.proto + field.name;
    const value = json[field.jsonName];
    if (bound.has(protoPath) || value === undefined || value === null) continue;
    const key = prefix.json + field.jsonName;
    if (field.fieldKind === "map" || (field.fieldKind === "list" && field.listKind === "message" && !scalarWellKnownTypes.has(field.message.typeName))) {
      throw invalid(`field "${protoPath}" cannot be sent as a query parameter (not bound by the body of this HTTP binding)`);
    }
    if (field.fieldKind === "message" && !scalarWellKnownTypes.has(field.message.typeName)) {
      // Struct, Value, Any...: their JSON has no fields to spread into dotted keys.
      const opaque = field.message.typeName.startsWith("google.protobuf.");
      if (opaque || typeof value !== "object" || Array.isArray(value)) throw invalid(`field "${protoPath}" cannot be sent as a query parameter`);
      appendQuery(query, field.message, value, bound, { json: key + ".", proto: protoPath + "." });
      continue;
    }
    for (const item of Array.isArray(value) ? value : [value]) {
      const text = textOf(item);
      if (text !== undefined) query.append(key, text);
    }
  }
}

/** The proto field paths a template's variables bind. */
export function boundByTemplate(template: PathTemplate): string[] {
  return template.segments.flatMap((s) => (s.kind === "variable" ? [s.fieldPath.join(".")] : []));
}
