// The fault test of issue 5: three product service processes registered in a real (file-based)
// local registry, and an order service process that finds them by name and balances its
// idempotent product lookups over them, under a bounded load of QuoteOrder calls, while one
// product instance is killed with SIGKILL, one is stopped with SIGTERM and a new one starts. No
// call to order may fail, and the new product instance must get traffic soon after it registers.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, afterEach, beforeAll, expect, test } from "vitest";
import { OrderClient } from "../../generated-samples/ecommerce/ecommerce-order-v1/src/gen/order/grpc-client.js";
import { httpGet, metricSum } from "./probes.js";
import { buildSample, Processes, waitUntil, type BuiltSample, type ServingSample } from "./sample-process.js";

let product: BuiltSample;
let order: BuiltSample;
let registryDir: string;
const processes = new Processes();
const cleanup: Array<() => unknown> = [];

beforeAll(() => {
  product = buildSample("ecommerce/ecommerce-product-v1");
  order = buildSample("ecommerce/ecommerce-order-v1");
  registryDir = mkdtempSync(join(tmpdir(), "gen-svc-fault-"));
});
afterEach(async () => {
  for (const step of cleanup.splice(0).reverse()) await step();
  await processes.killAll();
});
afterAll(() => {
  product?.remove();
  order?.remove();
  rmSync(registryDir, { recursive: true, force: true });
});

function startProduct(): Promise<ServingSample> {
  return processes.startSample(product, { REGISTRY: `local://${registryDir}`, GRACE_PERIOD_MS: "5000" });
}

function startOrder(): Promise<ServingSample> {
  return processes.startSample(order, { REGISTRY: `local://${registryDir}`, GRACE_PERIOD_MS: "5000" });
}

/** Calls served by one instance so far, from its own /metrics. */
async function servedBy(instance: ServingSample): Promise<number> {
  const metrics = await httpGet(`${instance.adminUrl}/metrics`, 2_000);
  return "body" in metrics ? metricSum(metrics.body, "grpc_server_handled_total", { grpc_method: "GetProductById" }) : 0;
}

test("SIGKILL one, SIGTERM one, start one: zero failed calls through order, and the new one serves soon after registering", async () => {
  const [a, b, c] = await Promise.all([startProduct(), startProduct(), startProduct()]);
  const orders = await startOrder();
  const client = new OrderClient(orders.address);
  cleanup.push(() => client.close());
  const cart = { lines: [{ productId: "p-1002", quantity: 1 }] };
  // Order has found all three once each has served one of its lookups.
  await waitUntil(
    async () => {
      await client.quoteOrder(cart, { timeoutMs: 5_000 }).catch(() => undefined);
      return (await Promise.all([a!, b!, c!].map(servedBy))).every((n) => n > 0);
    },
    10_000,
    () => "order to use all three product instances",
    20,
  );

  // Bounded load: 6 callers, at most 15 s or 30,000 calls in all.
  const stats = { ok: 0, failed: [] as string[] };
  const until = performance.now() + 15_000;
  let stop = false;
  const load = Promise.all(
    Array.from({ length: 6 }, async () => {
      while (!stop && performance.now() < until && stats.ok + stats.failed.length < 30_000) {
        try {
          await client.quoteOrder(cart, { timeoutMs: 5_000 });
          stats.ok++;
        } catch (error) {
          stats.failed.push(String(error));
        }
      }
    }),
  );

  await new Promise((resolve) => setTimeout(resolve, 1_500));
  a!.process.child.kill("SIGKILL");
  await new Promise((resolve) => setTimeout(resolve, 1_500));
  b!.process.child.kill("SIGTERM");
  await new Promise((resolve) => setTimeout(resolve, 1_500));
  const d = await startProduct();
  const registered = await d.process.waitForLog((line) => line.msg === "registered", 10_000, 'the "registered" line');
  const registeredAt = Date.parse(String(registered["time"]));
  let firstServedAt: number | undefined;
  await waitUntil(
    async () => {
      if ((await servedBy(d)) > 0) firstServedAt ??= Date.now();
      return firstServedAt !== undefined;
    },
    5_000,
    () => "the new instance to serve a call",
    50,
  );
  await new Promise((resolve) => setTimeout(resolve, 1_500));
  stop = true;
  await load;

  const bExit = await b!.process.waitForExit(10_000);
  const shares = { c: await servedBy(c!), d: await servedBy(d) };
  console.log(
    `fault test: ${stats.ok} QuoteOrder calls OK, ${stats.failed.length} failed; new instance served its first call ` +
      `${firstServedAt! - registeredAt} ms after registering (polled every 50 ms); calls served by the survivor ${shares.c}, by the new one ${shares.d}`,
  );
  expect(stats.failed).toEqual([]);
  expect(stats.ok).toBeGreaterThan(500);
  expect(bExit.code).toBe(0);
  expect(firstServedAt! - registeredAt).toBeLessThanOrEqual(2_000);
  expect(shares.d).toBeGreaterThan(0);
});
