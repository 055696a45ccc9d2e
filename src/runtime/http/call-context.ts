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
 * made per call would give each context its own hidden class); the deadline timer exists only
 * when there is a deadline.
 */
export function createHttpCallState(request: IncomingMessage, method: MethodSpec, logger: Logger): HttpCallState {
  const deadline = requestDeadline(request.headers, Date.now());
  const controller = new AbortController();
  const ctx: CallContext & { clientCertificate?: PeerCertificate } = {
    method,
    requestMetadata: requestMetadata(request.headers),
    responseHeader: new Metadata(),
    responseTrailer: new Metadata(),
    deadline,
    signal: controller.signal,
    peer: peerOf(request),
    transport: "http",
    logger,
  };
  if (request.socket instanceof TLSSocket) {
    const certificate = verifiedCertificate(request.socket);
    if (certificate) ctx.clientCertificate = certificate;
  }
  return new HttpCall(ctx, controller);
}

const CALL = Symbol("gen-svc.httpCall");
type WatchedResponse = ServerResponse & { [CALL]?: HttpCall };

/** The listener every watched response shares (no closure per call): "close" also follows a normal finish. */
function abortIfUnfinished(this: WatchedResponse): void {
  if (!this.writableFinished) this[CALL]?.abort(new ServiceError(Code.CANCELLED, "client went away"));
}

/** The controls behind a context. */
class HttpCall implements HttpCallState {
  readonly #controller: AbortController;
  readonly #timer: NodeJS.Timeout | undefined;

  constructor(
    readonly ctx: CallContext,
    controller: AbortController,
  ) {
    this.#controller = controller;
    if (ctx.deadline === undefined) return;
    const remainingMs = Math.max(0, ctx.deadline.getTime() - Date.now());
    // Node fires a timer longer than 2^31-1 ms at once; a deadline that far out is no deadline.
    if (remainingMs <= MAX_DURATION_MS) this.#timer = setTimeout(() => this.abort(new ServiceError(Code.DEADLINE_EXCEEDED, "deadline exceeded")), remainingMs);
  }

  get aborted(): boolean {
    return this.#controller.signal.aborted;
  }

  abort(reason: ServiceError): void {
    if (!this.#controller.signal.aborted) this.#controller.abort(reason);
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

/** `127.0.0.1:53422` or `[::1]:53422`, the format grpc-js's getPeer() uses. */
export function peerOf(request: IncomingMessage): string {
  const { remoteAddress, remotePort } = request.socket;
  if (remoteAddress === undefined) return "unknown";
  return remoteAddress.includes(":") ? `[${remoteAddress}]:${remotePort}` : `${remoteAddress}:${remotePort}`;
}
