/**
 * The policies of a service's methods as a TypeScript object literal, for `defineService(Desc,
 * { policies: ... })` in the generated service.ts: the runtime's `MethodPolicy` shape
 * (src/runtime/policy/types.ts), so generated code reads its policies without descriptors.
 */
import type { PolicyModel, ServiceModel } from "../../model/types.js";

/** `, { policies: { getBook: {...} } }`, or "" when no method has a policy. */
export function policyOptionsArg(service: ServiceModel): string {
  const entries = service.methods.flatMap((m) => {
    const literal = policyLiteral(m.policy);
    return literal === undefined ? [] : [`${m.localName}: ${literal}`];
  });
  return entries.length === 0 ? "" : `, { policies: { ${entries.join(", ")} } }`;
}

/** One method's policy, its absent parts left out; undefined when it has none. */
export function policyLiteral(policy: PolicyModel): string | undefined {
  const { retry, rateLimit, circuitBreaker, concurrencyLimit, auth } = policy;
  const data = {
    timeoutMs: policy.timeoutMs,
    retry: retry && { ...retry, budget: { ...retry.budget } },
    rateLimit: rateLimit && { requestsPerSecond: rateLimit.requestsPerSecond, burst: rateLimit.burst, keyMetadata: rateLimit.keyMetadata },
    circuitBreaker,
    concurrencyLimit,
    auth,
  };
  const text = literal(data);
  return text === "{}" ? undefined : text;
}

// JSON with bare keys (every key here is an identifier) and undefined members dropped.
function literal(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(literal).join(", ")}]`;
  if (value !== null && typeof value === "object") {
    const members = Object.entries(value).filter(([, v]) => v !== undefined);
    return `{${members.map(([k, v]) => ` ${k}: ${literal(v)}`).join(",")}${members.length ? " " : ""}}`;
  }
  return JSON.stringify(value);
}
