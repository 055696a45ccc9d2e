/** Reading a request body with a size limit, so a large or endless upload cannot exhaust memory. */
import type { IncomingMessage } from "node:http";
import { Code } from "../code.js";
import { ServiceError } from "../errors.js";
import { HttpStatusError } from "./http-error.js";

/**
 * The whole body, at most `limit` bytes. A declared `Content-Length` over the limit fails before
 * anything is read; a body that grows past it fails as soon as it does (413 either way, and the
 * request is destroyed: the rest of an oversized body is not read). Plain stream events rather
 * than `for await`: an async iterator over the request costs a generator, end-of-stream watchers
 * and a promise per chunk, a measurable share of a small JSON call.
 */
export function readBody(request: IncomingMessage, limit: number): Promise<Uint8Array> {
  const declared = Number(request.headers["content-length"] ?? NaN);
  if (declared > limit) return Promise.reject(tooLarge(limit));
  return new Promise((resolve, reject) => {
    let first: Buffer | undefined;
    let more: Buffer[] | undefined;
    let size = 0;
    let settled = false;
    const fail = (error: unknown): void => {
      if (settled) return;
      settled = true;
      reject(error);
    };
    request.on("data", (chunk: Buffer) => {
      if (settled) return;
      size += chunk.length;
      if (size > limit) {
        fail(tooLarge(limit));
        request.destroy();
        return;
      }
      if (first === undefined) first = chunk;
      else (more ??= [first]).push(chunk);
    });
    request.once("end", () => {
      if (settled) return;
      settled = true;
      resolve(more ? Buffer.concat(more, size) : (first ?? Buffer.alloc(0)));
    });
    request.once("error", fail);
    // Destroyed before its end (the client left mid-body): nobody waits for an answer.
    // (Also fires after a normal end: build the error only when it is needed, a stack costs.)
    request.once("close", () => {
      if (!settled) fail(new ServiceError(Code.CANCELLED, "client went away before the request body ended"));
    });
  });
}

function tooLarge(limit: number): HttpStatusError {
  return new HttpStatusError(413, Code.RESOURCE_EXHAUSTED, `request body larger than ${limit} bytes (MAX_MESSAGE_BYTES)`);
}
