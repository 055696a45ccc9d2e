/**
 * The {@link CallContext} of one HTTP request (or WebSocket session): metadata from the headers,
 * the deadline the client asked for, and a signal that aborts when the client goes away or the
 * deadline passes. HTTP has no transport that enforces deadlines for us (grpc-js does for gRPC),
 * so the timer lives here.
 */
import type { IncomingMessage } from "node:http";
import { TLSSocket } from "node:tls";
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
  /** Ends the call from the transport side: the client left (CANCELLED) or similar. */
  abort(reason: ServiceError): void;
  /** Clears the deadline timer; call once the call is answered. */
  dispose(): void;
}

/** Builds the context; throws a 400-class ServiceError for unusable metadata or timeout headers. */
export function createHttpCallState(request: IncomingMessage, method: MethodSpec, logger: Logger): HttpCallState {
  const deadline = requestDeadline(request.headers, Date.now());
  const metadata = requestMetadata(request.headers);
  const controller = new AbortController();
  const ctx: CallContext = {
    method,
    requestMetadata: metadata,
    responseHeader: new Metadata(),
    responseTrailer: new Metadata(),
    deadline,
    signal: controller.signal,
    peer: peerOf(request),
    transport: "http",
    logger,
    ...verifiedCertificate(request),
  };
  const abort = (reason: ServiceError) => {
    if (!controller.signal.aborted) controller.abort(reason);
  };
  const remainingMs = deadline === undefined ? undefined : Math.max(0, deadline.getTime() - Date.now());
  // Node fires a timer longer than 2^31-1 ms at once; a deadline that far out is no deadline.
  const timer =
    remainingMs === undefined || remainingMs > MAX_DURATION_MS ? undefined : setTimeout(() => abort(new ServiceError(Code.DEADLINE_EXCEEDED, "deadline exceeded")), remainingMs);
  return { ctx, abort, dispose: () => clearTimeout(timer) };
}

/** The client certificate of a TLS connection whose handshake verified it (mutual TLS). */
function verifiedCertificate(request: IncomingMessage): Pick<CallContext, "clientCertificate"> {
  const socket = request.socket;
  if (!(socket instanceof TLSSocket) || !socket.authorized) return {};
  const certificate = socket.getPeerCertificate();
  // An empty object when the client sent none.
  return certificate.raw ? { clientCertificate: certificate } : {};
}

/** `127.0.0.1:53422` or `[::1]:53422`, the format grpc-js's getPeer() uses. */
export function peerOf(request: IncomingMessage): string {
  const { remoteAddress, remotePort } = request.socket;
  if (remoteAddress === undefined) return "unknown";
  return remoteAddress.includes(":") ? `[${remoteAddress}]:${remotePort}` : `${remoteAddress}:${remotePort}`;
}

/**
 * Resolves like `work`, or rejects with the signal's reason as soon as it aborts: a handler that
 * ignores its signal must not keep a timed-out request waiting.
 */
export function untilAborted<T>(work: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) return Promise.reject(signal.reason as unknown);
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason as unknown);
    signal.addEventListener("abort", onAbort, { once: true });
    work.then(
      (value) => {
        signal.removeEventListener("abort", onAbort);
        resolve(value);
      },
      (error: unknown) => {
        signal.removeEventListener("abort", onAbort);
        reject(error);
      },
    );
  });
}
