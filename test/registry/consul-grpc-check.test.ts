/**
 * The Consul backend's optional gRPC check, driven through the real `consul` client against the
 * FAKE Consul agent, which runs the check for real: it calls `grpc.health.v1.Health/Check` on the
 * instance's gRPC port (a real grpc-js server with the runtime's health service) every interval.
 * An instance whose process lives (its TTL keeps passing) but whose health says NOT_SERVING, or
 * whose port stops answering, drops out of discovery and comes back when it serves again.
 */
import { afterEach, expect, test } from "vitest";
import { HealthService } from "../../src/runtime/health/health-service.js";
import { serveGrpc, type GrpcServerHandle } from "../../src/runtime/grpc/serve.js";
import { ConsulRegistry } from "../../src/runtime/registry/consul.js";
import { openRegistry } from "../../src/runtime/registry/open.js";
import type { ServiceInstance } from "../../src/runtime/registry/types.js";
import { WatchRecorder } from "./consul-support.js";
import { FakeConsulAgent } from "./fake-consul-agent.js";

const SERVICE = "ecommerce.product.v1.ProductService";
const INTERVAL_MS = 200;

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

/** A real gRPC server serving only the health service for SERVICE. */
async function healthServer(): Promise<{ handle: GrpcServerHandle; health: HealthService }> {
  const health = new HealthService([SERVICE]);
  const handle = await serveGrpc({ host: "127.0.0.1", port: 0, register: (server) => health.addTo(server) });
  cleanups.push(() => handle.shutdown(0));
  return { handle, health };
}

async function setUp(): Promise<{ agent: FakeConsulAgent; registry: ConsulRegistry; watch: WatchRecorder; server: Awaited<ReturnType<typeof healthServer>>; instance: ServiceInstance }> {
  const agent = await FakeConsulAgent.start();
  cleanups.push(() => agent.stop());
  const registry = new ConsulRegistry({ port: agent.port, ttlMs: 600, deregisterCriticalAfterMs: 60_000, blockingWaitMs: 2_000, grpcCheckIntervalMs: INTERVAL_MS });
  cleanups.push(() => registry.close());
  const watch = new WatchRecorder(registry, SERVICE);
  cleanups.push(() => watch.stop());
  const server = await healthServer();
  const instance: ServiceInstance = { service: SERVICE, id: "a", host: "127.0.0.1", ports: { grpc: server.handle.port }, version: "1.0.0", metadata: {} };
  return { agent, registry, watch, server, instance };
}

const has = (id: string) => (ids: readonly string[]) => ids.includes(id);
const lacks = (id: string) => (ids: readonly string[]) => !ids.includes(id);

test("registers a gRPC check beside the TTL check, as Consul's API spells it", async () => {
  const { agent, registry, instance, server } = await setUp();
  await registry.register(instance);
  const registration = agent.requests.find((request) => request.url.startsWith("/v1/agent/service/register"))?.body as { Checks: Array<Record<string, unknown>> };
  expect(registration.Checks.map((check) => Object.keys(check).filter((key) => ["TTL", "GRPC"].includes(key)))).toEqual([["TTL"], ["GRPC"]]);
  expect(registration.Checks[1]).toMatchObject({
    CheckID: `service:${SERVICE}:a:grpc`,
    GRPC: `127.0.0.1:${server.handle.port}/${SERVICE}`,
    GRPCUseTLS: false,
    Interval: `${INTERVAL_MS}ms`,
  });
});

test("NOT_SERVING takes the instance out of discovery while its TTL still passes; SERVING brings it back", async () => {
  const { agent, registry, watch, server, instance } = await setUp();
  await registry.register(instance);
  await watch.until(has("a"), 5_000);

  const notServingAt = performance.now();
  server.health.setStatus(SERVICE, "NOT_SERVING");
  const gone = await watch.until(lacks("a"), 5_000, watch.sets.length);
  const checks = agent.services.get(`${SERVICE}:a`)?.checks.map((check) => [check.kind, check.status]);
  expect(checks).toEqual([
    ["ttl", "passing"],
    ["grpc", "critical"],
  ]);

  const servingAt = performance.now();
  server.health.setStatus(SERVICE, "SERVING");
  const back = await watch.until(has("a"), 5_000, watch.sets.length);
  console.log(`consul gRPC check (interval ${INTERVAL_MS} ms): out of discovery ${Math.round(gone.at - notServingAt)} ms after NOT_SERVING, back ${Math.round(back.at - servingAt)} ms after SERVING`);
  expect(gone.at - notServingAt).toBeLessThan(INTERVAL_MS * 3 + 500);
});

test("a gRPC port that stops answering is critical too, and the registry URL turns the check on", async () => {
  const { registry, watch, server, instance } = await setUp();
  await registry.register(instance);
  await watch.until(has("a"), 5_000);
  await server.handle.shutdown(0);
  await watch.until(lacks("a"), 5_000, watch.sets.length);

  const fromUrl = await openRegistry("consul://127.0.0.1:8500?grpc_check=5");
  cleanups.push(() => fromUrl.close());
  expect(fromUrl).toBeInstanceOf(ConsulRegistry);
  await expect(openRegistry("consul://127.0.0.1:8500?grpc_check=0")).rejects.toThrow(/grpc_check/);
  await expect(openRegistry("consul://127.0.0.1:8500?grpc_check_tls=maybe")).rejects.toThrow(/grpc_check_tls=maybe is not true or false/);
});
