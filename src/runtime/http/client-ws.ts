/**
 * Client and bidi streaming calls over a WebSocket (`ws`), as the wire contract frames them: one
 * text frame per request (its JSON), an empty text frame to half-close; `{"result": ...}` frames
 * back, then one `{"status": ...}` frame. Closing the socket cancels the call.
 */
import type { IncomingMessage } from "node:http";
import type WebSocket from "ws";
import { Code } from "../code.js";
import { RemoteServiceError } from "../errors.js";
import type { CallOptions } from "../grpc/client-call.js";
import type { MethodSpec } from "../spec.js";
import { CallScope } from "./client-call.js";
import { encodeStreamMessage, type ClientBinding } from "./client-request.js";
import { errorFromResponse, grpcTimeout, metadataFromHeaders, responsesOfFrames } from "./client-wire.js";
import type { ConnectionOptions } from "node:tls";
import { expandPath } from "./url.js";
import { toJson, type JsonObject } from "@bufbuild/protobuf";
import { wsModule } from "./ws-module.js";

/** Everything one WebSocket call needs. */
export interface WebSocketCallArgs {
  baseUrl: string;
  binding: ClientBinding;
  method: MethodSpec;
  requests: AsyncIterable<unknown>;
  options: CallOptions;
  /** Default headers and metadata headers (without the deadline, which is set here). */
  headers: Headers;
  maxBytes: number;
  binary: boolean;
  /** TLS options of a `wss:` connection (CA, client certificate). */
  tls?: ConnectionOptions;
}

// Frames received but not yet read; past this many the socket is paused (back-pressure).
const HIGH_WATER = 16;

/** The responses of a streaming call; the socket opens on first iteration. */
export async function* webSocketCall(args: WebSocketCallArgs): AsyncGenerator<unknown> {
  const { binding, method, options } = args;
  const scope = new CallScope(options);
  const source = args.requests[Symbol.asyncIterator]();
  let socket: WebSocket | undefined;
  let finished = false;
  try {
    // Path variables come from the first request, so with variables we wait for it.
    const needsFirst = binding.pathFields.length > 0;
    const first = needsFirst ? await source.next() : undefined;
    const firstMessage = first && !first.done ? (method.input.create(first.value) as object) : (method.input.create({}) as object);
    const full = toJson(binding.input, firstMessage as never, { registry: binding.registry, alwaysEmitImplicit: true }) as JsonObject;
    const url = args.baseUrl.replace(/^http/i, "ws") + expandPath(binding.template, binding.input, full);
    if (scope.deadline !== undefined) args.headers.set("grpc-timeout", grpcTimeout(scope.deadline.getTime() - Date.now()));
    const ws = (socket = new (wsModule().WebSocket)(url, { headers: Object.fromEntries(args.headers), maxPayload: args.maxBytes + 1024, ...args.tls }));
    const inbox = new Inbox(ws, binding, args.maxBytes, scope, options);
    scope.signal.addEventListener("abort", () => inbox.fail(scope.signal.reason), { once: true });
    await inbox.opened;
    const pending = first && !first.done ? [firstMessage] : [];
    void pump(ws, pending, first?.done === true ? undefined : source, binding, method, args.binary, scope, inbox);
    yield* responsesOfFrames(inbox, binding, () => inbox.trailers, (trailers) => {
      finished = true;
      scope.hook(options.onTrailer, trailers);
    });
    finished = true;
    ws.close(1000);
  } catch (error) {
    finished = true;
    throw scope.error(error);
  } finally {
    if (!finished) scope.abort();
    if (socket !== undefined && socket.readyState !== socket.CLOSED) socket.terminate();
    void source.return?.();
    scope.done();
  }
}

/** Sends the requests as the socket takes them, then the empty frame that half-closes. */
async function pump(
  ws: WebSocket,
  pending: object[],
  source: AsyncIterator<unknown> | undefined,
  binding: ClientBinding,
  method: MethodSpec,
  binary: boolean,
  scope: CallScope,
  inbox: Inbox,
): Promise<void> {
  try {
    for (const message of pending) await send(ws, encodeStreamMessage(binding, message, binary));
    for (;;) {
      if (source === undefined || scope.signal.aborted) break;
      const next = await source.next();
      if (next.done || scope.signal.aborted) break;
      await send(ws, encodeStreamMessage(binding, method.input.create(next.value) as object, binary));
    }
    if (!scope.signal.aborted && ws.readyState === ws.OPEN) await send(ws, "");
  } catch (error) {
    // A failing request source ends the call with its error, as GrpcConnection does.
    inbox.fail(error);
    scope.abort(error);
  }
}

function send(ws: WebSocket, data: Uint8Array | string): Promise<void> {
  return new Promise((resolve, reject) => ws.send(data, { binary: typeof data !== "string" }, (error) => (error ? reject(error) : resolve())));
}

/** Frames received from the socket, read as an async iterable; ends or fails with the socket. */
class Inbox implements AsyncIterable<string> {
  readonly #frames: string[] = [];
  readonly #ws: WebSocket;
  #ended = false;
  #failure: { error: unknown } | undefined;
  #wake: (() => void) | undefined;
  /** Response header metadata and the trailers (`Grpc-Trailer-*` of the upgrade response). */
  trailers = metadataFromHeaders(new Headers(), "grpc-trailer-");
  /** Settles when the socket is open (after `onHeader` ran) or failed to open. */
  readonly opened: Promise<void>;

  constructor(ws: WebSocket, binding: ClientBinding, maxBytes: number, scope: CallScope, options: CallOptions) {
    this.#ws = ws;
    this.opened = new Promise((resolve, reject) => {
      ws.once("upgrade", (response: IncomingMessage) => {
        const headers = toHeaders(response);
        this.trailers = metadataFromHeaders(headers, "grpc-trailer-");
        try {
          scope.hook(options.onHeader, metadataFromHeaders(headers, "grpc-metadata-"));
        } catch (error) {
          reject(error);
        }
      });
      ws.once("open", () => resolve());
      ws.on("unexpected-response", (request, response) => {
        void errorOfResponse(response, binding, maxBytes).then((error) => {
          this.fail(error);
          reject(error);
          request.destroy();
        });
      });
      ws.on("error", (error) => {
        this.fail(error);
        reject(error);
      });
    });
    // Opening may fail before anyone awaits `opened`; the failure reaches the caller through the iterator.
    this.opened.catch(() => {});
    ws.on("message", (data, isBinary) => {
      if (isBinary) return this.fail(new RemoteServiceError(Code.INTERNAL, "unexpected binary frame"));
      this.#frames.push(String(data));
      if (this.#frames.length >= HIGH_WATER) ws.pause();
      this.#notify();
    });
    ws.on("close", () => {
      this.#ended = true;
      this.#notify();
    });
  }

  /** Ends reading with an error (the first one wins) and closes the socket. */
  fail(error: unknown): void {
    this.#failure ??= { error };
    this.#ws.terminate();
    this.#notify();
  }

  async *[Symbol.asyncIterator](): AsyncGenerator<string> {
    for (;;) {
      const frame = this.#frames.shift();
      if (frame !== undefined) {
        if (this.#frames.length < HIGH_WATER / 2 && this.#ws.isPaused) this.#ws.resume();
        yield frame;
        continue;
      }
      if (this.#failure) throw this.#failure.error;
      if (this.#ended) return;
      await new Promise<void>((resolve) => (this.#wake = resolve));
    }
  }

  #notify(): void {
    const wake = this.#wake;
    this.#wake = undefined;
    wake?.();
  }
}

function toHeaders(response: IncomingMessage): Headers {
  const headers = new Headers();
  for (const [name, value] of Object.entries(response.headers)) {
    for (const v of Array.isArray(value) ? value : value === undefined ? [] : [value]) headers.append(name, v);
  }
  return headers;
}

/** The error of a refused upgrade, from its status and body (a `google.rpc.Status`, usually). */
async function errorOfResponse(response: IncomingMessage, binding: ClientBinding, maxBytes: number): Promise<RemoteServiceError> {
  const chunks: Buffer[] = [];
  let size = 0;
  try {
    for await (const chunk of response as AsyncIterable<Buffer>) {
      size += chunk.length;
      if (size > maxBytes) break;
      chunks.push(chunk);
    }
  } catch {
    // A broken body still leaves the HTTP status to go by.
  }
  const headers = toHeaders(response);
  return errorFromResponse(response.statusCode ?? 0, Buffer.concat(chunks).toString("utf8"), metadataFromHeaders(headers, "grpc-trailer-"), binding.registry);
}
