/**
 * The {@link CallContext} of one HTTP request (or WebSocket session): metadata from the headers,
 * the deadline the client asked for, and a signal that aborts when the client goes away or the
 * deadline passes. HTTP has no transport that enforces deadlines for us (grpc-js does for gRPC),
 * so the timer lives here.
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import { TLSSocket, type PeerCertificate } from "node:tls";
import { Code } from "../code.js";
import { MAX_DURATION_MS } from "../config.js";
import type { CallContext } from "../context.js";
import { ServiceError } from "../errors.js";
import type { Logger } from "../logger.js";
import { Metadata } from "../metadata.js";
import type { MethodSpec } from "../spec.js";
import { requestDeadline, requestMetadata } from "./headers.js";

/** The context of a call plus the controls the transport needs. */
export interface HttpCallState {
  readonly ctx: CallContext;
  /** Whether the call was aborted. */
  readonly aborted: boolean;
  /** Ends the call from the transport side: the client left (CANCELLED) or similar. */
  abort(reason: ServiceError): void;
  /** Aborts the call when `response` closes before it is finished (the client went away). */
  watch(response: ServerResponse): void;
  /** Clears the deadline timer; call once the call is answered. */
  dispose(): void;
}

/**
 * Builds the context; throws a 400-class ServiceError for unusable metadata or timeout headers.
 * The context is a plain object of one shape for every call (middleware spreads it, and getters
 * made per call would give each context its own hidden class). Its `signal` is an own, enumerable
 * accessor shared by every context ({@link SIGNAL_PROPERTY}), so contexts keep one hidden class
 * while the AbortController (its signal costs about 3 µs, a tenth of a small call) is made only
 * when someone reads the signal: a handler, a middleware, a `{ ...ctx }` copy (which turns it
 * into a plain value), or the transport itself when there is a deadline or the call is aborted.
 * The deadline timer exists only when there is a deadline.
 */
export function createHttpCallState(request: IncomingMessage, method: MethodSpec, logger: Logger): HttpCallState {
  const deadline = requestDeadline(request.headers, Date.now());
  const call = new HttpCall(deadline);
  const ctx: CallContext & { clientCertificate?: PeerCertificate; [CALL]: HttpCall } = {
    method,
    requestMetadata: requestMetadata(request.headers),
    responseHeader: new Metadata(),
    responseTrailer: new Metadata(),
    deadline,
    peer: peerOf(request),
    transport: "http",
    logger,
    [CALL]: call,
  } as CallContext & { [CALL]: HttpCall };
  Object.defineProperty(ctx, "signal", SIGNAL_PROPERTY);
  if (request.socket instanceof TLSSocket) {
    const certificate = verifiedCertificate(request.socket);
    if (certificate) ctx.clientCertificate = certificate;
  }
  call.ctx = ctx;
  return call;
}

const CALL = Symbol("gen-svc.httpCall");
type WatchedResponse = ServerResponse & { [CALL]?: HttpCall };

/** The getter of every context's `signal` (one function, so one hidden class for all contexts). */
function signalOfContext(this: { [CALL]: HttpCall }): AbortSignal {
  return this[CALL].signal;
}

const SIGNAL_PROPERTY: PropertyDescriptor = Object.freeze({ get: signalOfContext, enumerable: true, configurable: true });

/** The listener every watched response shares (no closure per call): "close" also follows a normal finish. */
function abortIfUnfinished(this: WatchedResponse): void {
  if (!this.writableFinished) this[CALL]?.abort(new ServiceError(Code.CANCELLED, "client went away"));
}

/** The controls behind a context. */
class HttpCall implements HttpCallState {
  /** Set once by {@link createHttpCallState}, right after the context is built. */
  ctx!: CallContext;
  #controller: AbortController | undefined;
  readonly #timer: NodeJS.Timeout | undefined;

  constructor(deadline: Date | undefined) {
    if (deadline === undefined) return;
    const remainingMs = Math.max(0, deadline.getTime() - Date.now());
    // Node fires a timer longer than 2^31-1 ms at once; a deadline that far out is no deadline.
    if (remainingMs <= MAX_DURATION_MS) this.#timer = setTimeout(() => this.abort(new ServiceError(Code.DEADLINE_EXCEEDED, "deadline exceeded")), remainingMs);
  }

  /** The call's signal, made on first use. */
  get signal(): AbortSignal {
    return (this.#controller ??= new AbortController()).signal;
  }

  get aborted(): boolean {
    return this.#controller !== undefined && this.#controller.signal.aborted;
  }

  abort(reason: ServiceError): void {
    // Made now if nobody has read the signal yet: a later reader still sees the call aborted.
    const controller = (this.#controller ??= new AbortController());
    if (!controller.signal.aborted) controller.abort(reason);
  }

  watch(response: ServerResponse): void {
    (response as WatchedResponse)[CALL] = this;
    response.on("close", abortIfUnfinished);
  }

  dispose(): void {
    if (this.#timer !== undefined) clearTimeout(this.#timer);
  }
}

/** The client certificate of a TLS connection whose handshake verified it (mutual TLS). */
function verifiedCertificate(socket: TLSSocket): PeerCertificate | undefined {
  if (!socket.authorized) return undefined;
  const certificate = socket.getPeerCertificate();
  // An empty object when the client sent none.
  return certificate.raw ? certificate : undefined;
}

const PEER = Symbol("gen-svc.peer");
type PeerSocket = IncomingMessage["socket"] & { [PEER]?: string };

/**
 * `127.0.0.1:53422` or `[::1]:53422`, the format grpc-js's getPeer() uses. Kept on the socket:
 * every request of a keep-alive connection has the same peer.
 */
export function peerOf(request: IncomingMessage): string {
  const socket = request.socket as PeerSocket;
  const known = socket[PEER];
  if (known !== undefined) return known;
  const { remoteAddress, remotePort } = socket;
  if (remoteAddress === undefined) return "unknown";
  return (socket[PEER] = remoteAddress.includes(":") ? `[${remoteAddress}]:${remotePort}` : `${remoteAddress}:${remotePort}`);
}
