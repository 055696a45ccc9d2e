// Client-side policies declared in the contract, enforced by the generated clients against the
// generated server over real sockets: retries (idempotent only, within the budget), the circuit
// breaker (also per instance behind discovery) and the default deadline.
import { afterEach, beforeAll, describe, expect, test } from "vitest";
import { BalancedConnection, Code, StaticRegistry, staticInstance } from "../../src/runtime/index.js";
import { failure, generateDemo, startDemo, wait, type Demo, type DemoOptions, type DemoPackage } from "./harness.js";

let pkg: DemoPackage;
const demos: Demo[] = [];
const closing: Array<{ close(): void }> = [];

beforeAll(async () => {
  pkg = await generateDemo("policy-client");
});

afterEach(async () => {
  for (const client of closing.splice(0)) client.close();
  for (const demo of demos.splice(0)) await demo.server.shutdown();
});

async function start(options: DemoOptions = {}): Promise<Demo> {
  const demo = await startDemo(pkg, { ...options, env: { GRACE_PERIOD_MS: "0", ...options.env } });
  demos.push(demo);
  return demo;
}

function track<T>(client: T): T {
  closing.push(client as unknown as { close(): void });
  return client;
}

describe("retry", () => {
  test("an idempotent call succeeds after two injected UNAVAILABLE failures", async () => {
    const demo = await start();
    const client = track(new pkg.FlakyClient(demo.grpc));
    await expect(client.read({ id: "r1", failFirst: 2 })).resolves.toMatchObject({ attempt: 3 });
    expect(demo.observed.count("read")).toBe(3);
  });

  test("a method that is not idempotent is not retried", async () => {
    const demo = await start();
    const client = track(new pkg.FlakyClient(demo.grpc));
    expect((await failure(client.write({ id: "w1", failFirst: 2 }))).code).toBe(Code.UNAVAILABLE);
    expect(demo.observed.count("write")).toBe(1);
  });

  test("codes not listed are not retried", async () => {
    const demo = await start();
    const client = track(new pkg.FlakyClient(demo.grpc));
    expect((await failure(client.read({ mode: "internal" }))).code).toBe(Code.INTERNAL);
    expect(demo.observed.count("read")).toBe(1);
  });

  test("the generated HTTP client retries too", async () => {
    const demo = await start();
    const client = track(new pkg.FlakyHttpClient(demo.http));
    await expect(client.read({ id: "h1", failFirst: 2 })).resolves.toMatchObject({ attempt: 3 });
  });

  test("the budget caps retries under a total outage", async () => {
    const demo = await start();
    const budgeted = track(new pkg.FlakyClient(demo.grpc));
    // max_attempts 5, budget max_tokens 4: the first call's two failures bring the tokens to 2
    // (half), after which no call is retried.
    for (let i = 0; i < 10; i++) expect((await failure(budgeted.budgetedRead({ mode: "unavailable" }))).code).toBe(Code.UNAVAILABLE);
    expect(demo.observed.count("budgetedRead")).toBe(2 + 9);
    // The same outage with a budget too large to bite: every call makes its five attempts.
    const overrides = { "policydemo.v1.Flaky/BudgetedRead": { retry: { budget: { maxTokens: 1000 } } } };
    const unbounded = track(new pkg.FlakyClient(demo.grpc, { policies: { overrides } }));
    for (let i = 0; i < 10; i++) await failure(unbounded.budgetedRead({ mode: "unavailable" }));
    expect(demo.observed.count("budgetedRead")).toBe(11 + 50);
  });
});

describe("circuit breaker", () => {
  test("opens after the threshold, fails fast while open, closes after a half-open success", async () => {
    const demo = await start();
    const client = track(new pkg.FlakyClient(demo.grpc));
    for (let i = 0; i < 3; i++) expect((await failure(client.breaker({ mode: "internal" }))).code).toBe(Code.INTERNAL);
    const started = performance.now();
    const fast = await failure(client.breaker({}));
    expect(fast.code).toBe(Code.UNAVAILABLE);
    expect(fast.message).toContain("circuit breaker open");
    expect(performance.now() - started).toBeLessThan(50);
    expect(demo.observed.count("breaker")).toBe(3);
    await wait(350);
    await expect(client.breaker({})).resolves.toBeDefined();
    await expect(client.breaker({})).resolves.toBeDefined();
    expect(demo.observed.count("breaker")).toBe(5);
  });

  test("a failing half-open probe opens it again", async () => {
    const demo = await start();
    const client = track(new pkg.FlakyClient(demo.grpc));
    for (let i = 0; i < 3; i++) await failure(client.breaker({ mode: "internal" }));
    await wait(350);
    expect((await failure(client.breaker({ mode: "internal" }))).code).toBe(Code.INTERNAL);
    expect((await failure(client.breaker({}))).message).toContain("circuit breaker open");
    expect(demo.observed.count("breaker")).toBe(4);
  });

  test("business errors do not trip it", async () => {
    const demo = await start();
    const client = track(new pkg.FlakyClient(demo.grpc));
    for (let i = 0; i < 6; i++) expect((await failure(client.breaker({ mode: "not_found" }))).code).toBe(Code.NOT_FOUND);
    await expect(client.breaker({})).resolves.toBeDefined();
    expect(demo.observed.count("breaker")).toBe(7);
  });

  test("behind discovery each instance has its own breaker: a failing one is skipped", async () => {
    const failing = await start({ failAll: Code.INTERNAL });
    const healthy = await start();
    const registry = new StaticRegistry([failing, healthy].map((d) => staticInstance("policydemo.v1.Flaky", "127.0.0.1", d.server.grpcPort)));
    const connection = track(new BalancedConnection("policydemo.v1.Flaky", registry, { balancer: "round-robin" }));
    const client = new pkg.FlakyClient(connection);
    // One call after another: each failure is recorded before the next call picks an instance (calls
    // staggered by a timer raced the failures on a loaded machine and let more through).
    const results: PromiseSettledResult<unknown>[] = [];
    for (let i = 0; i < 20; i++) results.push(...(await Promise.allSettled([client.breaker({})])));
    // Three INTERNAL failures open the failing instance's breaker; from then on its turns are
    // refused without a call and go to the healthy instance.
    expect(failing.observed.count("breaker")).toBe(3);
    expect(results.filter((r) => r.status === "rejected")).toHaveLength(3);
    expect(healthy.observed.count("breaker")).toBe(17);
  });
});

describe("timeout", () => {
  test("a call without a deadline gets the policy's", async () => {
    const demo = await start();
    const client = track(new pkg.FlakyClient(demo.grpc));
    const started = performance.now();
    expect((await failure(client.clientTimeout({ delayMs: 5000 }))).code).toBe(Code.DEADLINE_EXCEEDED);
    const elapsed = performance.now() - started;
    expect(elapsed).toBeGreaterThanOrEqual(140);
    expect(elapsed).toBeLessThan(1000);
    await wait(50);
    expect(demo.observed.aborted).toBe(1);
  });

  test("the caller's own timeout wins over the policy's on the client", async () => {
    // The server enforces the policy's timeout whatever the caller asks; turned off there, a
    // caller that chose a longer deadline gets it.
    const demo = await start({ env: { POLICIES: '{"policydemo.v1.Flaky/ClientTimeout": {"timeoutMs": null}}' } });
    const client = track(new pkg.FlakyClient(demo.grpc));
    await expect(client.clientTimeout({ delayMs: 300 }, { timeoutMs: 2000 })).resolves.toBeDefined();
  });
});
