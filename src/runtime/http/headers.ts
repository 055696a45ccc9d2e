/**
 * HTTP headers <-> call metadata, and the deadline a request asks for. What passes, and under
 * which names, follows grpc-gateway: `Grpc-Metadata-<key>` carries any key, a short allow-list of
 * well-known headers passes as is, everything else (Host, Content-Length, cookies...) stays with
 * HTTP. Values of `-bin` keys are base64, as in gRPC's HTTP/2 mapping.
 */
import type { IncomingHttpHeaders } from "node:http";
import { Code } from "../code.js";
import { ServiceError } from "../errors.js";
import { Metadata } from "../metadata.js";

/** Request and response headers that carry metadata under their own name. */
export const PASS_THROUGH_HEADERS: readonly string[] = [
  "authorization",
  "x-api-key",
  "x-request-id",
  "traceparent",
  "tracestate",
  "baggage",
  "x-forwarded-for",
  "x-forwarded-host",
  "x-forwarded-proto",
  "user-agent",
];

/** The prefix of headers that carry any metadata key. */
export const METADATA_HEADER_PREFIX = "grpc-metadata-";
/** The prefix of response headers that carry trailers of a unary call. */
export const TRAILER_HEADER_PREFIX = "grpc-trailer-";

const passThrough = new Set(PASS_THROUGH_HEADERS);

/**
 * The call metadata of a request. A header whose value cannot be metadata (a `-bin` key with bad
 * base64, a key with characters gRPC forbids) is a 400: the caller sent it on purpose.
 */
export function requestMetadata(headers: IncomingHttpHeaders): Metadata {
  const metadata = new Metadata();
  // for...in, not Object.entries: no array of pairs per request for the headers that stay with HTTP.
  for (const name in headers) {
    const value = headers[name];
    if (value === undefined) continue;
    const key = name.startsWith(METADATA_HEADER_PREFIX) ? name.slice(METADATA_HEADER_PREFIX.length) : passThrough.has(name) ? name : undefined;
    if (key === undefined || key === "" || key.startsWith("grpc-")) continue;
    for (const text of Array.isArray(value) ? value : [value]) append(metadata, key, text);
  }
  return metadata;
}

function append(metadata: Metadata, key: string, text: string): void {
  try {
    metadata.append(key, key.endsWith("-bin") ? decodeBase64(text, key) : text);
  } catch (error) {
    if (error instanceof ServiceError) throw error;
    throw new ServiceError(Code.INVALID_ARGUMENT, `header for metadata "${key}": ${error instanceof Error ? error.message : String(error)}`);
  }
}

function decodeBase64(text: string, key: string): Uint8Array {
  const trimmed = text.trim();
  if (!/^[A-Za-z0-9+/_-]*={0,2}$/.test(trimmed)) throw new ServiceError(Code.INVALID_ARGUMENT, `header for metadata "${key}": not base64`);
  return new Uint8Array(Buffer.from(trimmed, "base64"));
}

/**
 * The header a metadata key travels in, both ways: a well-known name (`x-request-id`,
 * `traceparent`...) as it is, any other key as `Grpc-Metadata-<key>`.
 */
export function metadataHeaderName(key: string): string {
  return passThrough.has(key) ? key : METADATA_HEADER_PREFIX + key;
}

/** Metadata as header values by header name (`-bin` values in base64); `nameOf` names each key's header. */
export function metadataHeaders(metadata: Metadata, nameOf: (key: string) => string = metadataHeaderName): Record<string, string[]> {
  const headers: Record<string, string[]> = {};
  for (const [key, value] of metadata) {
    (headers[nameOf(key)] ??= []).push(typeof value === "string" ? value : Buffer.from(value).toString("base64"));
  }
  return headers;
}

/** Trailers of a call answered in one response, as `Grpc-Trailer-<key>` headers. */
export function trailerHeaders(metadata: Metadata): Record<string, string[]> {
  return metadataHeaders(metadata, (key) => TRAILER_HEADER_PREFIX + key);
}

// gRPC's TimeoutValue is at most 8 digits; the unit letters are case-sensitive.
const grpcTimeoutUnitsMs: Record<string, number> = { H: 3_600_000, M: 60_000, S: 1000, m: 1, u: 0.001, n: 0.000001 };

/**
 * The deadline of a request: the earlier of `Grpc-Timeout` (gRPC syntax: `250m`, `5S`) and
 * `X-Request-Timeout-Ms` (whole milliseconds), counted from `now`. Malformed values are a 400
 * rather than ignored, so a client never believes a deadline is in force when it is not.
 */
export function requestDeadline(headers: IncomingHttpHeaders, now: number): Date | undefined {
  if (headers["grpc-timeout"] === undefined && headers["x-request-timeout-ms"] === undefined) return undefined;
  const timeouts = [grpcTimeoutMs(headers["grpc-timeout"]), plainTimeoutMs(headers["x-request-timeout-ms"])].filter((t) => t !== undefined);
  return timeouts.length === 0 ? undefined : new Date(now + Math.min(...timeouts));
}

function grpcTimeoutMs(value: string | string[] | undefined): number | undefined {
  if (value === undefined) return undefined;
  const match = /^(\d{1,8})([HMSmun])$/.exec(single(value, "grpc-timeout"));
  if (!match) throw new ServiceError(Code.INVALID_ARGUMENT, `header grpc-timeout: "${String(value)}" is not a gRPC timeout (e.g. 250m, 5S)`);
  return Number(match[1]) * (grpcTimeoutUnitsMs[match[2] ?? "m"] ?? 1);
}

function plainTimeoutMs(value: string | string[] | undefined): number | undefined {
  if (value === undefined) return undefined;
  const text = single(value, "x-request-timeout-ms");
  if (!/^\d{1,10}$/.test(text)) throw new ServiceError(Code.INVALID_ARGUMENT, `header x-request-timeout-ms: "${text}" is not a whole number of milliseconds`);
  return Number(text);
}

function single(value: string | string[], name: string): string {
  if (typeof value === "string") return value.trim();
  if (value.length === 1 && value[0] !== undefined) return value[0].trim();
  throw new ServiceError(Code.INVALID_ARGUMENT, `header ${name} given more than once`);
}
