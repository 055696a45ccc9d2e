/**
 * Field-by-field checks of one declared gen-svc policy (`gensvc.options.v1.service` or
 * `.method`), before merging: each bad value is reported where it is written.
 */
import type { DescField, DescMethod, DescService } from "@bufbuild/protobuf";
import type { Duration } from "@bufbuild/protobuf/wkt";
import { GenerationError } from "./errors.js";
import {
  AuthMode,
  AuthModeSchema,
  AuthSchema,
  CircuitBreakerSchema,
  ConcurrencyLimitSchema,
  PolicySchema,
  RateLimitSchema,
  RetryBudgetSchema,
  RetryPolicySchema,
  type Auth,
  type CircuitBreaker,
  type ConcurrencyLimit,
  type Policy,
  type RateLimit,
  type RetryPolicy,
  type method,
  type service,
} from "./gen/gensvc/options/v1/options_pb.js";
import { locate, optionsField } from "./location.js";

/** Where a policy is declared: the service or method, and which of the two options it uses. */
export interface PolicySite {
  desc: DescService | DescMethod;
  option: typeof service | typeof method;
}

/** Shorthands for the option fields, in the order of their messages. */
export const policyFields = {
  timeout: PolicySchema.field.timeout,
  retry: PolicySchema.field.retry,
  rateLimit: PolicySchema.field.rateLimit,
  circuitBreaker: PolicySchema.field.circuitBreaker,
  auth: PolicySchema.field.auth,
  concurrencyLimit: PolicySchema.field.concurrencyLimit,
  retryFields: RetryPolicySchema.field,
  rateLimitFields: RateLimitSchema.field,
  breakerFields: CircuitBreakerSchema.field,
  authFields: AuthSchema.field,
  budgetFields: RetryBudgetSchema.field,
  concurrencyFields: ConcurrencyLimitSchema.field,
} as const;
const f = policyFields;

/**
 * The names `retryable_codes` accepts: google.rpc.Code without OK (a success is never retried).
 * Listed here because the model depends on nothing but protobuf-es (DESIGN.md 1).
 */
export const retryableCodeNames: readonly string[] = [
  "CANCELLED", "UNKNOWN", "INVALID_ARGUMENT", "DEADLINE_EXCEEDED", "NOT_FOUND", "ALREADY_EXISTS",
  "PERMISSION_DENIED", "RESOURCE_EXHAUSTED", "FAILED_PRECONDITION", "ABORTED", "OUT_OF_RANGE",
  "UNIMPLEMENTED", "INTERNAL", "UNAVAILABLE", "DATA_LOSS", "UNAUTHENTICATED",
];

// Node.js timers fire at once (with a warning) for delays above 2^31-1 ms, so no duration the
// runtime waits for may be longer.
const maxTimerMs = 2 ** 31 - 1;
// google/protobuf/duration.proto: about 10,000 years.
const maxDurationSeconds = 315_576_000_000n;

/** Throws a GenerationError naming the option field, at its location (or the nearest known one). */
export function failAt(site: PolicySite, fields: readonly DescField[], message: string, index?: number): never {
  const name = [site.option.typeName, ...fields.map((field) => field.name)].join(".");
  const path = [optionsField(site.desc), site.option.number, ...fields.map((field) => field.number)];
  if (index !== undefined) path.push(index);
  throw new GenerationError(`${name} ${message}`, locate(site.desc, path));
}

/** A Duration in milliseconds (fractions kept: the model does not round what the user wrote). */
export function durationMs(duration: Duration): number {
  return Number(duration.seconds) * 1000 + duration.nanos / 1e6;
}

/** Checks every value written in one policy option. */
export function checkDeclaredPolicy(site: PolicySite, policy: Policy): void {
  if (policy.timeout) checkDuration(site, [f.timeout], policy.timeout);
  if (policy.retry) checkRetry(site, policy.retry);
  if (policy.rateLimit) checkRateLimit(site, policy.rateLimit);
  if (policy.circuitBreaker) checkCircuitBreaker(site, policy.circuitBreaker);
  if (policy.auth) checkAuth(site, policy.auth);
  if (policy.concurrencyLimit) checkConcurrencyLimit(site, policy.concurrencyLimit);
}

function checkConcurrencyLimit(site: PolicySite, limit: ConcurrencyLimit): void {
  const at = (field: DescField) => [f.concurrencyLimit, field];
  if (limit.maxConcurrent !== undefined && limit.maxConcurrent < 1) {
    failAt(site, at(f.concurrencyFields.maxConcurrent), `must be at least 1, got ${limit.maxConcurrent}`);
  }
}

function checkRetry(site: PolicySite, retry: RetryPolicy): void {
  const at = (field: DescField) => [f.retry, field];
  if (retry.maxAttempts !== undefined && (retry.maxAttempts < 1 || retry.maxAttempts > 10)) {
    failAt(site, at(f.retryFields.maxAttempts), `must be between 1 and 10, got ${retry.maxAttempts}`);
  }
  if (retry.initialBackoff) checkDuration(site, at(f.retryFields.initialBackoff), retry.initialBackoff);
  if (retry.maxBackoff) checkDuration(site, at(f.retryFields.maxBackoff), retry.maxBackoff);
  if (retry.backoffMultiplier !== undefined) checkPositive(site, at(f.retryFields.backoffMultiplier), retry.backoffMultiplier);
  retry.retryableCodes.forEach((code, i) => {
    if (retryableCodeNames.includes(code)) return;
    const hint = retryableCodeNames.includes(code.toUpperCase()) ? ` (did you mean "${code.toUpperCase()}"?)` : "";
    const why = code === "OK" ? `must not contain "OK"` : `has an unknown code "${code}"${hint}; known: ${retryableCodeNames.join(", ")}`;
    failAt(site, at(f.retryFields.retryableCodes), why, i);
  });
  const budget = retry.budget;
  const budgetAt = (field: DescField) => [f.retry, f.retryFields.budget, field];
  // gRFC A6 bounds: at most 1000 tokens.
  if (budget?.maxTokens !== undefined && (budget.maxTokens < 1 || budget.maxTokens > 1000)) {
    failAt(site, budgetAt(f.budgetFields.maxTokens), `must be between 1 and 1000, got ${budget.maxTokens}`);
  }
  if (budget?.tokenRatio !== undefined) checkPositive(site, budgetAt(f.budgetFields.tokenRatio), budget.tokenRatio);
}

function checkRateLimit(site: PolicySite, limit: RateLimit): void {
  const at = (field: DescField) => [f.rateLimit, field];
  if (limit.requestsPerSecond !== undefined) checkPositive(site, at(f.rateLimitFields.requestsPerSecond), limit.requestsPerSecond);
  if (limit.burst !== undefined && limit.burst < 1) failAt(site, at(f.rateLimitFields.burst), `must be at least 1, got ${limit.burst}`);
  // gRPC metadata keys are lower case; an upper-case key would never match what arrives.
  if (limit.keyMetadata && !/^[0-9a-z_.-]+$/.test(limit.keyMetadata)) {
    failAt(site, at(f.rateLimitFields.keyMetadata), `must be a metadata key (lower case letters, digits, "-", "_", "."), got "${limit.keyMetadata}"`);
  }
}

function checkCircuitBreaker(site: PolicySite, breaker: CircuitBreaker): void {
  const at = (field: DescField) => [f.circuitBreaker, field];
  const trip = breaker.trip;
  // Written as !(x > 0 && x <= 1) so that NaN fails too.
  if (trip.case === "failureRatio" && !(trip.value > 0 && trip.value <= 1)) {
    failAt(site, at(f.breakerFields.failureRatio), `must be in (0, 1], got ${trip.value}`);
  }
  if (trip.case === "consecutiveFailures" && trip.value < 1) {
    failAt(site, at(f.breakerFields.consecutiveFailures), `must be at least 1, got ${trip.value}`);
  }
  if (breaker.minimumCalls !== undefined && breaker.minimumCalls < 1) {
    failAt(site, at(f.breakerFields.minimumCalls), `must be at least 1, got ${breaker.minimumCalls}`);
  }
  if (breaker.halfOpenProbes !== undefined && breaker.halfOpenProbes < 1) {
    failAt(site, at(f.breakerFields.halfOpenProbes), `must be at least 1, got ${breaker.halfOpenProbes}`);
  }
  if (breaker.openDuration) checkDuration(site, at(f.breakerFields.openDuration), breaker.openDuration);
  if (breaker.window) checkDuration(site, at(f.breakerFields.window), breaker.window);
}

function checkAuth(site: PolicySite, auth: Auth): void {
  const at = (field: DescField) => [f.auth, field];
  // proto3 enums are open: `mode: 7` compiles and arrives as the number 7.
  if (AuthModeSchema.value[auth.mode] === undefined) {
    const known = AuthModeSchema.values.filter((v) => v.number !== AuthMode.UNSPECIFIED).map((v) => v.name);
    failAt(site, at(f.authFields.mode), `has an unknown value ${auth.mode}; known: ${known.join(", ")}`);
  }
  checkWords(site, at(f.authFields.scopes), auth.scopes);
  checkWords(site, at(f.authFields.roles), auth.roles);
}

// Scopes travel space-separated (OAuth 2.0), so a scope with a space in it could never match.
function checkWords(site: PolicySite, fields: DescField[], words: readonly string[]): void {
  words.forEach((word, i) => {
    if (word === "" || /\s/.test(word)) failAt(site, fields, `must not contain empty values or spaces, got "${word}"`, i);
  });
}

function checkPositive(site: PolicySite, fields: DescField[], value: number): void {
  if (!(value > 0 && Number.isFinite(value))) failAt(site, fields, `must be a positive number, got ${value}`);
}

/** A Duration must be well-formed, positive and short enough for a Node.js timer. */
function checkDuration(site: PolicySite, fields: DescField[], duration: Duration): void {
  const { seconds, nanos } = duration;
  const wellFormed =
    seconds <= maxDurationSeconds && seconds >= -maxDurationSeconds && Math.abs(nanos) <= 999_999_999 && !(seconds > 0n && nanos < 0) && !(seconds < 0n && nanos > 0);
  if (!wellFormed) failAt(site, fields, `is not a valid Duration (seconds ${seconds}, nanos ${nanos})`);
  const ms = durationMs(duration);
  if (ms <= 0) failAt(site, fields, `must be positive, got ${ms / 1000}s`);
  if (ms > maxTimerMs) failAt(site, fields, `must be at most ${maxTimerMs} ms (the longest Node.js timer), got ${ms / 1000}s`);
}
