/**
 * One HTTP binding of a method -> one OpenAPI operation: parameters, request body, the 200
 * response (JSON, binary protobuf, or the streaming forms of the wire contract) and the
 * `google.rpc.Status` error response.
 */
import type { DescField, DescMessage } from "@bufbuild/protobuf";
import type { HttpBinding, MethodModel, ServiceModel } from "../model/types.js";
import { describe, joinDescriptions } from "./notes.js";
import { createPathNamer, openApiPath } from "./path.js";
import { queryParameters } from "./query.js";
import { fieldTypeSchema, messageRef, omitUndefined, type SchemaContext } from "./schemas.js";
import { schemaRef, statusTypeName, type Json } from "./wkt.js";

/** An operation and where it goes: `paths[path][httpMethod]`. */
export interface PlacedOperation {
  path: string;
  /** Lower-case HTTP method (`get`); a custom method OpenAPI 3.1 has no field for stays as written. */
  httpMethod: string;
  operation: Json;
}

/** A binding of a method and how to name its operation. */
export interface BindingJob {
  service: ServiceModel;
  method: MethodModel;
  binding: HttpBinding;
  /** 0 for the main rule, n for the n-th additional binding. */
  index: number;
  /** The `POST /<pkg>.<Service>/<Method>` binding of a method without google.api.http. */
  isDefault: boolean;
}

const httpBodyType = "google.api.HttpBody";
const binary: Json = { type: "string", format: "binary" };
const protobufTypes = ["application/x-protobuf"];

/** The operation of one binding. `nameOf` makes identical path shapes use the same names (see path.ts). */
export function bindingOperation(ctx: SchemaContext, job: BindingJob, nameOf: ReturnType<typeof createPathNamer>): PlacedOperation {
  const { service, method, binding } = job;
  const path = nameOf(openApiPath(ctx, binding, method.input.desc));
  const streamsIn = method.kind === "client_streaming" || method.kind === "bidi_streaming";
  const parameters = [
    ...path.parameters.map((p) => omitUndefined({ name: p.name, in: "path", required: true, description: p.description, schema: p.schema })),
    ...queryParameters(ctx, binding, method.input.desc),
  ];
  const operation = omitUndefined({
    tags: [service.name],
    operationId: `${service.name}_${method.name}${job.index === 0 ? "" : `_${job.index}`}`,
    summary: summaryOf(describe(method.desc)) ?? `${service.name}.${method.name}`,
    description: joinDescriptions(describe(method.desc), streamsIn ? websocketNote(method) : undefined),
    deprecated: method.deprecated ? true : undefined,
    parameters: parameters.length > 0 ? parameters : undefined,
    requestBody: streamsIn ? undefined : requestBody(ctx, binding, method.input.desc),
    responses: streamsIn ? websocketResponses(ctx, method) : responses(ctx, binding, method),
    "x-gen-svc-grpc-method": method.path,
    "x-gen-svc-template": job.isDefault ? undefined : binding.pattern,
    "x-gen-svc-default-route": job.isDefault ? true : undefined,
    "x-gen-svc-websocket": streamsIn ? true : undefined,
    "x-gen-svc-auth": method.policy.auth && method.policy.auth.mode !== "none" ? { ...method.policy.auth } : undefined,
  });
  return { path: path.path, httpMethod: binding.method.toLowerCase(), operation };
}

/** The first sentence (or line) of a comment, as OpenAPI's short summary. */
function summaryOf(description: string | undefined): string | undefined {
  if (description === undefined) return undefined;
  const firstLine = description.split("\n\n")[0]!.replace(/\n/g, " ");
  const sentence = /^(.*?[.!?])(\s|$)/.exec(firstLine)?.[1] ?? firstLine;
  return sentence.length <= 120 ? sentence : `${sentence.slice(0, 117)}...`;
}

function requestBody(ctx: SchemaContext, binding: HttpBinding, input: DescMessage): Json | undefined {
  if (binding.body === undefined) return undefined;
  const field = binding.body === "*" ? undefined : resolvePath(input, binding.body);
  const message = field === undefined ? input : field.fieldKind === "message" ? field.message : undefined;
  if (message?.typeName === httpBodyType) return { content: { "*/*": { schema: binary } }, description: "The raw body; its Content-Type is the HttpBody's content_type." };
  const json = field === undefined ? messageRef(ctx, input) : fieldTypeSchema(ctx, field);
  const what = field === undefined ? `The request message \`${input.typeName}\`` : `The request field \`${binding.body}\``;
  const pathNote = field === undefined && binding.template.segments.some((s) => s.kind === "variable") ? " Fields bound by the path come from the path." : "";
  return {
    description: `${what} in proto3 JSON${message ? " or binary protobuf" : ""}.${pathNote}`,
    content: { "application/json": { schema: json }, ...(message ? binaryContent() : {}) },
  };
}

function binaryContent(): Json {
  return Object.fromEntries(protobufTypes.map((type) => [type, { schema: binary }]));
}

function responses(ctx: SchemaContext, binding: HttpBinding, method: MethodModel): Json {
  const output = method.output.desc;
  const field = binding.responseBody === undefined ? undefined : resolvePath(output, binding.responseBody);
  const message = field === undefined ? output : field.fieldKind === "message" ? field.message : undefined;
  const what = field === undefined ? `\`${output.typeName}\`` : `the field \`${binding.responseBody}\` of \`${output.typeName}\``;
  const schema = () => (field === undefined ? messageRef(ctx, output) : fieldTypeSchema(ctx, field));
  let ok: Json;
  if (method.kind === "server_streaming") ok = streamResponse(schema(), what);
  else if (message?.typeName === httpBodyType) ok = { description: "The raw body, with the HttpBody's content_type.", content: { "*/*": { schema: binary } } };
  else ok = { description: `${what[0]!.toUpperCase()}${what.slice(1)} in proto3 JSON (or binary protobuf when Accept asks for it).`, content: { "application/json": { schema: schema() }, ...(message ? binaryContent() : {}) } };
  return { "200": ok, ...errorResponses() };
}

/** Server streaming: NDJSON or Server-Sent Events, chosen by Accept (wire doc, "Streaming"). */
function streamResponse(item: Json, what: string): Json {
  const line = {
    type: "object",
    description: 'One line: `{"result": <message>}` per message, then `{"status": <google.rpc.Status>}` (code 0 on success).',
    properties: { result: item, status: schemaRef(statusTypeName) },
  };
  return {
    description: `A stream of ${what}, flushed per message. A call failing before its first message answers with an error status instead.`,
    content: {
      "application/x-ndjson": { schema: line },
      "text/event-stream": {
        schema: {
          type: "string",
          description: "Server-Sent Events: `event: message` with the message's JSON as data, per message; then `event: status` with a google.rpc.Status JSON (code 0 on success).",
        },
      },
    },
  };
}

function websocketNote(method: MethodModel): string {
  return (
    `${method.kind === "bidi_streaming" ? "Bidirectional" : "Client"} streaming over WebSocket: open a WebSocket (a GET upgrade, whatever this operation's method) on this path. ` +
    `Send one text frame of \`${method.input.typeName}\` JSON (or one binary frame of protobuf) per request message and an empty text frame to end the requests; ` +
    `path and query parameters are merged into every request message. The server sends \`{"result": <${method.output.typeName}>}\` text frames, then \`{"status": <google.rpc.Status>}\` and closes.`
  );
}

function websocketResponses(ctx: SchemaContext, method: MethodModel): Json {
  return {
    "101": {
      description: "Switching Protocols: the WebSocket carries the stream (see the operation's description).",
      "x-gen-svc-frames": { request: messageRef(ctx, method.input.desc), response: messageRef(ctx, method.output.desc) },
    },
    ...errorResponses(),
  };
}

/** The shared error response (`components.responses.Error`) of every operation. */
export const errorResponseName = "Error";

/** The error response object, referenced by every operation (for 4XX and as the default). */
export function errorResponseComponent(): Json {
  return {
    description: "An error: a google.rpc.Status, with the HTTP status its code maps to.",
    content: { "application/json": { schema: schemaRef(statusTypeName) } },
  };
}

function errorResponses(): Json {
  const ref = { $ref: `#/components/responses/${errorResponseName}` };
  return { "4XX": ref, default: ref };
}

/** A body or response_body field path (the model checked it). */
function resolvePath(message: DescMessage, path: string): DescField {
  let current = message;
  let field: DescField | undefined;
  for (const name of path.split(".")) {
    field = current.fields.find((f) => f.name === name);
    if (field?.fieldKind === "message") current = field.message;
  }
  if (!field) throw new Error(`${message.typeName} has no field ${path}`);
  return field;
}
