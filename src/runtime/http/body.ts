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
 * and a promise per chunk, a measurable share of a small JSON call. The listeners are shared
 * functions that find their read through the request (no closures per request).
 */
export function readBody(request: IncomingMessage, limit: number, done: BodyCallback): void {
  const declared = Number(request.headers["content-length"] ?? NaN);
  if (declared > limit) return done(tooLarge(limit), undefined);
  // A callback, not a promise: the call goes on from the "end" event itself, one promise and one
  // microtask less for a small call.
  (request as ReadRequest)[READ] = new BodyRead(limit, done);
  // `on`, not `once`: each once wraps its listener in a new function; these ignore repeats anyway.
  request.on("data", onData);
  request.on("end", onEnd);
  request.on("error", onError);
  request.on("close", onClose);
}

/** Called once with the whole body, or with why it could not be read. */
export type BodyCallback = (error: unknown, body: Uint8Array | undefined) => void;

const READ = Symbol("gen-svc.bodyRead");
type ReadRequest = IncomingMessage & { [READ]: BodyRead };

/** The state of one body read. */
class BodyRead {
  first: Buffer | undefined = undefined;
  more: Buffer[] | undefined = undefined;
  size = 0;
  settled = false;

  constructor(
    readonly limit: number,
    readonly done: BodyCallback,
  ) {}

  fail(error: unknown): void {
    if (this.settled) return;
    this.settled = true;
    this.done(error, undefined);
  }
}

function onData(this: ReadRequest, chunk: Buffer): void {
  const read = this[READ];
  if (read.settled) return;
  read.size += chunk.length;
  if (read.size > read.limit) {
    read.fail(tooLarge(read.limit));
    this.destroy();
    return;
  }
  if (read.first === undefined) read.first = chunk;
  else (read.more ??= [read.first]).push(chunk);
}

function onEnd(this: ReadRequest): void {
  const read = this[READ];
  if (read.settled) return;
  read.settled = true;
  read.done(undefined, read.more ? Buffer.concat(read.more, read.size) : (read.first ?? Buffer.alloc(0)));
}

function onError(this: ReadRequest, error: unknown): void {
  this[READ].fail(error);
}

/**
 * Destroyed before its end (the client left mid-body): nobody waits for an answer. (Also fires
 * after a normal end: build the error only when it is needed, a stack costs.)
 */
function onClose(this: ReadRequest): void {
  if (!this[READ].settled) this[READ].fail(new ServiceError(Code.CANCELLED, "client went away before the request body ended"));
}

function tooLarge(limit: number): HttpStatusError {
  return new HttpStatusError(413, Code.RESOURCE_EXHAUSTED, `request body larger than ${limit} bytes (MAX_MESSAGE_BYTES)`);
}
