// The generator emits each method's resolved policy into the generated service.ts, as the
// runtime's MethodPolicy data, so generated servers and clients read it without descriptors.
import { spawnSync } from "node:child_process";
import { readFileSync, rmSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { beforeAll, expect, test } from "vitest";

const root = fileURLToPath(new URL("../..", import.meta.url));
const out = `${root}.tmp/policy-generated`;

beforeAll(() => {
  rmSync(out, { recursive: true, force: true });
  const result = spawnSync(process.execPath, ["bin/gen-svc.js", "generate", "test/policy/fixtures", "-o", out, "--runtime", "file:../.."], { cwd: root, encoding: "utf8" });
  expect(result.stderr).toBe("");
  expect(result.status).toBe(0);
});

test("service.ts passes each method's policy to defineService, absent parts left out", () => {
  const guarded = readFileSync(`${out}/src/gen/guarded/service.ts`, "utf8");
  expect(guarded).toContain("export const guardedSpec = defineService(Guarded, {\n  policies: {\n");
  expect(guarded).toContain("limited: { rateLimit: { requestsPerSecond: 4, burst: 3 } },");
  expect(guarded).toContain('keyedLimited: { rateLimit: { requestsPerSecond: 1, burst: 1, keyMetadata: "x-api-key" } },');
  expect(guarded).toContain("timedOut: { timeoutMs: 200 },");
  expect(guarded).toContain("boundedStream: { concurrencyLimit: { maxConcurrent: 1, maxQueue: 0 } },");
  // A method without a policy has no entry.
  expect(guarded).not.toMatch(/^\s+plain:/m);
});

test("service-level policies reach every method, merged with the method's own, defaults filled in", () => {
  const flaky = readFileSync(`${out}/src/gen/flaky/service.ts`, "utf8");
  const spec = flaky.slice(flaky.indexOf("export const flakySpec"));
  expect(spec).toContain("budget: { maxTokens: 4, tokenRatio: 0.5 }");
  expect(spec.match(/retryableCodes: \["UNAVAILABLE"\]/g)).toHaveLength(5);
  expect(spec).toMatch(/breaker: \{\s+retry: \{\s+maxAttempts: 1,[\s\S]*?circuitBreaker: \{\s+consecutiveFailures: 3,\s+minimumCalls: 10,\s+openDurationMs: 300,\s+halfOpenProbes: 1,\s+windowMs: 10000,/);
});

test("the package with policies type-checks with tsc --strict", () => {
  const result = spawnSync(`${root}node_modules/.bin/tsc`, ["-p", `${out}/tsconfig.json`, "--noEmit"], { encoding: "utf8" });
  expect(result.stdout + result.stderr).toBe("");
  expect(result.status).toBe(0);
});
