/**
 * gRPC transcoding (google/api/http.proto): a request message from the path variables, the query
 * string and the body of an HTTP request, and the HTTP body of a response message.
 *
 * Decisions where the spec leaves room:
 * - Order: the body first, then the query, then the path variables, which win over both (as in
 *   grpc-gateway: a body `*` that also carries `name` cannot redirect the call to another resource).
 * - A query parameter naming a field bound by the path, or one inside the body (the body field,
 *   or anything when the body is `*`), is rejected with 400 like an unknown parameter, because its
 *   value would be silently dropped or fight with the body.
 * - Unknown query parameters are 400, except the system parameters (`$...`, `alt`, `callback`,
 *   `key`, `access_token`) when no request field has that name.
 * - A body sent to a binding without `body` is ignored (HTTP allows it; http.proto says there
 *   is none); an empty body means "no body" for any binding.
 * - Binary protobuf with `body: "<field>"` only when the field is a message (else 415).
 * - `Accept`: binary when application/x-protobuf or application/proto is preferred (higher q, or
 *   equal q and named more specifically) over JSON; anything else gets JSON (no 406). A
 *   `response_body` field that is not a message is always sent as JSON.
 */
import { create, fromBinary, toBinary, type DescField, type DescMessage, type DescMethod, type Message, type Registry } from "@bufbuild/protobuf";
import { reflect } from "@bufbuild/protobuf/reflect";
import { Code } from "../code.js";
import { HttpBodySchema, type HttpBody } from "../gen/google/api/httpbody_pb.js";
import { HttpStatusError } from "./http-error.js";
import { fieldToJson, invalid, messageFromJson, messageOf, messageToJsonText, parseJsonBytes, setFieldFromJson } from "./json.js";
import { canonicalPath, resolveFieldPath, setFieldFromText } from "./query.js";
import type { HttpRuleSpec } from "./rules.js";

export { jsonRegistry, messageFromJsonText, messageToJsonText } from "./json.js";

/** The parts of an HTTP request that carry the request message. */
export interface RequestParts {
  /** Path variables from the router, values already percent-decoded. */
  variables: ReadonlyArray<{ fieldPath: readonly string[]; value: string }>;
  /** undefined = no query string. */
  query: URLSearchParams | undefined;
  /** undefined or empty = no body. */
  body: Uint8Array | undefined;
  /** The raw Content-Type header. */
  contentType: string | undefined;
}

const BINARY_TYPES = ["application/x-protobuf", "application/proto"];
const SYSTEM_PARAMS = new Set(["alt", "callback", "key", "access_token"]);

/**
 * Builds the request message of `method` for a request matched by `rule`. Throws
 * ServiceError(INVALID_ARGUMENT) saying what is wrong and where, or HttpStatusError 415.
 */
export function decodeRequest(method: DescMethod, rule: HttpRuleSpec, parts: RequestParts, registry: Registry): Message {
  const schema = method.input;
  const hasBody = rule.body !== undefined && parts.body !== undefined && parts.body.length > 0;
  const message = hasBody ? decodeBody(schema, rule.body!, parts.body!, parts.contentType, registry) : create(schema);
  if (parts.query !== undefined && parts.query.size > 0) {
    const pathBound = parts.variables.map((v) => canonicalPath(schema, v.fieldPath)?.join(".") ?? v.fieldPath.join("."));
    applyQuery(schema, message, rule, parts.query, pathBound, registry);
  }
  for (const variable of parts.variables) {
    const what = `path variable "${variable.fieldPath.join(".")}"`;
    const target = resolveFieldPath(schema, message, variable.fieldPath, what);
    if (!target) throw invalid(`${what} names no field of ${schema.typeName}`);
    const values = target.field.fieldKind === "list" ? variable.value.split(",") : [variable.value];
    setFieldFromText(target, values, registry, what, true);
  }
  return message;
}

/** The message with its body part decoded (the whole message for `*`). */
function decodeBody(schema: DescMessage, body: string, bytes: Uint8Array, contentType: string | undefined, registry: Registry): Message {
  if (body === "*") {
    if (schema.typeName === HttpBodySchema.typeName) return rawHttpBody(bytes, contentType);
    if (bodyFormat(contentType) === "binary") return binaryMessage(schema, bytes);
    return messageFromJson(schema, parseJsonBytes(bytes, "request body"), registry, "invalid request body");
  }
  const message = create(schema);
  const target = resolveFieldPath(schema, message, body.split("."), `body field "${body}"`);
  if (!target) throw invalid(`body field "${body}" names no field of ${schema.typeName}`);
  const { holder, schema: holderSchema, field } = target;
  const r = reflect(holderSchema, holder);
  if (field.fieldKind === "message" && field.message.typeName === HttpBodySchema.typeName) {
    r.set(field, reflect(HttpBodySchema, rawHttpBody(bytes, contentType)));
  } else if (bodyFormat(contentType) === "json") {
    setFieldFromJson(holder, holderSchema, field, parseJsonBytes(bytes, "request body"), registry, `invalid request body (field "${body}")`);
  } else if (field.fieldKind === "message") {
    r.set(field, reflect(field.message, binaryMessage(field.message, bytes)));
  } else {
    throw new HttpStatusError(415, Code.INVALID_ARGUMENT, `body field "${body}" is not a message: send it as application/json`);
  }
  return message;
}

function rawHttpBody(bytes: Uint8Array, contentType: string | undefined): HttpBody {
  return create(HttpBodySchema, { contentType: contentType ?? "", data: bytes });
}

function binaryMessage(schema: DescMessage, bytes: Uint8Array): Message {
  try {
    return fromBinary(schema, bytes);
  } catch (error) {
    throw invalid(`invalid protobuf request body: ${messageOf(error)}`);
  }
}

/** "json" or "binary" for a Content-Type; 415 otherwise. No Content-Type means JSON. */
export function bodyFormat(contentType: string | undefined): "json" | "binary" {
  // The usual spellings, without splitting and lower-casing on every request.
  if (contentType === undefined || contentType === "application/json" || contentType === "application/json; charset=utf-8") return "json";
  if (contentType.trim() === "") return "json";
  const [type = "", ...params] = contentType.split(";").map((p) => p.trim().toLowerCase());
  if (type === "application/json") {
    const charset = params.find((p) => p.startsWith("charset="))?.slice(8).replace(/"/g, "");
    if (charset === undefined || charset === "utf-8" || charset === "utf8") return "json";
    throw new HttpStatusError(415, Code.INVALID_ARGUMENT, `unsupported charset "${charset}": JSON bodies are UTF-8`);
  }
  if (BINARY_TYPES.includes(type)) return "binary";
  throw new HttpStatusError(415, Code.INVALID_ARGUMENT, `unsupported content type "${type}": use application/json, application/x-protobuf or application/proto`);
}

function applyQuery(schema: DescMessage, message: Message, rule: HttpRuleSpec, query: URLSearchParams, pathBound: string[], registry: Registry): void {
  const bodyPath = rule.body === undefined || rule.body === "*" ? rule.body : (canonicalPath(schema, rule.body.split(".")) ?? [rule.body]).join(".");
  for (const name of new Set(query.keys())) {
    const what = `query parameter "${name}"`;
    const canonical = canonicalPath(schema, name.split("."));
    if (!canonical) {
      if (name.startsWith("$") || SYSTEM_PARAMS.has(name)) continue;
      throw invalid(`unknown ${what}: ${schema.typeName} has no such field`);
    }
    const dotted = canonical.join(".");
    if (bodyPath === "*") throw invalid(`${what}: this binding takes every field from the body`);
    if (bodyPath !== undefined && overlaps(dotted, bodyPath)) throw invalid(`${what}: the field is in the request body`);
    if (pathBound.some((p) => overlaps(dotted, p))) throw invalid(`${what}: the field is bound by the URL path`);
    const target = resolveFieldPath(schema, message, name.split("."), what);
    if (!target) throw invalid(`unknown ${what}`);
    setFieldFromText(target, query.getAll(name), registry, what, false);
  }
}

/** True when one dotted field path is the other or lies inside it. */
function overlaps(a: string, b: string): boolean {
  return a === b || a.startsWith(b + ".") || b.startsWith(a + ".");
}

/**
 * An encoded response: its Content-Type and body. JSON stays text: node:http then sends the head
 * and a string body in one write, where bytes take a second buffer and a writev (the largest cost
 * of a small JSON call in a profile of the transport).
 */
export interface EncodedResponse {
  contentType: string;
  body: Uint8Array | string;
}

/** Encodes a response message (or its `response_body` field) as JSON, binary, or raw HttpBody. */
export function encodeResponse(method: DescMethod, rule: HttpRuleSpec, message: Message, accept: string | undefined, registry: Registry): EncodedResponse {
  const binaryType = preferredBinary(accept);
  if (rule.responseBody === undefined) {
    if (method.output.typeName === HttpBodySchema.typeName) return rawResponse(message as HttpBody);
    if (binaryType) return { contentType: binaryType, body: toBinary(method.output, message) };
    return { contentType: "application/json", body: messageToJsonText(method.output, message, registry) };
  }
  const { schema, holder, field } = responseField(method.output, message, rule.responseBody);
  if (field.fieldKind === "message") {
    const r = reflect(schema, holder);
    const value = r.isSet(field) ? (r.get(field) as { message: Message }).message : create(field.message);
    if (field.message.typeName === HttpBodySchema.typeName) return rawResponse(value as HttpBody);
    if (binaryType) return { contentType: binaryType, body: toBinary(field.message, value) };
  }
  return { contentType: "application/json", body: JSON.stringify(fieldToJson(schema, holder, field, registry)) };
}

function rawResponse(body: HttpBody): EncodedResponse {
  return { contentType: body.contentType === "" ? "application/octet-stream" : body.contentType, body: body.data };
}

/** Follows `response_body` (proto names) without creating anything; unset messages read as empty. */
function responseField(schema: DescMessage, message: Message, path: string): { schema: DescMessage; holder: Message; field: DescField } {
  const names = path.split(".");
  let holderSchema = schema;
  let holder = message;
  for (let i = 0; ; i++) {
    const field = holderSchema.fields.find((f) => f.name === names[i]);
    if (!field) throw new Error(`response_body "${path}" names no field of ${schema.typeName}`);
    if (i === names.length - 1) return { schema: holderSchema, holder, field };
    if (field.fieldKind !== "message") throw new Error(`response_body "${path}": "${field.name}" is not a message field`);
    const r = reflect(holderSchema, holder);
    holder = r.isSet(field) ? (r.get(field) as { message: Message }).message : create(field.message);
    holderSchema = field.message;
  }
}

/** The binary type to answer with when `Accept` prefers protobuf over JSON, else undefined. */
export function preferredBinary(accept: string | undefined): string | undefined {
  if (!accept) return undefined;
  let best: { type: string; q: number; specific: number } | undefined;
  let json = { q: 0, specific: -1 };
  for (const range of accept.split(",")) {
    const [rawType = "", ...params] = range.split(";").map((p) => p.trim().toLowerCase());
    const qParam = params.find((p) => p.startsWith("q="));
    const q = qParam === undefined ? 1 : Number(qParam.slice(2));
    if (!(q > 0)) continue;
    if (BINARY_TYPES.includes(rawType)) {
      if (!best || q > best.q) best = { type: rawType, q, specific: 2 };
      continue;
    }
    const specific = rawType === "application/json" ? 2 : rawType === "application/*" ? 1 : rawType === "*/*" ? 0 : -1;
    if (specific >= 0 && (q > json.q || (q === json.q && specific > json.specific))) json = { q, specific };
  }
  if (!best) return undefined;
  return best.q > json.q || (best.q === json.q && best.specific > json.specific) ? best.type : undefined;
}
