/** Builds the {@link CallContext} of one incoming gRPC call and the header/trailer plumbing around it. */
import type * as grpc from "@grpc/grpc-js";
import type { EventEmitter } from "node:events";
import type { PeerCertificate } from "node:tls";
import { Code } from "../code.js";
import type { CallContext } from "../context.js";
import type { Logger } from "../logger.js";
import { ServiceError, trailersToSend } from "../errors.js";
import { Metadata } from "../metadata.js";
import type { MethodSpec } from "../spec.js";
import { encodeStatus, statusFromError, STATUS_DETAILS_KEY } from "../status.js";
import { toBuffer } from "./bytes.js";
import { toGrpcMetadata } from "./metadata.js";
import { ReceivedGrpcMetadata } from "./received-metadata.js";

/** A grpc-js server call of any kind (grpc-js does not export the type they share). */
export type AnyServerCall =
  | grpc.ServerUnaryCall<unknown, unknown>
  | grpc.ServerReadableStream<unknown, unknown>
  | grpc.ServerWritableStream<unknown, unknown>
  | grpc.ServerDuplexStream<unknown, unknown>;

/** The context of a call plus what the transport needs to finish it. */
export interface ServerCallState {
  readonly ctx: CallContext;
  /** Sends `ctx.responseHeader` once, if it has entries; later calls do nothing. */
  sendHeader(): void;
  /** Stops listening to the call; the signal stays as it is. Call once the status is sent. */
  dispose(): void;
  /** Whether the call was cancelled or expired (`ctx.signal.aborted`). */
  cancelled(): boolean;
}

/**
 * grpc-js ends a call at its deadline and then reports it as cancelled, a tick or so later; its
 * timer runs on the loop's cached clock, so the wall clock can be a few milliseconds short of the
 * deadline when the report arrives. Cancellations this close to the deadline count as expiry.
 */
const DEADLINE_SLACK_MS = 20;

/**
 * Creates the context of a call: metadata, deadline, peer and a signal that aborts on cancel.
 * Throws when grpc-js fails; nothing is left attached to the call then.
 */
export function createCallState(call: AnyServerCall, method: MethodSpec, serving: CallServing): ServerCallState {
  return new GrpcCallState(call, method, serving);
}

/** What the calls of a service share: their logger, and whether client certificates are verified. */
export interface CallServing {
  readonly logger: Logger;
  readonly clientCertificates: boolean;
}

/**
 * The state of one call. The request metadata is converted only when read as a whole (see
 * ReceivedGrpcMetadata): most calls look up a key or two, or none. The signal is made at once: an
 * AbortController costs tens of nanoseconds, less than a shared lazy accessor would (measured:
 * `Object.defineProperty` per context about 0.1 µs, and every `{ ...ctx }` copy then runs the getter).
 */
class GrpcCallState implements ServerCallState {
  readonly ctx: CallContext;
  private readonly controller = new AbortController();
  private headerSent = false;

  constructor(
    private readonly call: AnyServerCall,
    method: MethodSpec,
    { logger, clientCertificates }: CallServing,
  ) {
    const ctx: CallContext & { clientCertificate?: PeerCertificate } = {
      method,
      requestMetadata: new ReceivedGrpcMetadata(call.metadata),
      responseHeader: new Metadata(),
      responseTrailer: new Metadata(),
      deadline: deadlineOf(call.getDeadline()),
      signal: this.controller.signal,
      peer: call.getPeer(),
      transport: "grpc",
      logger,
    };
    // Only mutual TLS has a verified client certificate; other contexts keep one shape.
    const certificate = clientCertificates ? call.getAuthContext().sslPeerCertificate : undefined;
    if (certificate) ctx.clientCertificate = certificate;
    this.ctx = ctx;
    // grpc-js emits "cancelled" both when the client cancels and when it ended the call at the
    // deadline; it also emits it after a normal finish, which dispose() keeps us from seeing.
    // `on`, not `once`: dispose() removes it anyway, and once() wraps it in one more object.
    (call as EventEmitter).on("cancelled", this.onCancelled);
  }

  cancelled(): boolean {
    return this.controller.signal.aborted;
  }

  sendHeader(): void {
    if (this.headerSent) return;
    this.headerSent = true;
    if (this.ctx.responseHeader.size > 0) this.call.sendMetadata(toGrpcMetadata(this.ctx.responseHeader));
  }

  dispose(): void {
    (this.call as EventEmitter).off("cancelled", this.onCancelled);
  }

  private readonly onCancelled = (): void => {
    if (!this.controller.signal.aborted) this.controller.abort(cancelReason(this.ctx.deadline));
  };
}

/**
 * Stands in for the state of a call whose context could not be built, so that the failure is
 * reported and answered like any other: the method is known, the rest is empty ("unknown" peer).
 * Sends no header and holds no listener.
 */
export function setupFailureState(method: MethodSpec, logger: Logger): ServerCallState {
  const ctx: CallContext = {
    method,
    requestMetadata: new Metadata(),
    responseHeader: new Metadata(),
    responseTrailer: new Metadata(),
    deadline: undefined,
    signal: new AbortController().signal,
    peer: "unknown",
    transport: "grpc",
    logger,
  };
  return { ctx, sendHeader: () => {}, dispose: () => {}, cancelled: () => false };
}

/**
 * The error grpc-js sends for a failed call: code, message, trailers and the binary Status. The
 * trailers are `trailer` plus the error's own, except a downstream peer's (see trailersToSend).
 */
export function grpcErrorOf(error: ServiceError, trailer: Metadata): grpc.ServerErrorResponse {
  const metadata = toGrpcMetadata(new Metadata([...trailer, ...trailersToSend(error)]));
  if (error.details.length > 0) {
    metadata.set(STATUS_DETAILS_KEY, toBuffer(encodeStatus(statusFromError(error))));
  }
  return { name: error.name, message: error.message, code: error.code, details: error.message, metadata };
}

function deadlineOf(value: grpc.Deadline): Date | undefined {
  const ms = value instanceof Date ? value.getTime() : value;
  return Number.isFinite(ms) ? new Date(ms) : undefined;
}

function cancelReason(deadline: Date | undefined): ServiceError {
  if (deadline !== undefined && Date.now() >= deadline.getTime() - DEADLINE_SLACK_MS) {
    return new ServiceError(Code.DEADLINE_EXCEEDED, "deadline exceeded");
  }
  return new ServiceError(Code.CANCELLED, "call cancelled by the client");
}
