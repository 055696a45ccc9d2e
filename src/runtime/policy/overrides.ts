/**
 * Run-time overrides of the contract's policies (the `POLICIES` setting): a JSON object keyed by
 * `pkg.Service` (every method of the service) or `pkg.Service/Method`, each value a part of a
 * {@link MethodPolicy}. They merge over the generated policy as options.proto merges a method's
 * options over its service's: service entry first, then method entry; a scalar replaces, a
 * non-empty list replaces, nested objects merge field by field, `failureRatio` and
 * `consecutiveFailures` replace each other, an `auth` with a `mode` starts afresh, and `null`
 * removes a part (`{"rateLimit": null}` turns the rate limit off).
 */
import type { MethodSpec } from "../spec.js";
import type { CircuitBreakerPolicy, MethodPolicy } from "./types.js";

/** A part of a policy as written in `POLICIES`: any field may be left out; null removes a part. */
export type PolicyOverride = { readonly [K in keyof MethodPolicy]?: PartOverride<NonNullable<MethodPolicy[K]>> | null };

/** A part with every field optional, nested objects (the retry budget) too; lists stay whole. */
type PartOverride<T> = T extends object ? { readonly [K in keyof T]?: T[K] extends readonly unknown[] ? T[K] : PartOverride<T[K]> } : T;

/** `POLICIES` parsed: overrides by `pkg.Service` or `pkg.Service/Method`. */
export type PolicyOverrides = Readonly<Record<string, PolicyOverride>>;

/** The defaults options.proto documents, for parts an override adds to a method. */
const defaults = {
  retry: { maxAttempts: 3, initialBackoffMs: 100, maxBackoffMs: 10_000, backoffMultiplier: 2, retryableCodes: ["UNAVAILABLE"], budget: { maxTokens: 10, tokenRatio: 0.1 } },
  rateLimit: {},
  circuitBreaker: { minimumCalls: 10, openDurationMs: 30_000, halfOpenProbes: 1, windowMs: 10_000 },
  concurrencyLimit: { maxQueue: 0 },
  auth: { scopes: [], roles: [] },
} as const;

/** The method's policy with the overrides for its service and then for itself applied. */
export function applyOverrides(method: Pick<MethodSpec, "serviceName" | "name" | "policy">, overrides: PolicyOverrides): MethodPolicy | undefined {
  const layers = [overrides[method.serviceName], overrides[`${method.serviceName}/${method.name}`]];
  let policy: Record<string, unknown> = { ...method.policy };
  for (const layer of layers) if (layer) policy = mergeLayer(policy, layer);
  return Object.keys(policy).length === 0 ? undefined : (policy as MethodPolicy);
}

function mergeLayer(base: Record<string, unknown>, layer: PolicyOverride): Record<string, unknown> {
  const merged = { ...base };
  for (const [part, value] of Object.entries(layer)) {
    if (value === undefined) continue;
    if (value === null) delete merged[part];
    else if (typeof value !== "object") merged[part] = value;
    else merged[part] = mergePart(part, base[part] as Record<string, unknown> | undefined, value as Record<string, unknown>);
  }
  return merged;
}

function mergePart(part: string, base: Record<string, unknown> | undefined, over: Record<string, unknown>): Record<string, unknown> {
  const start: Record<string, unknown> = { ...(defaults[part as keyof typeof defaults] ?? {}), ...base };
  if (part === "auth" && over.mode !== undefined) return { ...defaults.auth, ...over };
  if (part === "circuitBreaker") tripOver(start, over as Partial<CircuitBreakerPolicy>);
  for (const [key, value] of Object.entries(over)) {
    if (value === undefined || (Array.isArray(value) && value.length === 0)) continue;
    const isObject = typeof value === "object" && value !== null && !Array.isArray(value);
    start[key] = isObject ? { ...(start[key] as object | undefined), ...value } : value;
  }
  if (part === "circuitBreaker" && start.failureRatio === undefined && start.consecutiveFailures === undefined) start.failureRatio = 0.5;
  if (part === "rateLimit" && start.burst === undefined && typeof start.requestsPerSecond === "number") start.burst = Math.max(1, Math.ceil(start.requestsPerSecond));
  return start;
}

// The trip condition is a oneof: setting one clears the other.
function tripOver(start: Record<string, unknown>, over: Partial<CircuitBreakerPolicy>): void {
  if (over.failureRatio !== undefined) delete start.consecutiveFailures;
  if (over.consecutiveFailures !== undefined) delete start.failureRatio;
}
