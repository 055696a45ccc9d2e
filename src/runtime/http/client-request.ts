/**
 * One request message as an HTTP request of its binding (method, path, query, body), and one
 * response body back as the output message, following the wire contract: JSON by default,
 * protobuf binary on request, `google.api.HttpBody` raw, `response_body` as that field only.
 */
import {
  create,
  fromBinary,
  fromJson,
  toBinary,
  toJson,
  type DescField,
  type DescMessage,
  type JsonObject,
  type JsonValue,
  type Registry,
} from "@bufbuild/protobuf";
import type { MethodSpec } from "../spec.js";
import { Code } from "../code.js";
import { RemoteServiceError } from "../errors.js";
import { parsePathTemplate, type PathTemplate } from "./path-template.js";
import { annotatedRules, defaultRule, type HttpRuleSpec } from "./rules.js";
import { jsonRegistry } from "./json.js";
import { appendQuery, boundByTemplate, expandPath, valueAt } from "./url.js";
import { fromJsonWithNativeBytes } from "./json-bytes.js";

const HTTP_BODY = "google.api.HttpBody";
/** The content type of binary protobuf bodies. */
export const PROTOBUF_CONTENT_TYPE = "application/x-protobuf";

/** The binding a client uses for a method, with what it needs per call, computed once. */
export interface ClientBinding {
  readonly rule: HttpRuleSpec;
  readonly template: PathTemplate;
  /** Proto field paths the path binds (they stay out of the query). */
  readonly pathFields: readonly string[];
  readonly input: DescMessage;
  readonly output: DescMessage;
  /** Resolves `Any` in the method's messages and in error details. */
  readonly registry: Registry;
}

/** What goes on the wire for one request message. */
export interface HttpRequestParts {
  method: string;
  /** Path and query, e.g. `/v1/shelves/1/books?pageSize=10`. */
  target: string;
  body: Uint8Array | string | undefined;
  contentType: string | undefined;
}

const bindings = new WeakMap<MethodSpec, ClientBinding>();

/** The method's first annotated binding, else its default `POST /pkg.Service/Method`. */
export function clientBinding(method: MethodSpec): ClientBinding {
  let binding = bindings.get(method);
  if (binding === undefined) bindings.set(method, (binding = makeBinding(method)));
  return binding;
}

function makeBinding(method: MethodSpec): ClientBinding {
  const desc = method.descriptor;
  if (desc === undefined) throw new RemoteServiceError(Code.INTERNAL, `${method.path}: the HTTP client needs protobuf-es method descriptors`);
  const rule = annotatedRules(desc)[0] ?? defaultRule(desc);
  const template = parsePathTemplate(rule.pattern);
  return { rule, template, pathFields: boundByTemplate(template), input: desc.input, output: desc.output, registry: jsonRegistry([desc.parent.file]) };
}

/**
 * The HTTP request for one message. `binary` sends protobuf where the body is a message.
 * Throws INVALID_ARGUMENT (made locally) for values the binding cannot carry.
 */
export const buildRequest = internalOnFailure(buildRequestRaw);
function buildRequestRaw(binding: ClientBinding, message: object, binary: boolean): HttpRequestParts {
  const { rule, input, registry } = binding;
  const sparse = toJson(input, message as never, { registry }) as JsonObject;
  const full = toJson(input, message as never, { registry, alwaysEmitImplicit: true }) as JsonObject;
  const path = expandPath(binding.template, input, full);
  const query = new URLSearchParams();
  const body = rule.body === undefined ? undefined : encodeBody(binding, message, rule.body === "*" ? [] : rule.body.split("."), binary);
  if (rule.body !== "*") {
    const bound = new Set([...binding.pathFields, ...(rule.body === undefined ? [] : [rule.body])]);
    appendQuery(query, input, sparse, bound);
  }
  const search = query.toString();
  return { method: rule.method, target: search === "" ? path : `${path}?${search}`, body: body?.data, contentType: body?.contentType };
}

/**
 * One request message of a client or bidi stream as a WebSocket frame: the body rule's part of
 * it as JSON text, or (binary) the whole message as protobuf.
 */
export const encodeStreamMessage = internalOnFailure(encodeStreamMessageRaw);
function encodeStreamMessageRaw(binding: ClientBinding, message: object, binary: boolean): Uint8Array | string {
  if (binary) return toBinary(binding.input, message as never);
  const body = binding.rule.body;
  const fieldPath = body === undefined || body === "*" ? [] : body.split(".");
  return encodeBody(binding, message, fieldPath, false).data;
}

/** The body of a request: the whole message (`fieldPath` empty) or one field of it. */
function encodeBody(binding: ClientBinding, message: object, fieldPath: string[], binary: boolean): { data: Uint8Array | string; contentType: string } {
  const { input, registry } = binding;
  const field = fieldPath.length === 0 ? undefined : fieldAt(input, fieldPath);
  const schema = field === undefined ? input : field.fieldKind === "message" ? field.message : undefined;
  const value = field === undefined ? message : localValueAt(message, input, fieldPath);
  if (schema?.typeName === HTTP_BODY) return rawBody(value);
  if (binary && schema !== undefined) return { data: toBinary(schema, (value ?? {}) as never), contentType: PROTOBUF_CONTENT_TYPE };
  if (schema !== undefined) return { data: JSON.stringify(toJson(schema, (value ?? fromJson(schema, {})) as never, { registry })), contentType: "application/json" };
  // A scalar, enum or repeated field: its JSON as proto3 JSON writes it inside the message.
  const full = toJson(input, message as never, { registry, alwaysEmitImplicit: true }) as JsonObject;
  return { data: JSON.stringify(valueAt(input, full, fieldPath) ?? null), contentType: "application/json" };
}

function rawBody(value: unknown): { data: Uint8Array; contentType: string } {
  const body = (value ?? {}) as { contentType?: string; data?: Uint8Array };
  return { data: body.data ?? new Uint8Array(), contentType: body.contentType || "application/octet-stream" };
}

/** The descriptor of the field at a proto field path. */
export function fieldAt(desc: DescMessage, fieldPath: readonly string[]): DescField {
  let message: DescMessage | undefined = desc;
  let field: DescField | undefined;
  for (const name of fieldPath) {
    field = message?.fields.find((f) => f.name === name);
    if (field === undefined) throw new RemoteServiceError(Code.INTERNAL, `no field "${name}" in ${desc.typeName}`);
    message = field.fieldKind === "message" ? field.message : undefined;
  }
  if (field === undefined) throw new RemoteServiceError(Code.INTERNAL, "empty field path");
  return field;
}

/** The value at a proto field path of a protobuf-es message object (by local names). */
function localValueAt(message: object, desc: DescMessage, fieldPath: readonly string[]): unknown {
  let value: unknown = message;
  let schema: DescMessage | undefined = desc;
  for (const name of fieldPath) {
    const field: DescField | undefined = schema?.fields.find((f) => f.name === name);
    if (field === undefined || value === undefined || value === null) return undefined;
    value = (value as Record<string, unknown>)[field.localName];
    schema = field.fieldKind === "message" ? field.message : undefined;
  }
  return value;
}

/** Whether responses are raw bytes (`google.api.HttpBody` output, or a `response_body` of that type). */
function rawResponse(binding: ClientBinding): DescMessage | "whole" | undefined {
  const { rule, output } = binding;
  if (rule.responseBody === undefined) return output.typeName === HTTP_BODY ? "whole" : undefined;
  const field = fieldAt(output, rule.responseBody.split("."));
  return field.fieldKind === "message" && field.message.typeName === HTTP_BODY ? field.message : undefined;
}

/** The `Accept` header of a call: binary only for whole-message responses. */
export function acceptHeader(binding: ClientBinding, binary: boolean): string {
  if (rawResponse(binding) !== undefined) return "*/*";
  return binary && binding.rule.responseBody === undefined ? `${PROTOBUF_CONTENT_TYPE}, application/json;q=0.5` : "application/json";
}

/** The output message from a successful response's body and content type. */
export const decodeResponse = internalOnFailure(decodeResponseRaw);
function decodeResponseRaw(binding: ClientBinding, bytes: Uint8Array, contentType: string): unknown {
  const { rule, output, registry } = binding;
  const raw = rawResponse(binding);
  if (raw !== undefined) {
    const httpBody = { contentType, data: bytes };
    if (raw === "whole") return create(output, httpBody);
    return withField(binding, rule.responseBody ?? "", toJson(raw, create(raw, httpBody)));
  }
  if (isProtobuf(contentType)) return fromBinary(output, bytes);
  const json = parseJson(new TextDecoder().decode(bytes));
  if (rule.responseBody === undefined) return fromJsonWithNativeBytes(output, json, { registry, ignoreUnknownFields: true });
  return withField(binding, rule.responseBody, json);
}

/** The output message with only the `response_body` field set, from that field's JSON. */
function withField(binding: ClientBinding, responseBody: string, json: JsonValue): unknown {
  const names = responseBody.split(".");
  let value: JsonValue = json;
  for (let i = names.length; i > 0; i--) value = { [fieldAt(binding.output, names.slice(0, i)).jsonName]: value };
  return fromJson(binding.output, value, { registry: binding.registry, ignoreUnknownFields: true });
}

/** One message of a stream (`{"result": ...}`) as the output message; streams carry JSON. */
export const decodeJsonMessage = internalOnFailure(decodeJsonMessageRaw);
function decodeJsonMessageRaw(binding: ClientBinding, json: JsonValue): unknown {
  if (binding.rule.responseBody !== undefined) return withField(binding, binding.rule.responseBody, json);
  return fromJsonWithNativeBytes(binding.output, json, { registry: binding.registry, ignoreUnknownFields: true });
}

/** Whether a content type names binary protobuf. */
export function isProtobuf(contentType: string): boolean {
  const type = contentType.split(";")[0]?.trim().toLowerCase();
  return type === PROTOBUF_CONTENT_TYPE || type === "application/proto";
}

function parseJson(text: string): JsonValue {
  try {
    return JSON.parse(text) as JsonValue;
  } catch (error) {
    throw new RemoteServiceError(Code.INTERNAL, `response is not valid JSON: ${(error as Error).message}`, { cause: error });
  }
}

/**
 * protobuf-es throws plain Errors for messages it cannot convert (an Any of an unknown type, a
 * response that does not fit the schema): those are INTERNAL on this side, not network failures.
 */
function internalOnFailure<A extends unknown[], R>(fn: (...args: A) => R): (...args: A) => R {
  return (...args) => {
    try {
      return fn(...args);
    } catch (error) {
      if (error instanceof RemoteServiceError) throw error;
      throw new RemoteServiceError(Code.INTERNAL, error instanceof Error ? error.message : String(error), { cause: error });
    }
  };
}
