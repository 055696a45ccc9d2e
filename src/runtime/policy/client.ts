/**
 * Client-side enforcement of the contract's policies, as client middleware reading each method's
 * effective policy (generated `MethodSpec.policy`, overridden by `POLICIES`):
 * - {@link clientTimeout}: a call without a deadline of its own gets `timeoutMs` (capped by its
 *   parent's deadline);
 * - {@link clientRetry}: failed attempts whose code is in `retryableCodes` are retried with
 *   exponential backoff and full jitter, for idempotent methods (`idempotency_level`) or when the
 *   request never left this process, within the retry budget (retry-budget.ts); unary and
 *   server-streaming calls (until their first response);
 * - {@link circuitBreaker}: a cockatiel breaker per target (an address: with discovery, each
 *   instance) and method; while open, calls fail with UNAVAILABLE without a network call. Only
 *   server-side failures (UNAVAILABLE, DEADLINE_EXCEEDED, INTERNAL, UNKNOWN, DATA_LOSS) count;
 *   business errors (NOT_FOUND, INVALID_ARGUMENT, ...) neither trip nor count.
 * The order is timeout, retry, breaker (outermost first): every attempt passes the breaker and
 * all attempts share one deadline.
 */
import type { CircuitBreakerPolicy, IBreaker } from "cockatiel";
import { Code, codeName } from "../code.js";
import { ServiceError } from "../errors.js";
import { earlierDeadline, type ClientMiddleware, type OutgoingCall } from "../outgoing.js";
import { streamsResponses, type MethodSpec } from "../spec.js";
import type { PolicyOverrides } from "./overrides.js";
import { PolicyTable, StateMap } from "./per-method.js";
import { DEFAULT_RETRY_BUDGET, RetryThrottle } from "./retry-budget.js";
import type { CircuitBreakerPolicy as BreakerSettings, RetryPolicy } from "./types.js";
import { cockatiel } from "./cockatiel.js";

/** Options of the client policy middleware. */
export interface ClientPolicyOptions {
  /** The `POLICIES` overrides; default none. */
  overrides?: PolicyOverrides;
  /** Random numbers in [0, 1) for the backoff jitter; default Math.random. */
  random?: () => number;
}

/** The message of the UNAVAILABLE an open breaker answers with (no request was sent). */
export const CIRCUIT_OPEN_MESSAGE = "circuit breaker open";

/** The timeout, retry and circuit breaker middleware, in that order. */
export function clientPolicies(options: ClientPolicyOptions = {}): ClientMiddleware[] {
  return [clientTimeout(options), clientRetry(options), circuitBreaker(options)];
}

/** A connection's chain: its own middleware (outermost), then the policies unless turned off. */
export function withClientPolicies(middleware: readonly ClientMiddleware[] = [], policies: ClientPolicyOptions | false = {}): ClientMiddleware[] {
  return policies === false ? [...middleware] : [...middleware, ...clientPolicies(policies)];
}

/** The default deadline (see the module comment). */
export function clientTimeout(options: ClientPolicyOptions = {}): ClientMiddleware {
  const table = new PolicyTable(options.overrides);
  return (next) => (call, input) => {
    const timeoutMs = table.of(call.method)?.timeoutMs;
    const own = call.options;
    // A deadline equal to the parent's came from the parent, not from the caller.
    const callerChose = own.timeoutMs !== undefined || (own.deadline !== undefined && own.deadline !== own.parent?.deadline);
    if (timeoutMs === undefined || callerChose) return next(call, input);
    const deadline = earlierDeadline(own.deadline, new Date(Date.now() + timeoutMs));
    return next({ ...call, options: { ...own, ...(deadline ? { deadline } : {}) } }, input);
  };
}

/** Retries (see the module comment). */
export function clientRetry(options: ClientPolicyOptions = {}): ClientMiddleware {
  const table = new PolicyTable(options.overrides);
  const random = options.random ?? Math.random;
  const throttles = new StateMap<RetryThrottle>();
  return (next) => (call, input) => {
    const retry = table.of(call.method)?.retry;
    if (retry === undefined || retry.maxAttempts <= 1 || !retriesKind(call.method)) return next(call, input);
    const budget = retry.budget ?? DEFAULT_RETRY_BUDGET;
    const throttle = throttles.get(`${call.method.serviceName}\n${budget.maxTokens}\n${budget.tokenRatio}`, () => new RetryThrottle(budget));
    const attempts = new Attempts(call, retry, throttle, random);
    if (!streamsResponses(call.method)) return attempts.run(() => next(call, input));
    return Promise.resolve(attempts.stream(() => next(call, input) as Promise<AsyncIterable<unknown>>));
  };
}

// A request stream cannot be sent twice without buffering it; those calls are not retried here.
function retriesKind(method: MethodSpec): boolean {
  return method.kind === "unary" || method.kind === "server_streaming";
}

/** The attempts of one call. */
class Attempts {
  private attempt = 0;

  constructor(
    private readonly call: OutgoingCall,
    private readonly policy: RetryPolicy,
    private readonly throttle: RetryThrottle,
    private readonly random: () => number,
  ) {}

  /** Runs `once` until it succeeds or may not be retried. */
  async run<T>(once: () => Promise<T>): Promise<T> {
    while (true) {
      try {
        const result = await once();
        this.throttle.succeeded();
        return result;
      } catch (error) {
        await this.afterFailure(error);
      }
    }
  }

  /** A response stream, retried until its first response arrives. */
  async *stream(open: () => Promise<AsyncIterable<unknown>>): AsyncGenerator<unknown> {
    const { iterator, first } = await this.run(async () => {
      const iterator = (await open())[Symbol.asyncIterator]();
      return { iterator, first: await iterator.next() };
    });
    if (first.done) return;
    yield first.value;
    yield* { [Symbol.asyncIterator]: () => iterator };
  }

  /** Throws `error` unless another attempt may follow; waits the backoff when one may. */
  private async afterFailure(error: unknown): Promise<void> {
    this.attempt++;
    const retryable = error instanceof ServiceError && this.policy.retryableCodes.includes(codeName(error.code));
    if (!retryable) throw error;
    this.throttle.failed();
    const safe = isIdempotent(this.call.method) || neverSent(error);
    if (!safe || this.attempt >= this.policy.maxAttempts || !this.throttle.allowsRetry()) throw error;
    const bound = Math.min(this.policy.initialBackoffMs * this.policy.backoffMultiplier ** (this.attempt - 1), this.policy.maxBackoffMs);
    const delay = this.random() * bound;
    const { deadline, signal } = this.call.options;
    // No time left for another attempt: the caller gets the real failure, not DEADLINE_EXCEEDED.
    if (deadline !== undefined && Date.now() + delay >= deadline.getTime()) throw error;
    await sleep(delay, signal, error);
  }
}

function isIdempotent(method: MethodSpec): boolean {
  return method.idempotency === "idempotent" || method.idempotency === "no_side_effects";
}

/** Whether an error shows the request never left this process (see balance/retry.ts). */
export function neverSent(error: ServiceError): boolean {
  return error.message.startsWith("No connection established") || error.message === "connection closed" || error.message.startsWith(CIRCUIT_OPEN_MESSAGE);
}

function sleep(ms: number, signal: AbortSignal | undefined, lastError: unknown): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(lastError);
    const timer = setTimeout(() => {
      signal?.removeEventListener("abort", onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      reject(lastError);
    };
    signal?.addEventListener("abort", onAbort, { once: true });
  });
}

/** Codes that say the server side failed: they count against the breaker. */
const TRIPPING_CODES: ReadonlySet<Code> = new Set([Code.UNAVAILABLE, Code.DEADLINE_EXCEEDED, Code.INTERNAL, Code.UNKNOWN, Code.DATA_LOSS]);

/** Circuit breakers (see the module comment). */
export function circuitBreaker(options: ClientPolicyOptions = {}): ClientMiddleware {
  const table = new PolicyTable(options.overrides);
  const breakers = new StateMap<CircuitBreakerPolicy>();
  return (next) => (call, input) => {
    const settings = table.of(call.method)?.circuitBreaker;
    if (settings === undefined) return next(call, input);
    const breaker = breakers.get(`${call.target}\n${call.method.path}`, () => createBreaker(settings));
    if (!streamsResponses(call.method)) return guarded(call, () => breaker.execute(() => next(call, input)));
    return Promise.resolve(guardedStream(call, breaker, () => next(call, input) as Promise<AsyncIterable<unknown>>));
  };
}

function createBreaker(settings: BreakerSettings): CircuitBreakerPolicy {
  const { circuitBreaker: cockatielBreaker, ConsecutiveBreaker, handleWhen, SamplingBreaker } = cockatiel();
  const breaker: IBreaker =
    settings.consecutiveFailures !== undefined
      ? new ConsecutiveBreaker(settings.consecutiveFailures)
      : new SamplingBreaker({ threshold: settings.failureRatio ?? 0.5, duration: settings.windowMs, minimumRps: settings.minimumCalls / (settings.windowMs / 1000) });
  const counts = (error: unknown) => error instanceof ServiceError && TRIPPING_CODES.has(error.code) && !error.message.startsWith(CIRCUIT_OPEN_MESSAGE);
  return cockatielBreaker(handleWhen(counts), { breaker, halfOpenAfter: settings.openDurationMs, halfOpenSampling: { calls: settings.halfOpenProbes, threshold: 0 } });
}

/** Runs a guarded attempt; an open breaker becomes UNAVAILABLE. */
async function guarded<T>(call: OutgoingCall, run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (error) {
    if (error instanceof cockatiel().BrokenCircuitError) throw new ServiceError(Code.UNAVAILABLE, `${CIRCUIT_OPEN_MESSAGE} for ${call.method.path} at ${call.target}`, { cause: error });
    throw error;
  }
}

/** A response stream whose start (up to its first response or its end) counts for the breaker. */
async function* guardedStream(call: OutgoingCall, breaker: CircuitBreakerPolicy, open: () => Promise<AsyncIterable<unknown>>): AsyncGenerator<unknown> {
  const { iterator, first } = await guarded(call, () =>
    breaker.execute(async () => {
      const iterator = (await open())[Symbol.asyncIterator]();
      return { iterator, first: await iterator.next() };
    }),
  );
  if (first.done) return;
  yield first.value;
  yield* { [Symbol.asyncIterator]: () => iterator };
}
