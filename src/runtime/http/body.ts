/** Reading a request body with a size limit, so a large or endless upload cannot exhaust memory. */
import type { IncomingMessage } from "node:http";
import { Code } from "../code.js";
import { HttpStatusError } from "./http-error.js";

/**
 * The whole body, at most `limit` bytes. A declared `Content-Length` over the limit fails before
 * anything is read; a body that grows past it fails as soon as it does (413 either way).
 */
export async function readBody(request: IncomingMessage, limit: number): Promise<Uint8Array> {
  const declared = Number(request.headers["content-length"] ?? NaN);
  if (declared > limit) throw tooLarge(limit);
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > limit) throw tooLarge(limit);
    chunks.push(chunk);
  }
  return chunks.length === 1 && chunks[0] ? chunks[0] : Buffer.concat(chunks, size);
}

function tooLarge(limit: number): HttpStatusError {
  return new HttpStatusError(413, Code.RESOURCE_EXHAUSTED, `request body larger than ${limit} bytes (MAX_MESSAGE_BYTES)`);
}
