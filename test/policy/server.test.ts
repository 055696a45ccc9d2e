// Server-side policies declared in the contract, enforced by the generated server started with
// startService, over real sockets: rate limit (gRPC and HTTP), timeout, concurrency limit, and
// the POLICIES override. Clients run with `policies: false` so only the server enforces.
import { afterEach, beforeAll, describe, expect, test } from "vitest";
import { Code, RetryInfoSchema } from "../../src/runtime/index.js";
import { failure, generateDemo, startDemo, wait, type Demo, type DemoPackage } from "./harness.js";

let pkg: DemoPackage;
let demo: Demo | undefined;
const clients: Array<{ close(): void }> = [];

beforeAll(async () => {
  pkg = await generateDemo("policy-server");
});

afterEach(async () => {
  for (const client of clients.splice(0)) client.close();
  await demo?.server.shutdown();
  demo = undefined;
});

async function start(env: Record<string, string> = {}) {
  demo = await startDemo(pkg, { env: { GRACE_PERIOD_MS: "0", ...env } });
  const client = new pkg.GuardedClient(demo.grpc, { policies: false });
  clients.push(client);
  return { demo, client };
}

describe("rate limit", () => {
  test("the burst passes, the next call gets RESOURCE_EXHAUSTED with RetryInfo, tokens come back", async () => {
    const { demo, client } = await start();
    for (let i = 0; i < 3; i++) await client.limited({});
    const refused = await failure(client.limited({}));
    expect(refused.code).toBe(Code.RESOURCE_EXHAUSTED);
    const delay = refused.findDetail(RetryInfoSchema)?.retryDelay;
    // 4 tokens per second: the next one is at most 250 ms away.
    const delayMs = Number(delay?.seconds) * 1000 + (delay?.nanos ?? 0) / 1e6;
    expect(delayMs).toBeGreaterThan(0);
    expect(delayMs).toBeLessThanOrEqual(250);
    expect(demo.observed.count("limited")).toBe(3);
    await wait(delayMs + 20);
    await expect(client.limited({})).resolves.toBeDefined();
    expect(demo.observed.count("limited")).toBe(4);
  });

  test("over HTTP the refusal is a 429 with Retry-After and a Status body", async () => {
    const { demo } = await start();
    const post = () => fetch(`${demo.http}/v1/limited`, { method: "POST", headers: { "content-type": "application/json" }, body: "{}" });
    for (let i = 0; i < 3; i++) expect((await post()).status).toBe(200);
    const refused = await post();
    expect(refused.status).toBe(429);
    expect(refused.headers.get("retry-after")).toBe("1");
    const body = (await refused.json()) as { code: number; details: Array<{ "@type": string }> };
    expect(body.code).toBe(Code.RESOURCE_EXHAUSTED);
    expect(body.details[0]?.["@type"]).toBe("type.googleapis.com/google.rpc.RetryInfo");
  });

  test("a keyed limit keeps one bucket per metadata value", async () => {
    const { client } = await start();
    const as = (key: string) => ({ metadata: { "x-api-key": key } });
    await client.keyedLimited({}, as("alice"));
    await client.keyedLimited({}, as("bob"));
    expect((await failure(client.keyedLimited({}, as("alice")))).code).toBe(Code.RESOURCE_EXHAUSTED);
    expect((await failure(client.keyedLimited({}, as("bob")))).code).toBe(Code.RESOURCE_EXHAUSTED);
  });

  test("POLICIES overrides the contract at run time, and null removes a part", async () => {
    const overrides = { "policydemo.v1.Guarded/Limited": { rateLimit: { burst: 1 } }, "policydemo.v1.Guarded/KeyedLimited": { rateLimit: null } };
    const { client } = await start({ POLICIES: JSON.stringify(overrides) });
    await client.limited({});
    expect((await failure(client.limited({}))).code).toBe(Code.RESOURCE_EXHAUSTED);
    for (let i = 0; i < 5; i++) await client.keyedLimited({});
  });
});

describe("timeout", () => {
  test("the policy's deadline aborts the handler and the caller gets DEADLINE_EXCEEDED", async () => {
    const { demo, client } = await start();
    const started = performance.now();
    const error = await failure(client.timedOut({ delayMs: 5000 }));
    const elapsed = performance.now() - started;
    expect(error.code).toBe(Code.DEADLINE_EXCEEDED);
    expect(elapsed).toBeGreaterThanOrEqual(190);
    expect(elapsed).toBeLessThan(1500);
    await wait(50);
    expect(demo.observed.aborted).toBe(1);
  });

  test("a caller that cancels aborts the handler's signal under the policy's timeout", async () => {
    const { demo, client } = await start();
    const controller = new AbortController();
    const call = failure(client.timedOut({ delayMs: 5000 }, { signal: controller.signal }));
    await wait(50);
    controller.abort();
    expect((await call).code).toBe(Code.CANCELLED);
    // The handler heard it long before the policy's 200 ms deadline.
    await wait(50);
    expect(demo.observed.aborted).toBe(1);
  });

  test("an earlier caller deadline wins over the policy's", async () => {
    const { client } = await start();
    const started = performance.now();
    expect((await failure(client.timedOut({ delayMs: 5000 }, { timeoutMs: 50 }))).code).toBe(Code.DEADLINE_EXCEEDED);
    expect(performance.now() - started).toBeLessThan(190);
  });

  test("over HTTP the policy's timeout is a 504", async () => {
    const { demo } = await start();
    const response = await fetch(`${demo.http}/policydemo.v1.Guarded/TimedOut`, { method: "POST", headers: { "content-type": "application/json" }, body: '{"delayMs": 5000}' });
    expect(response.status).toBe(504);
  });
});

describe("concurrency limit", () => {
  test("two run, one waits, the next is refused at once with RESOURCE_EXHAUSTED", async () => {
    const { demo, client } = await start();
    const calls = [0, 1, 2].map(() => client.bounded({ delayMs: 300 }));
    await wait(50);
    const started = performance.now();
    const refused = await failure(client.bounded({ delayMs: 300 }));
    expect(refused.code).toBe(Code.RESOURCE_EXHAUSTED);
    expect(performance.now() - started).toBeLessThan(150);
    await Promise.all(calls);
    expect(demo.observed.maxRunning).toBe(2);
    expect(demo.observed.count("bounded")).toBe(3);
  });

  test("a queued call whose deadline passes leaves with DEADLINE_EXCEEDED", async () => {
    const { client } = await start();
    const running = [0, 1].map(() => client.bounded({ delayMs: 400 }));
    await wait(50);
    expect((await failure(client.bounded({}, { timeoutMs: 100 }))).code).toBe(Code.DEADLINE_EXCEEDED);
    await Promise.all(running);
    // The slot it would have had is free again.
    await expect(client.bounded({})).resolves.toBeDefined();
  });

  test("a streaming call holds its slot until its stream ends", async () => {
    const { client } = await start();
    const first = client.boundedStream({ delayMs: 300 })[Symbol.asyncIterator]();
    await first.next();
    const second = async () => {
      for await (const _ of client.boundedStream({}));
    };
    expect((await failure(second())).code).toBe(Code.RESOURCE_EXHAUSTED);
    while (!(await first.next()).done);
    await wait(20);
    await expect(second()).resolves.toBeUndefined();
  });
});
