/**
 * When a failed attempt may be tried again on another instance, and a request stream that can be
 * replayed to the next attempt.
 *
 * "Never reached the server" with grpc-js: a call whose channel cannot connect is failed by the
 * channel's picker with UNAVAILABLE and details starting `No connection established` (connection
 * refused, reset or timed out before any stream was opened), and a call on a connection closed
 * before it started fails with our own `connection closed`; a call an open circuit breaker refused
 * (policy/client.ts) was never sent either. grpc-js itself already retries
 * streams the server refused (REFUSED_STREAM, e.g. after GOAWAY) transparently. Any other
 * UNAVAILABLE (`Connection dropped`, a handler's UNAVAILABLE while draining) may have reached the
 * handler, so only idempotent methods retry it.
 *
 * A server that goes away abruptly (grpc-js `forceShutdown`, or a proxy resetting streams) resets
 * each open stream with RST_STREAM(CANCEL) before closing the connection; grpc-js reports that as
 * CANCELLED `Call cancelled`, the same status as a cancellation by the caller. When this side did
 * not cancel, {@link asConnectionLoss} makes it the UNAVAILABLE it really is.
 */
import { Code } from "../code.js";
import { RemoteServiceError, ServiceError } from "../errors.js";
import type { MethodSpec } from "../spec.js";
import { neverSent } from "../policy/client.js";

/** Whether an error is UNAVAILABLE, the one code that ejects an instance and may be retried. */
export function isUnavailable(error: unknown): error is ServiceError {
  return error instanceof ServiceError && error.code === Code.UNAVAILABLE;
}

/** grpc-js's details for a stream the peer reset with CANCEL (subchannel-call.ts). */
const PEER_RESET_DETAILS = "Call cancelled";

/**
 * The error a caller sees for an attempt's failure: a reset by the server (not a cancellation by
 * this side, whose errors carry other messages) becomes UNAVAILABLE naming the instance.
 */
export function asConnectionLoss(error: unknown, address: string, signal: AbortSignal | undefined): unknown {
  const resetByPeer = error instanceof ServiceError && error.code === Code.CANCELLED && error.message === PEER_RESET_DETAILS;
  if (!resetByPeer || signal?.aborted) return error;
  return new RemoteServiceError(Code.UNAVAILABLE, `call reset by the server at ${address} (server going away)`, { cause: error, metadata: error.metadata });
}

/** Whether an UNAVAILABLE error shows that no request left this process (see the file comment). */
export function neverReachedServer(error: ServiceError): boolean {
  return neverSent(error);
}

/** Whether a method may run twice without harm (`idempotency_level` NO_SIDE_EFFECTS or IDEMPOTENT). */
export function isIdempotent(method: MethodSpec): boolean {
  return method.idempotency === "idempotent" || method.idempotency === "no_side_effects";
}

/** Whether a failed attempt of `method` may be tried again elsewhere. */
export function mayRetry(method: MethodSpec, error: unknown): boolean {
  return isUnavailable(error) && (isIdempotent(method) || neverReachedServer(error));
}

/** Requests buffered for replay at most; a longer stream is not retried. */
export const MAX_REPLAYED_REQUESTS = 64;

/**
 * A request stream shared by the attempts of one call. Until it is committed (the first response
 * arrived, or more than {@link MAX_REPLAYED_REQUESTS} were taken), every request taken is kept, so
 * a retry sends the same requests again from the start.
 */
export class ReplayableRequests<T> {
  readonly #source: AsyncIterable<T>;
  #iterator: AsyncIterator<T> | undefined;
  #buffer: T[] = [];
  #committed = false;
  #done = false;
  /** The one outstanding pull on the source, shared by whichever attempt asks. */
  #pulling: Promise<{ value: T; buffered: boolean } | undefined> | undefined;

  constructor(source: AsyncIterable<T>) {
    this.#source = source;
  }

  /** Whether a new attempt would still see every request from the first. */
  get replayable(): boolean {
    return !this.#committed;
  }

  /** Stops buffering: the call can no longer be retried. */
  commit(): void {
    // The buffer stays: the committed attempt may not have sent all of it yet.
    this.#committed = true;
  }

  /** The requests for one attempt: those taken so far, then the rest of the source. */
  async *attempt(): AsyncGenerator<T> {
    let index = 0;
    while (true) {
      if (index < this.#buffer.length) {
        yield this.#buffer[index++]!;
        continue;
      }
      if (this.#done) return;
      const pulled = await this.#pull();
      if (pulled === undefined) return;
      if (!pulled.buffered) yield pulled.value;
    }
  }

  /** Ends the source early (the call is over), as a plain call's request pump would. */
  async close(): Promise<void> {
    if (this.#done || !this.#iterator) return;
    this.#done = true;
    await this.#iterator.return?.();
  }

  #pull(): Promise<{ value: T; buffered: boolean } | undefined> {
    this.#pulling ??= this.#next().finally(() => (this.#pulling = undefined));
    return this.#pulling;
  }

  async #next(): Promise<{ value: T; buffered: boolean } | undefined> {
    this.#iterator ??= this.#source[Symbol.asyncIterator]();
    const result = await this.#iterator.next();
    if (result.done) {
      this.#done = true;
      return undefined;
    }
    if (this.#committed) return { value: result.value, buffered: false };
    if (this.#buffer.length >= MAX_REPLAYED_REQUESTS) {
      this.commit();
      return { value: result.value, buffered: false };
    }
    this.#buffer.push(result.value);
    return { value: result.value, buffered: true };
  }
}
