/**
 * The life of one outgoing gRPC call: options to grpc-js, header/trailer hooks, cancellation,
 * request pumping with back-pressure, response reading, and errors as {@link RemoteServiceError}.
 */
import * as grpc from "@grpc/grpc-js";
import type { EventEmitter } from "node:events";
import type { Readable, Writable } from "node:stream";
import { Code } from "../code.js";
import { RemoteServiceError, ServiceError } from "../errors.js";
import { Metadata, type MetadataInit } from "../metadata.js";
import { earlierDeadline, type ParentCall } from "../outgoing.js";
import { errorFromStatus, STATUS_DETAILS_KEY } from "../status.js";
import { fromGrpcMetadata, getBinary, toGrpcMetadata } from "./metadata.js";
import { drained } from "./streams.js";

/** Per-call options of {@link GrpcConnection} methods. */
export interface CallOptions {
  /** Give up after this many milliseconds (DEADLINE_EXCEEDED); with `deadline`, the earlier wins. */
  timeoutMs?: number;
  /** Give up at this time (DEADLINE_EXCEEDED). */
  deadline?: Date;
  /** Request metadata. */
  metadata?: MetadataInit;
  /** Aborting cancels the call; it then fails with CANCELLED and the abort reason as `cause`. */
  signal?: AbortSignal;
  /** Receives the response header metadata when it arrives. */
  onHeader?(metadata: Metadata): void;
  /** Receives the trailers when the call ends, successfully or not. */
  onTrailer?(metadata: Metadata): void;
  /**
   * The incoming call this call is made for (a handler's `ctx`): its deadline caps this call's,
   * its cancellation cancels this call, and its trace continues in this one.
   */
  parent?: ParentCall;
}

/** A grpc-js client call of any kind: all of them can be cancelled and emit events. */
type GrpcCall = grpc.ClientUnaryCall | grpc.ClientReadableStream<unknown> | grpc.ClientWritableStream<unknown> | grpc.ClientDuplexStream<unknown, unknown>;

/** What the pieces of one call share. */
export interface CallTracker {
  /** Aborts when the call has its status: stop writing requests. */
  readonly finished: AbortSignal;
  /** Ends the call because something on this side failed; the call then fails with it. */
  fail(reason: unknown): void;
  /** The error the caller sees for what grpc-js reported. */
  toError(error: unknown): ServiceError;
}

/** The grpc-js metadata and options of a call; throws for invalid metadata. */
export function grpcCallArgs(options: CallOptions): { metadata: grpc.Metadata; callOptions: grpc.CallOptions } {
  const deadline = callDeadline(options);
  return {
    metadata: options.metadata === undefined ? new grpc.Metadata() : toGrpcMetadata(new Metadata(options.metadata)),
    callOptions: deadline === undefined ? {} : { deadline },
  };
}

/** The error for a call whose signal was aborted before it started, or undefined. */
export function abortedBeforeStart(options: CallOptions): ServiceError | undefined {
  const { signal } = options;
  return signal?.aborted ? failureError(signal.reason) : undefined;
}

/** The reason of a tracker's `finished` signal: one value, so no DOMException is made per call. */
const CALL_ENDED = "call ended";

/** Hooks up header/trailer callbacks and the abort signal of a started call. */
export function trackCall(call: GrpcCall, options: CallOptions): CallTracker {
  return new TrackedCall(call, options);
}

/** grpc-js (and Node's stream machinery) can emit "error" after the caller stopped listening. */
function ignoreError(): void {}

/**
 * One call's tracker. A class, not an object literal with a getter and closures: a literal's
 * getter is a new function per call and gives each tracker its own hidden class, which cost about
 * 0.7 µs per call (measured in isolation), several times a whole middleware layer.
 */
class TrackedCall implements CallTracker {
  // Made only when asked for (a request stream's pump): an AbortController per unary call, and
  // the DOMException its abort() creates, were a tenth of a client's CPU per call.
  #done: AbortController | undefined;
  #ended = false;
  #failure: unknown;
  #onAbort: (() => void) | undefined;

  constructor(
    private readonly call: GrpcCall,
    private readonly options: CallOptions,
  ) {
    // Every kind of call is an EventEmitter; the union of their overloads is not callable.
    const events: EventEmitter = call;
    // Errors reach callers through callbacks and iterators; an unheard "error" would crash.
    events.on("error", ignoreError);
    if (options.onHeader) events.on("metadata", (md: grpc.Metadata) => this.#invokeHook(options.onHeader, md));
    events.on("status", (status: grpc.StatusObject) => this.#onStatus(status));
    if (options.signal) options.signal.addEventListener("abort", (this.#onAbort = () => this.fail(options.signal?.reason)), { once: true });
  }

  get finished(): AbortSignal {
    if (this.#done === undefined) {
      this.#done = new AbortController();
      if (this.#ended) this.#done.abort(CALL_ENDED);
    }
    return this.#done.signal;
  }

  fail(reason: unknown): void {
    this.#failure ??= reason;
    this.call.cancel();
  }

  toError(error: unknown): ServiceError {
    return this.#failure === undefined ? statusError(error) : failureError(this.#failure);
  }

  #onStatus(status: grpc.StatusObject): void {
    if (this.#onAbort) this.options.signal?.removeEventListener("abort", this.#onAbort);
    this.#ended = true;
    this.#done?.abort(CALL_ENDED);
    this.#invokeHook(this.options.onTrailer, status.metadata);
  }

  #invokeHook(hook: ((md: Metadata) => void) | undefined, metadata: grpc.Metadata): void {
    if (!hook) return;
    try {
      hook(fromGrpcMetadata(metadata));
    } catch (error) {
      // A throwing hook runs inside grpc-js's event dispatch, where it would crash the process.
      this.fail(error);
    }
  }
}

/**
 * Writes requests as the server takes them (waiting for "drain" when grpc-js's buffer is full),
 * then half-closes. If the source throws, the call is cancelled and fails with that error.
 */
export async function pumpRequests(call: Writable, requests: AsyncIterable<unknown>, tracker: CallTracker): Promise<void> {
  try {
    for await (const request of requests) {
      if (tracker.finished.aborted) return;
      if (!call.write(request) && !(await drained(call, tracker.finished))) return;
    }
    call.end();
  } catch (error) {
    tracker.fail(error);
  }
}

/** The responses of a streaming call; leaving the loop early cancels the call. */
export async function* receiveResponses<O>(call: Readable & { cancel(): void }, tracker: CallTracker): AsyncGenerator<O> {
  let ended = false;
  try {
    for await (const message of call) yield message as O;
    ended = true;
  } catch (error) {
    ended = true;
    throw tracker.toError(error);
  } finally {
    if (!ended) call.cancel();
  }
}

/** When a call gives up: the earlier of its `deadline` and `timeoutMs` from now, if either is set. */
export function callDeadline(options: CallOptions): Date | undefined {
  const fromTimeout = options.timeoutMs === undefined ? undefined : new Date(Date.now() + options.timeoutMs);
  return earlierDeadline(options.deadline, fromTimeout);
}

/** A status received from the server (grpc-js hands it over as an Error with code/details/metadata). */
function statusError(error: unknown): ServiceError {
  if (!isGrpcStatusError(error)) return localError(error);
  const trailers = fromGrpcMetadata(error.metadata);
  return errorFromStatus(error.code, error.details, trailers, getBinary(error.metadata, STATUS_DETAILS_KEY));
}

/** The error of a call this side ended: a deliberate ServiceError stays; anything else is CANCELLED. */
function failureError(reason: unknown): ServiceError {
  if (reason instanceof ServiceError) return reason;
  const message = reason instanceof Error ? `call cancelled: ${reason.message}` : "call cancelled";
  return new RemoteServiceError(Code.CANCELLED, message, { cause: reason });
}

/**
 * A failure on this side before anything was sent. Unlike a server, a client has no one to hide
 * internals from, so the message is kept.
 */
export function localError(error: unknown): ServiceError {
  if (error instanceof ServiceError) return error;
  const message = error instanceof Error ? error.message : String(error);
  return new RemoteServiceError(Code.INTERNAL, message, { cause: error });
}

function isGrpcStatusError(error: unknown): error is grpc.ServiceError {
  return error instanceof Error && typeof (error as Partial<grpc.ServiceError>).code === "number" && "details" in error;
}
