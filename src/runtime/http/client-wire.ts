/**
 * The HTTP client's side of the wire contract's metadata and error rules: call metadata and
 * deadlines as request headers, response headers back as metadata, and failed responses as
 * {@link RemoteServiceError} (from a `google.rpc.Status` body, else from the HTTP status).
 */
import { fromJson, type JsonValue, type Registry } from "@bufbuild/protobuf";
import { Code, type Code as CodeType } from "../code.js";
import { RemoteServiceError, toCode } from "../errors.js";
import { Metadata } from "../metadata.js";
import { StatusSchema, type Status } from "../gen/google/rpc/status_pb.js";
import { decodeJsonMessage, type ClientBinding } from "./client-request.js";
import { metadataHeaders } from "./headers.js";

/** Request headers for call metadata (under the names the server reads) and a deadline. */
export function callHeaders(metadata: Metadata, deadline: Date | undefined): Headers {
  const headers = new Headers();
  for (const [name, values] of Object.entries(metadataHeaders(metadata))) {
    for (const value of values) headers.append(name, value);
  }
  if (deadline !== undefined) headers.set("grpc-timeout", grpcTimeout(deadline.getTime() - Date.now()));
  return headers;
}

/**
 * A `Grpc-Timeout` value: milliseconds (`250m`), rounded up so the server never sees a shorter
 * deadline than ours; coarser units only past the 8 digits gRPC allows.
 */
export function grpcTimeout(ms: number): string {
  let value = Math.max(1, Math.ceil(ms));
  for (const [unit, factor] of [["m", 1000], ["S", 60], ["M", 60], ["H", 1]] as const) {
    if (value < 100_000_000) return `${value}${unit}`;
    value = Math.ceil(value / factor);
  }
  return "99999999H";
}

/** The metadata carried by response headers starting with `prefix` (`grpc-metadata-`, `grpc-trailer-`). */
export function metadataFromHeaders(headers: Headers, prefix: string): Metadata {
  const metadata = new Metadata();
  headers.forEach((value, name) => {
    if (!name.startsWith(prefix)) return;
    const key = name.slice(prefix.length);
    try {
      // fetch joins repeated headers with ", "; each part is one value.
      for (const part of value.split(/,\s*/)) metadata.append(key, key.endsWith("-bin") ? Buffer.from(part, "base64") : part);
    } catch {
      // A key the runtime's Metadata refuses is the peer's problem, not a reason to fail the call.
    }
  });
  return metadata;
}

/** The code for an HTTP status without a Status body (gRPC's HTTP-to-code mapping). */
export function codeFromHttpStatus(status: number): CodeType {
  switch (status) {
    case 401:
      return Code.UNAUTHENTICATED;
    case 403:
      return Code.PERMISSION_DENIED;
    case 404:
      return Code.UNIMPLEMENTED;
    case 429:
    case 502:
    case 503:
    case 504:
      return Code.UNAVAILABLE;
    default:
      return Code.UNKNOWN;
  }
}

/** A `google.rpc.Status` in proto3 JSON, or undefined when `json` is not one. */
export function statusFromJson(json: JsonValue, registry: Registry): Status | undefined {
  if (json === null || typeof json !== "object" || Array.isArray(json) || typeof json["code"] !== "number") return undefined;
  try {
    return fromJson(StatusSchema, json, { registry, ignoreUnknownFields: true });
  } catch {
    // Details of a type this side does not know must not hide the code and message.
    const message = typeof json["message"] === "string" ? json["message"] : "";
    return fromJson(StatusSchema, { code: json["code"], message }, { registry });
  }
}

/** The error of a non-2xx response from its status, body text and trailers. */
export function errorFromResponse(httpStatus: number, body: string, trailers: Metadata, registry: Registry): RemoteServiceError {
  const status = statusFromJson(parseOrUndefined(body), registry);
  if (status !== undefined && status.code !== 0) {
    return new RemoteServiceError(toCode(status.code), status.message, { details: status.details, metadata: trailers });
  }
  const snippet = body.length > 200 ? body.slice(0, 200) + "..." : body;
  return new RemoteServiceError(codeFromHttpStatus(httpStatus), `HTTP ${httpStatus}${snippet === "" ? "" : ": " + snippet}`, { metadata: trailers });
}

/** The error of a status that ended a stream (code != 0), or undefined for success. */
export function errorFromStatus(status: Status, trailers: Metadata): RemoteServiceError | undefined {
  if (status.code === 0) return undefined;
  return new RemoteServiceError(toCode(status.code), status.message, { details: status.details, metadata: trailers });
}

/** One NDJSON line of a server stream. */
type Frame = { result: JsonValue } | { status: JsonValue };

/** Parses `{"result": ...}` or `{"status": ...}`; anything else is an INTERNAL error. */
export function parseFrame(text: string): Frame {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new RemoteServiceError(Code.INTERNAL, `malformed stream frame: ${text.slice(0, 100)}`);
  }
  if (json !== null && typeof json === "object" && ("result" in json || "status" in json)) return json as Frame;
  throw new RemoteServiceError(Code.INTERNAL, `stream frame has neither "result" nor "status": ${text.slice(0, 100)}`);
}

/**
 * The responses of a stream, NDJSON lines or WebSocket frames alike: the message of every
 * `{"result"}` frame, until the `{"status"}` frame ends the stream (throwing its error, if it is
 * one; `onStatus` hears of it first with the call's trailers). Frames that end without a status
 * are UNAVAILABLE: the stream was cut.
 */
export async function* responsesOfFrames(
  frames: AsyncIterable<string>,
  binding: ClientBinding,
  trailers: () => Metadata,
  onStatus: (trailers: Metadata) => void,
): AsyncGenerator<unknown> {
  for await (const text of frames) {
    const frame = parseFrame(text);
    if ("result" in frame) {
      yield decodeJsonMessage(binding, frame.result);
      continue;
    }
    const received = trailers();
    onStatus(received);
    const status = statusFromJson(frame.status, binding.registry);
    const failure = status === undefined ? new RemoteServiceError(Code.INTERNAL, "malformed status frame") : errorFromStatus(status, received);
    if (failure) throw failure;
    return;
  }
  throw new RemoteServiceError(Code.UNAVAILABLE, "stream ended without status");
}

function parseOrUndefined(text: string): JsonValue {
  try {
    return JSON.parse(text) as JsonValue;
  } catch {
    return null;
  }
}
