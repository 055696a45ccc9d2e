/**
 * Watching one call from the endpoint layer, whatever its kind: when it ends and with which
 * status, and how many messages went each way. Logging, metrics and tracing all build on this, so
 * the four call kinds are handled in one place: a streaming call ends when its response stream
 * does, not when the endpoint returns the stream.
 */
import { Code } from "../code.js";
import type { CallContext } from "../context.js";
import type { Endpoint } from "../endpoint.js";
import { ServiceError } from "../errors.js";
import { streamsRequests, streamsResponses, type MethodSpec } from "../spec.js";

/** What an observer hears about one call. */
export interface CallObserver {
  /** A request message was taken by the handler (once for a unary request). */
  received?(): void;
  /** A response message was produced (once for a unary response). */
  sent?(): void;
  /** The call is over; `error` is undefined when it succeeded. Called exactly once. */
  end(error: ServiceError | undefined): void;
}

/** The part of a call an observer needs: its kind and the signal that says it was cancelled. */
export interface ObservedCall {
  readonly method: Pick<MethodSpec, "kind">;
  readonly signal?: AbortSignal | undefined;
}

/** Calls `next` (a server endpoint) and reports the call's messages and end to `observer`. */
export function observeCall(ctx: CallContext, input: unknown, next: Endpoint, observer: CallObserver): Promise<unknown> {
  return observe(ctx, (observedInput) => next(ctx, observedInput), input, observer);
}

/**
 * Runs a call (`run` gets the input to pass on) and reports its messages and end to `observer`;
 * for clients as for servers.
 */
export async function observe(
  ctx: ObservedCall,
  run: (input: unknown) => Promise<unknown>,
  input: unknown,
  observer: CallObserver,
): Promise<unknown> {
  const requestStream = streamsRequests(ctx.method);
  const observedInput = requestStream ? countEach(input as AsyncIterable<unknown>, observer) : input;
  if (!requestStream) observer.received?.();
  let output: unknown;
  try {
    output = await run(observedInput);
  } catch (error) {
    observer.end(endError(ctx, error));
    throw error;
  }
  // Only a response stream can end in more than one way; a unary answer ends here, once.
  if (streamsResponses(ctx.method)) return watchResponses(ctx, output as AsyncIterable<unknown>, observer, once(observer.end.bind(observer)));
  observer.sent?.();
  // A handler may finish after its caller cancelled; the caller saw the cancellation.
  observer.end(ctx.signal?.aborted ? endError(ctx, undefined) : undefined);
  return output;
}

/** The error a call ended with: a cancelled or expired call ends with why, whatever was thrown. */
function endError(ctx: ObservedCall, thrown: unknown): ServiceError {
  return ServiceError.from(ctx.signal?.aborted ? ctx.signal.reason : thrown);
}

async function* watchResponses(
  ctx: ObservedCall,
  responses: AsyncIterable<unknown>,
  observer: CallObserver,
  ending: (error: ServiceError | undefined) => void,
): AsyncGenerator<unknown> {
  let finished = false;
  try {
    for await (const message of responses) {
      observer.sent?.();
      yield message;
    }
    finished = true;
    ending(ctx.signal?.aborted ? endError(ctx, undefined) : undefined);
  } catch (error) {
    finished = true;
    ending(endError(ctx, error));
    throw error;
  } finally {
    // The transport stopped reading: the caller went away.
    if (!finished) ending(ctx.signal?.aborted ? endError(ctx, undefined) : new ServiceError(Code.CANCELLED, "response stream closed early"));
  }
}

async function* countEach<T>(source: AsyncIterable<T>, observer: CallObserver): AsyncGenerator<T> {
  for await (const message of source) {
    observer.received?.();
    yield message;
  }
}

function once<A>(fn: (arg: A) => void): (arg: A) => void {
  let called = false;
  return (arg) => {
    if (called) return;
    called = true;
    fn(arg);
  };
}
