/**
 * Outgoing calls as the client side's middleware sees them, and carrying an incoming call's
 * deadline, cancellation and trace into the calls it makes (gRPC's deadline propagation).
 */
import type { CallContext } from "./context.js";
import type { CallOptions } from "./grpc/client-call.js";
import type { MethodSpec } from "./spec.js";

/** One outgoing call: what is called, where, and its options (middleware may replace them). */
export interface OutgoingCall {
  readonly method: MethodSpec;
  /** The address the connection was made for, e.g. `127.0.0.1:50051`. */
  readonly target: string;
  readonly options: CallOptions;
}

/**
 * Makes an outgoing call. A streaming response resolves to an async iterable; a streaming
 * request is passed in as one.
 */
export type ClientEndpoint = (call: OutgoingCall, input: unknown) => Promise<unknown>;

/** Wraps outgoing calls; the first one in a list is the outermost. */
export type ClientMiddleware = (next: ClientEndpoint) => ClientEndpoint;

/** Composes client middleware around `endpoint`; the first one is the outermost. */
export function chainClient(middleware: readonly ClientMiddleware[], endpoint: ClientEndpoint): ClientEndpoint {
  return middleware.reduceRight((inner, wrap) => wrap(inner), endpoint);
}

/** What an outgoing call takes from the incoming call it serves. */
export type ParentCall = Pick<CallContext, "deadline" | "signal" | "traceContext">;

/**
 * Options with the parent's deadline and cancellation folded in: the earlier deadline wins, and
 * the call is cancelled when the parent is (a parent that expired fails it with
 * DEADLINE_EXCEEDED). Options without a parent are returned as they are.
 */
export function inheritParent(options: CallOptions): CallOptions {
  const { parent } = options;
  if (parent === undefined) return options;
  const signal = options.signal ? AbortSignal.any([options.signal, parent.signal]) : parent.signal;
  const deadline = earlierDeadline(options.deadline, parent.deadline);
  return { ...options, signal, ...(deadline ? { deadline } : {}) };
}

/** The earlier of two optional deadlines. */
export function earlierDeadline(a: Date | undefined, b: Date | undefined): Date | undefined {
  if (a === undefined) return b;
  if (b === undefined) return a;
  return a.getTime() <= b.getTime() ? a : b;
}
