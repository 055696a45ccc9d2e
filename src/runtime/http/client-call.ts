/**
 * The life of one outgoing HTTP call apart from its bytes: the deadline timer and the caller's
 * signal folded into one AbortSignal for fetch or the WebSocket, and whatever ends the call
 * turned into the {@link ServiceError} the caller sees, the way GrpcConnection reports them.
 */
import { Code } from "../code.js";
import { RemoteServiceError, ServiceError } from "../errors.js";
import { callDeadline, type CallOptions } from "../grpc/client-call.js";
import type { Metadata } from "../metadata.js";

/** Deadline and cancellation of one call. Call {@link CallScope.done} when the call ends. */
export class CallScope {
  readonly #controller = new AbortController();
  readonly #options: CallOptions;
  readonly #onAbort = (): void => this.#controller.abort(this.#options.signal?.reason);
  #timer: NodeJS.Timeout | undefined;
  #deadlineExceeded = false;
  /** When the call gives up, if ever. */
  readonly deadline: Date | undefined;

  /** Throws CANCELLED (or the abort reason) when the caller's signal is already aborted. */
  constructor(options: CallOptions) {
    this.#options = options;
    if (options.signal?.aborted) throw cancelledError(options.signal.reason);
    this.deadline = callDeadline(options);
    if (this.deadline !== undefined) {
      const ms = this.deadline.getTime() - Date.now();
      if (ms <= 0) throw deadlineError();
      this.#timer = setTimeout(() => {
        this.#deadlineExceeded = true;
        this.#controller.abort(deadlineError());
      }, ms);
    }
    options.signal?.addEventListener("abort", this.#onAbort, { once: true });
  }

  /** Aborts when the deadline passes, the caller aborts, or {@link CallScope.abort} is called. */
  get signal(): AbortSignal {
    return this.#controller.signal;
  }

  /** Ends the call from this side (the caller left a stream, or a request source failed). */
  abort(reason?: unknown): void {
    this.#controller.abort(reason);
  }

  /** Releases the timer and the listener on the caller's signal. */
  done(): void {
    clearTimeout(this.#timer);
    this.#options.signal?.removeEventListener("abort", this.#onAbort);
  }

  /**
   * The error the caller sees for a failure: DEADLINE_EXCEEDED after the deadline, the caller's
   * reason (or CANCELLED) after an abort, a ServiceError as it is, anything else UNAVAILABLE
   * (fetch rejects only when the peer could not be reached or the connection broke).
   */
  error(cause: unknown): ServiceError {
    if (this.#deadlineExceeded) return deadlineError();
    if (this.#options.signal?.aborted) return cancelledError(this.#options.signal.reason);
    if (cause instanceof ServiceError) return cause;
    // Aborted on this side: a request source failed, or a hook threw.
    if (this.#controller.signal.aborted) return cancelledError(this.#controller.signal.reason ?? cause);
    return new RemoteServiceError(Code.UNAVAILABLE, describe(cause), { cause });
  }

  /** Runs a header/trailer hook; a hook that throws fails the call with what it threw. */
  hook(hook: ((metadata: Metadata) => void) | undefined, metadata: Metadata): void {
    if (hook === undefined) return;
    try {
      hook(metadata);
    } catch (error) {
      this.abort(error instanceof ServiceError ? error : cancelledError(error));
      throw error instanceof ServiceError ? error : cancelledError(error);
    }
  }
}

function deadlineError(): RemoteServiceError {
  return new RemoteServiceError(Code.DEADLINE_EXCEEDED, "deadline exceeded");
}

/** A deliberate ServiceError stays; anything else is CANCELLED with the reason as cause. */
function cancelledError(reason: unknown): ServiceError {
  if (reason instanceof ServiceError) return reason;
  const message = reason instanceof Error ? `call cancelled: ${reason.message}` : "call cancelled";
  return new RemoteServiceError(Code.CANCELLED, message, { cause: reason });
}

// undici's "fetch failed" hides the reason (ECONNREFUSED...) in `cause`.
function describe(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const inner = error.cause instanceof Error ? `: ${error.cause.message}` : "";
  return error.message + inner;
}
