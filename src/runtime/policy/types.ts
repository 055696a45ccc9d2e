/**
 * A method's effective policy as the runtime enforces it: plain JSON data, the shape the generator
 * emits into each generated `service.ts` (from `gensvc/options/v1/options.proto`, service and
 * method options merged, defaults filled in) and the shape the `POLICIES` setting overrides.
 * Durations are milliseconds; status codes are google.rpc.Code names ("UNAVAILABLE").
 */

/** Client-side retries with exponential backoff and full jitter (gRFC A6). */
export interface RetryPolicy {
  /** Attempts, the first one included (1 = no retry). */
  readonly maxAttempts: number;
  /** The upper bound of the first backoff. */
  readonly initialBackoffMs: number;
  /** The upper bound of any backoff. */
  readonly maxBackoffMs: number;
  /** How much the bound grows per attempt. */
  readonly backoffMultiplier: number;
  /** Codes that are retried, e.g. `["UNAVAILABLE"]`. */
  readonly retryableCodes: readonly string[];
  /** Retry throttling; default `{ maxTokens: 10, tokenRatio: 0.1 }`. */
  readonly budget?: RetryBudget;
}

/**
 * gRPC retry throttling (gRFC A6): tokens start at `maxTokens`; a failed call takes 1, a successful
 * one gives back `tokenRatio`; retries happen only while the tokens are above `maxTokens / 2`.
 */
export interface RetryBudget {
  readonly maxTokens: number;
  readonly tokenRatio: number;
}

/** A server-side token bucket per instance and method (and per `keyMetadata` value when set). */
export interface RateLimitPolicy {
  readonly requestsPerSecond: number;
  readonly burst: number;
  /** A request metadata key whose value selects the bucket, e.g. `x-api-key`. */
  readonly keyMetadata?: string;
}

/** A client-side circuit breaker per called instance and method. */
export interface CircuitBreakerPolicy {
  /** Opens when this share of the calls in `windowMs` failed (after `minimumCalls`). */
  readonly failureRatio?: number;
  /** Opens after this many failures in a row (used instead of `failureRatio` when set). */
  readonly consecutiveFailures?: number;
  readonly minimumCalls: number;
  readonly openDurationMs: number;
  readonly halfOpenProbes: number;
  readonly windowMs: number;
}

/** A server-side bulkhead per instance and method. */
export interface ConcurrencyLimitPolicy {
  readonly maxConcurrent: number;
  /** Calls that may wait for a slot; 0 rejects every call beyond `maxConcurrent`. */
  readonly maxQueue: number;
}

/** How callers authenticate (enforced by the auth middleware, `gen-svc/runtime` auth). */
export interface AuthPolicy {
  readonly mode: "none" | "jwt" | "api_key" | "mtls";
  /** Scopes the caller must all hold. */
  readonly scopes: readonly string[];
  /** Roles of which the caller must hold one (none listed: any). */
  readonly roles: readonly string[];
}

/** Everything gen-svc's options say about one method; an absent part means no such policy. */
export interface MethodPolicy {
  /** The call's deadline from its start, when the caller sets none or a later one. */
  readonly timeoutMs?: number;
  readonly retry?: RetryPolicy;
  readonly rateLimit?: RateLimitPolicy;
  readonly circuitBreaker?: CircuitBreakerPolicy;
  readonly concurrencyLimit?: ConcurrencyLimitPolicy;
  readonly auth?: AuthPolicy;
}
