/** Response metadata as HTTP headers (the mirror of `requestMetadata` in headers.ts). */
import { Metadata } from "../metadata.js";
import { METADATA_HEADER_PREFIX, metadataHeaders, PASS_THROUGH_HEADERS, TRAILER_HEADER_PREFIX } from "./headers.js";

const passThrough = new Set(PASS_THROUGH_HEADERS);

/**
 * Response header metadata: well-known names (`x-request-id`, `traceparent`...) under their own
 * name, every other key as `Grpc-Metadata-<key>`.
 */
export function responseMetadataHeaders(metadata: Metadata): Record<string, string[]> {
  const own = new Metadata();
  const prefixed = new Metadata();
  for (const [key, value] of metadata) (passThrough.has(key) ? own : prefixed).append(key, value);
  return { ...metadataHeaders(own, ""), ...metadataHeaders(prefixed, METADATA_HEADER_PREFIX) };
}

/** Trailers of a call answered in one response, as `Grpc-Trailer-<key>` headers. */
export function trailerHeaders(metadata: Metadata): Record<string, string[]> {
  return metadataHeaders(metadata, TRAILER_HEADER_PREFIX);
}
