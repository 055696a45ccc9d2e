// POLICIES: parsed and checked when the settings load, merged over the generated policies as
// options.proto merges a method's options over its service's.
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { expect, test } from "vitest";
import { readPolicyOverrides } from "../../src/runtime/config-policy.js";
import { ConfigError, loadServerConfig } from "../../src/runtime/index.js";
import { applyOverrides } from "../../src/runtime/policy/overrides.js";
import type { MethodPolicy } from "../../src/runtime/policy/types.js";

const generated: MethodPolicy = {
  timeoutMs: 1000,
  retry: { maxAttempts: 3, initialBackoffMs: 100, maxBackoffMs: 10_000, backoffMultiplier: 2, retryableCodes: ["UNAVAILABLE"], budget: { maxTokens: 10, tokenRatio: 0.1 } },
  circuitBreaker: { failureRatio: 0.5, minimumCalls: 10, openDurationMs: 30_000, halfOpenProbes: 1, windowMs: 10_000 },
  auth: { mode: "jwt", scopes: ["a"], roles: [] },
};
const method = { serviceName: "shop.v1.Orders", name: "List", policy: generated };

test("service entries apply first, method entries over them, field by field", () => {
  const merged = applyOverrides(method, {
    "shop.v1.Orders": { timeoutMs: 2000, retry: { maxAttempts: 5 } },
    "shop.v1.Orders/List": { retry: { budget: { tokenRatio: 0.5 }, retryableCodes: ["UNAVAILABLE", "ABORTED"] }, circuitBreaker: { consecutiveFailures: 2 } },
    "shop.v1.Orders/Get": { timeoutMs: 1 },
  });
  expect(merged).toEqual({
    timeoutMs: 2000,
    retry: { ...generated.retry, maxAttempts: 5, retryableCodes: ["UNAVAILABLE", "ABORTED"], budget: { maxTokens: 10, tokenRatio: 0.5 } },
    circuitBreaker: { consecutiveFailures: 2, minimumCalls: 10, openDurationMs: 30_000, halfOpenProbes: 1, windowMs: 10_000 },
    auth: generated.auth,
  });
});

test("null removes a part, a new part gets the documented defaults, a new auth mode starts afresh", () => {
  const merged = applyOverrides(method, { "shop.v1.Orders/List": { retry: null, rateLimit: { requestsPerSecond: 2.5 }, concurrencyLimit: { maxConcurrent: 4 }, auth: { mode: "api_key" } } });
  expect(merged).toEqual({
    timeoutMs: 1000,
    circuitBreaker: generated.circuitBreaker,
    rateLimit: { requestsPerSecond: 2.5, burst: 3 },
    concurrencyLimit: { maxConcurrent: 4, maxQueue: 0 },
    auth: { mode: "api_key", scopes: [], roles: [] },
  });
  expect(applyOverrides({ ...method, policy: { timeoutMs: 5 } }, { "shop.v1.Orders": { timeoutMs: null } })).toBeUndefined();
});

test("POLICIES reads inline JSON or a file", () => {
  const dir = mkdtempSync(join(tmpdir(), "policies-"));
  try {
    const file = join(dir, "policies.json");
    writeFileSync(file, '{"a.B/C": {"timeoutMs": 50}}');
    expect(readPolicyOverrides(file)).toEqual({ "a.B/C": { timeoutMs: 50 } });
    expect(readPolicyOverrides(' {"a.B": {"rateLimit": null}} ')).toEqual({ "a.B": { rateLimit: null } });
    expect(loadServerConfig([], { POLICIES: file }).policies).toBe(file);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test.each([
  ['{"a.B": {"retry": {"maxAttempts": 0}}}', 'POLICIES: a.B.retry.maxAttempts must be an integer from 1 to 10, got 0'],
  ['{"a.B": {"rateLimit": {"rps": 1}}}', "POLICIES: a.B.rateLimit.rps is unknown (known: requestsPerSecond, burst, keyMetadata)"],
  ['{"a.B": {"retries": {}}}', "POLICIES: a.B.retries is not a policy part (timeoutMs, retry, rateLimit, circuitBreaker, concurrencyLimit, auth)"],
  ['{"a.B": {"retry": {"budget": {"maxTokens": 5000}}}}', "POLICIES: a.B.retry.budget.maxTokens must be an integer from 1 to 1000, got 5000"],
  ['{"a.B": {"circuitBreaker": {"failureRatio": 2}}}', "POLICIES: a.B.circuitBreaker.failureRatio must be a number in (0, 1], got 2"],
  ['{"a.B": {"auth": {"mode": "basic"}}}', 'POLICIES: a.B.auth.mode must be one of "none", "jwt", "api_key", "mtls", got "basic"'],
  ['{"not a name": {}}', 'POLICIES: "not a name" is not pkg.Service or pkg.Service/Method'],
  ["[1]", "POLICIES: must be a JSON object keyed by pkg.Service or pkg.Service/Method"],
  ["/no/such/policies.json", "POLICIES: cannot read policy overrides: ENOENT: no such file or directory, open '/no/such/policies.json'"],
])("POLICIES=%s is refused", (raw, message) => {
  expect(() => loadServerConfig([], { POLICIES: raw })).toThrow(new ConfigError(message));
});
