/**
 * Reading streamed HTTP bodies incrementally: NDJSON lines as they arrive (never the whole
 * stream in memory), and a whole body with a size limit.
 */
import { Code } from "../code.js";
import { RemoteServiceError } from "../errors.js";

function tooLarge(limit: number): RemoteServiceError {
  return new RemoteServiceError(Code.RESOURCE_EXHAUSTED, `received message larger than max (${limit} bytes)`);
}

/**
 * The non-empty lines of a body, each yielded as soon as its newline arrives; a last line
 * without a newline is yielded too. A line longer than `maxLineBytes` fails with
 * RESOURCE_EXHAUSTED. Leaving the loop early cancels the body.
 */
export async function* readLines(body: ReadableStream<Uint8Array>, maxLineBytes: number): AsyncGenerator<string> {
  const decoder = new TextDecoder();
  const reader = body.getReader();
  let pending = "";
  let ended = false;
  try {
    for (;;) {
      const { done, value } = await reader.read();
      pending += done ? decoder.decode() : decoder.decode(value, { stream: true });
      let newline: number;
      while ((newline = pending.indexOf("\n")) >= 0) {
        const line = pending.slice(0, newline).trim();
        pending = pending.slice(newline + 1);
        if (line !== "") yield line;
      }
      // Characters are at most 3 bytes per UTF-16 unit, so this bounds memory without encoding.
      if (pending.length > maxLineBytes) throw tooLarge(maxLineBytes);
      if (done) break;
    }
    ended = true;
    if (pending.trim() !== "") yield pending.trim();
  } finally {
    if (!ended) await reader.cancel().catch(() => {});
    reader.releaseLock();
  }
}

/** A whole body as bytes; more than `maxBytes` fails with RESOURCE_EXHAUSTED. */
export async function readBody(body: ReadableStream<Uint8Array> | null, maxBytes: number): Promise<Uint8Array> {
  if (body === null) return new Uint8Array();
  const chunks: Uint8Array[] = [];
  let size = 0;
  const reader = body.getReader();
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      size += value.byteLength;
      if (size > maxBytes) {
        await reader.cancel().catch(() => {});
        throw tooLarge(maxBytes);
      }
      chunks.push(value);
    }
  } finally {
    reader.releaseLock();
  }
  return Buffer.concat(chunks);
}
