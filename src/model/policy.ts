/**
 * gen-svc policies (`gensvc.options.v1.service` / `.method`) -> PolicyModel: read, checked where
 * they are written, merged (the method overrides the service field by field, as options.proto
 * documents), then completed with the documented defaults.
 */
import { create, getOption, hasOption, type DescMethod, type DescService } from "@bufbuild/protobuf";
import {
  AuthMode,
  AuthSchema,
  CircuitBreakerSchema,
  ConcurrencyLimitSchema,
  method as methodOption,
  PolicySchema,
  RateLimitSchema,
  RetryBudgetSchema,
  RetryPolicySchema,
  service as serviceOption,
  type Auth,
  type CircuitBreaker,
  type ConcurrencyLimit,
  type Policy,
  type RateLimit,
  type RetryBudget,
  type RetryPolicy,
} from "./gen/gensvc/options/v1/options_pb.js";
import { checkDeclaredPolicy, durationMs, failAt, policyFields as f, type PolicySite } from "./policy-checks.js";
import type { AuthModel, CircuitBreakerModel, ConcurrencyLimitModel, PolicyModel, RateLimitModel, RetryBudgetModel, RetryPolicyModel } from "./types.js";

/** The service's own policy, as declared (plus defaults): what its methods start from. */
export function servicePolicy(desc: DescService): PolicyModel {
  const site: PolicySite = { desc, option: serviceOption };
  return resolvePolicy(declaredPolicy(site), () => site);
}

/** A method's effective policy: its service's, overridden by its own. */
export function methodPolicy(desc: DescMethod): PolicyModel {
  const serviceSite: PolicySite = { desc: desc.parent, option: serviceOption };
  const methodSite: PolicySite = { desc, option: methodOption };
  const inherited = declaredPolicy(serviceSite);
  const own = declaredPolicy(methodSite);
  // A part the method does not touch is the service's, already checked at the service; a part
  // it touches is reported at the method, where the user changes it.
  const siteOf = (part: keyof PolicyParts) => (own?.[part] !== undefined ? methodSite : serviceSite);
  return resolvePolicy(mergePolicy(inherited, own), siteOf);
}

/** The parts of a policy that merge and resolve on their own. */
type PolicyParts = Pick<Policy, "timeout" | "retry" | "rateLimit" | "circuitBreaker" | "auth" | "concurrencyLimit">;

function declaredPolicy(site: PolicySite): Policy | undefined {
  const { desc, option } = site;
  // Two calls because TypeScript cannot pick the getOption overload from a union of extensions.
  const policy =
    desc.kind === "service"
      ? hasOption(desc, serviceOption) ? getOption(desc, serviceOption) : undefined
      : hasOption(desc, methodOption) ? getOption(desc, methodOption) : undefined;
  if (policy) checkDeclaredPolicy({ desc, option }, policy);
  return policy;
}

function resolvePolicy(policy: Policy | undefined, siteOf: (part: keyof PolicyParts) => PolicySite): PolicyModel {
  return {
    timeoutMs: policy?.timeout ? durationMs(policy.timeout) : undefined,
    retry: policy?.retry && resolveRetry(siteOf("retry"), policy.retry),
    rateLimit: policy?.rateLimit && resolveRateLimit(siteOf("rateLimit"), policy.rateLimit),
    circuitBreaker: policy?.circuitBreaker && resolveCircuitBreaker(policy.circuitBreaker),
    auth: policy?.auth && resolveAuth(siteOf("auth"), policy.auth),
    concurrencyLimit: policy?.concurrencyLimit && resolveConcurrencyLimit(siteOf("concurrencyLimit"), policy.concurrencyLimit),
  };
}

function resolveRetry(site: PolicySite, retry: RetryPolicy): RetryPolicyModel {
  const model: RetryPolicyModel = {
    maxAttempts: retry.maxAttempts ?? 3,
    initialBackoffMs: retry.initialBackoff ? durationMs(retry.initialBackoff) : 100,
    maxBackoffMs: retry.maxBackoff ? durationMs(retry.maxBackoff) : 10_000,
    backoffMultiplier: retry.backoffMultiplier ?? 2,
    retryableCodes: retry.retryableCodes.length > 0 ? [...new Set(retry.retryableCodes)] : ["UNAVAILABLE"],
    budget: resolveBudget(site, retry.budget),
  };
  if (model.initialBackoffMs > model.maxBackoffMs) {
    const [initial, max] = [`${model.initialBackoffMs} ms`, `${model.maxBackoffMs} ms`];
    if (retry.maxBackoff === undefined) {
      failAt(site, [f.retry, f.retryFields.initialBackoff], `(${initial}) must not exceed max_backoff (${max}, the default)`);
    }
    const initialFrom = retry.initialBackoff === undefined ? ", the default" : "";
    failAt(site, [f.retry, f.retryFields.maxBackoff], `(${max}) must not be less than initial_backoff (${initial}${initialFrom})`);
  }
  return model;
}

function resolveBudget(site: PolicySite, budget: RetryBudget | undefined): RetryBudgetModel {
  const model = { maxTokens: budget?.maxTokens ?? 10, tokenRatio: budget?.tokenRatio ?? 0.1 };
  if (model.tokenRatio > model.maxTokens) {
    failAt(site, [f.retry, f.retryFields.budget, f.budgetFields.tokenRatio], `(${model.tokenRatio}) must not exceed max_tokens (${model.maxTokens})`);
  }
  return model;
}

function resolveConcurrencyLimit(site: PolicySite, limit: ConcurrencyLimit): ConcurrencyLimitModel {
  const max = limit.maxConcurrent;
  if (max === undefined) failAt(site, [f.concurrencyLimit, f.concurrencyFields.maxConcurrent], "must be set when concurrency_limit is set");
  return { maxConcurrent: max, maxQueue: limit.maxQueue ?? 0 };
}

function resolveRateLimit(site: PolicySite, limit: RateLimit): RateLimitModel {
  const rps = limit.requestsPerSecond;
  if (rps === undefined) failAt(site, [f.rateLimit, f.rateLimitFields.requestsPerSecond], "must be set when rate_limit is set");
  return { requestsPerSecond: rps, burst: limit.burst ?? Math.max(1, Math.ceil(rps)), keyMetadata: limit.keyMetadata || undefined };
}

function resolveCircuitBreaker(breaker: CircuitBreaker): CircuitBreakerModel {
  const trip = breaker.trip.case === undefined ? ({ case: "failureRatio", value: 0.5 } as const) : breaker.trip;
  return {
    failureRatio: trip.case === "failureRatio" ? trip.value : undefined,
    consecutiveFailures: trip.case === "consecutiveFailures" ? trip.value : undefined,
    minimumCalls: breaker.minimumCalls ?? 10,
    openDurationMs: breaker.openDuration ? durationMs(breaker.openDuration) : 30_000,
    halfOpenProbes: breaker.halfOpenProbes ?? 1,
    windowMs: breaker.window ? durationMs(breaker.window) : 10_000,
  };
}

const authModes = {
  [AuthMode.NONE]: "none",
  [AuthMode.JWT]: "jwt",
  [AuthMode.API_KEY]: "api_key",
  [AuthMode.MTLS]: "mtls",
} as const satisfies Partial<Record<AuthMode, AuthModel["mode"]>>;

function resolveAuth(site: PolicySite, auth: Auth): AuthModel {
  if (auth.mode === AuthMode.UNSPECIFIED) failAt(site, [f.auth, f.authFields.mode], "must be set (AUTH_MODE_NONE, AUTH_MODE_JWT, AUTH_MODE_API_KEY or AUTH_MODE_MTLS)");
  // Unknown numbers were rejected where they were written.
  const mode = authModes[auth.mode as keyof typeof authModes];
  if (mode === "none" && (auth.scopes.length > 0 || auth.roles.length > 0)) {
    const field = auth.scopes.length > 0 ? f.authFields.scopes : f.authFields.roles;
    failAt(site, [f.auth, field], "must be empty when auth.mode is AUTH_MODE_NONE (nobody is authenticated to hold them)");
  }
  return { mode, scopes: [...auth.scopes], roles: [...auth.roles] };
}

/** The method's policy over the service's: see "Merging" in options.proto. */
function mergePolicy(base: Policy | undefined, over: Policy | undefined): Policy | undefined {
  if (!base || !over) return over ?? base;
  return create(PolicySchema, {
    timeout: over.timeout ?? base.timeout,
    retry: mergeParts(base.retry, over.retry, mergeRetry),
    rateLimit: mergeParts(base.rateLimit, over.rateLimit, mergeRateLimit),
    circuitBreaker: mergeParts(base.circuitBreaker, over.circuitBreaker, mergeCircuitBreaker),
    auth: mergeParts(base.auth, over.auth, mergeAuth),
    concurrencyLimit: mergeParts(base.concurrencyLimit, over.concurrencyLimit, mergeConcurrencyLimit),
  });
}

function mergeConcurrencyLimit(base: ConcurrencyLimit, over: ConcurrencyLimit): ConcurrencyLimit {
  return create(ConcurrencyLimitSchema, { maxConcurrent: over.maxConcurrent ?? base.maxConcurrent, maxQueue: over.maxQueue ?? base.maxQueue });
}

function mergeBudget(base: RetryBudget, over: RetryBudget): RetryBudget {
  return create(RetryBudgetSchema, { maxTokens: over.maxTokens ?? base.maxTokens, tokenRatio: over.tokenRatio ?? base.tokenRatio });
}

function mergeParts<T>(base: T | undefined, over: T | undefined, merge: (base: T, over: T) => T): T | undefined {
  return base && over ? merge(base, over) : (over ?? base);
}

function mergeRetry(base: RetryPolicy, over: RetryPolicy): RetryPolicy {
  return create(RetryPolicySchema, {
    maxAttempts: over.maxAttempts ?? base.maxAttempts,
    initialBackoff: over.initialBackoff ?? base.initialBackoff,
    maxBackoff: over.maxBackoff ?? base.maxBackoff,
    backoffMultiplier: over.backoffMultiplier ?? base.backoffMultiplier,
    retryableCodes: listOver(base.retryableCodes, over.retryableCodes),
    budget: mergeParts(base.budget, over.budget, mergeBudget),
  });
}

function mergeRateLimit(base: RateLimit, over: RateLimit): RateLimit {
  return create(RateLimitSchema, {
    requestsPerSecond: over.requestsPerSecond ?? base.requestsPerSecond,
    burst: over.burst ?? base.burst,
    keyMetadata: over.keyMetadata ?? base.keyMetadata,
  });
}

function mergeCircuitBreaker(base: CircuitBreaker, over: CircuitBreaker): CircuitBreaker {
  return create(CircuitBreakerSchema, {
    trip: over.trip.case === undefined ? base.trip : over.trip,
    minimumCalls: over.minimumCalls ?? base.minimumCalls,
    openDuration: over.openDuration ?? base.openDuration,
    halfOpenProbes: over.halfOpenProbes ?? base.halfOpenProbes,
    window: over.window ?? base.window,
  });
}

function mergeAuth(base: Auth, over: Auth): Auth {
  // A method that sets its own mode starts afresh: the service's scopes belong to its mode.
  if (over.mode !== AuthMode.UNSPECIFIED) return over;
  return create(AuthSchema, { mode: base.mode, scopes: listOver(base.scopes, over.scopes), roles: listOver(base.roles, over.roles) });
}

function listOver(base: string[], over: string[]): string[] {
  return over.length > 0 ? over : base;
}
