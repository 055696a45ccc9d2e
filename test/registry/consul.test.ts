/**
 * The Consul registry backend, driven through the real `consul` npm client against a FAKE Consul
 * agent (test/registry/fake-consul-agent.ts; no real agent can be installed here). Short TTLs keep
 * the tests quick; the timings measured are printed.
 */
import { afterEach, describe, expect, it } from "vitest";
import { ConfigError } from "../../src/runtime/config.js";
import { ConsulRegistry, type ConsulRegistryOptions } from "../../src/runtime/registry/consul.js";
import { openRegistry as openRegistryUrl } from "../../src/runtime/registry/open.js";
import type { ServiceInstance } from "../../src/runtime/registry/types.js";
import { killAndWait, spawnTypeScript, waitForLine, WatchRecorder } from "./consul-support.js";
import { FakeConsulAgent } from "./fake-consul-agent.js";

const SERVICE = "ecommerce.product.v1.ProductService";
const TTL_MS = 600;
const CRITICAL_MS = 1_000;

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function startAgent(port?: number): Promise<FakeConsulAgent> {
  const agent = await FakeConsulAgent.start(port === undefined ? {} : { port });
  cleanups.push(() => agent.stop());
  return agent;
}

function openRegistry(agent: FakeConsulAgent, options: ConsulRegistryOptions = {}): ConsulRegistry {
  const registry = new ConsulRegistry({
    port: agent.port,
    ttlMs: TTL_MS,
    deregisterCriticalAfterMs: CRITICAL_MS,
    blockingWaitMs: 2_000,
    retryInitialMs: 50,
    retryMaxMs: 400,
    ...options,
  });
  cleanups.push(() => registry.close());
  return registry;
}

function follow(registry: ConsulRegistry): WatchRecorder {
  const recorder = new WatchRecorder(registry, SERVICE);
  cleanups.push(() => recorder.stop());
  return recorder;
}

function instance(id: string): ServiceInstance {
  return { service: SERVICE, id, host: "127.0.0.1", ports: { grpc: 50_051, http: 8_081 }, version: "1.2.3", metadata: { zone: "eu-1", weight: "3" } };
}

/** The agent's record of instance `id` of SERVICE. */
const stored = (agent: FakeConsulAgent, id: string) => agent.services.get(`${SERVICE}:${id}`);

const has = (id: string) => (ids: readonly string[]) => ids.includes(id);
const lacks = (id: string) => (ids: readonly string[]) => !ids.includes(id);

describe("Consul registry (fake agent, real client)", () => {
  it("registers with a TTL check and DeregisterCriticalServiceAfter; a watcher sees the instance with every field", async () => {
    const agent = await startAgent();
    const watcher = follow(openRegistry(agent));
    await watcher.until((ids) => ids.length === 0, 2_000);
    await openRegistry(agent).register(instance("a"));

    const seen = await watcher.until(has("a"), 2_000);
    expect(seen.instances).toEqual([instance("a")]);
    const registration = agent.requests.find((request) => request.url === "/v1/agent/service/register");
    expect(registration?.body).toMatchObject({
      ID: `${SERVICE}:a`,
      Name: SERVICE,
      Address: "127.0.0.1",
      Port: 50_051,
      Meta: { zone: "eu-1", weight: "3", "gen-svc-id": "a", "gen-svc-version": "1.2.3", "gen-svc-port-grpc": "50051", "gen-svc-port-http": "8081" },
      Checks: [{ CheckID: `service:${SERVICE}:a:ttl`, TTL: "600ms", DeregisterCriticalServiceAfter: "1000ms", Status: "passing" }],
    });
    // The heartbeat keeps it passing well beyond one TTL.
    await new Promise((resolve) => setTimeout(resolve, TTL_MS * 2));
    expect(stored(agent, "a")?.checks[0]?.status).toBe("passing");
    expect(watcher.latest?.ids).toEqual(["a"]);
    const passes = agent.requests.filter((request) => decodeURIComponent(request.url) === `/v1/agent/check/pass/service:${SERVICE}:a:ttl`);
    expect(passes.length).toBeGreaterThanOrEqual(4);
    expect(agent.requests.some((request) => request.url.startsWith(`/v1/health/service/${SERVICE}?`) && request.url.includes("passing=true") && request.url.includes("index="))).toBe(true);
  });

  it("a killed registrar turns critical within the TTL, drops out of the watch, and is removed after the critical period", async () => {
    const agent = await startAgent();
    const watcher = follow(openRegistry(agent));
    const child = spawnTypeScript("./consul-registrar-child.ts", {
      CONSUL_PORT: String(agent.port),
      INSTANCE_ID: "crashing",
      SERVICE,
      TTL_MS: String(TTL_MS),
      CRITICAL_MS: String(CRITICAL_MS),
    });
    cleanups.push(() => killAndWait(child, "SIGKILL"));
    await waitForLine(child, "registered", 15_000);
    const seen = await watcher.until(has("crashing"), 2_000);

    await new Promise((resolve) => setTimeout(resolve, TTL_MS)); // it stays while the child passes its check
    expect(watcher.latest?.ids).toContain("crashing");
    const killedAt = performance.now();
    await killAndWait(child, "SIGKILL");
    const gone = await watcher.until(lacks("crashing"), TTL_MS + 1_000, watcher.sets.indexOf(seen));
    const goneAfterMs = gone.at - killedAt;
    // Critical, not yet removed: the passing filter is what hides it.
    expect(stored(agent, "crashing")?.checks[0]?.status).toBe("critical");
    expect(goneAfterMs).toBeLessThan(TTL_MS + 300);

    const deadline = performance.now() + CRITICAL_MS + 1_000;
    while (stored(agent, "crashing") !== undefined && performance.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 20));
    const critical = agent.events.find((event) => event.kind === "critical" && event.serviceId === `${SERVICE}:crashing`);
    const reaped = agent.events.find((event) => event.kind === "reaped" && event.serviceId === `${SERVICE}:crashing`);
    expect(stored(agent, "crashing") !== undefined).toBe(false);
    expect(critical && reaped && reaped.at - critical.at).toBeGreaterThanOrEqual(CRITICAL_MS);
    console.info(
      `consul: killed registrar gone from the watch after ${goneAfterMs.toFixed(0)} ms (TTL ${TTL_MS} ms); ` +
        `removed by the agent ${((reaped?.at ?? 0) - (critical?.at ?? 0)).toFixed(0)} ms after turning critical (period ${CRITICAL_MS} ms)`,
    );
  });

  it("one id registered for two services gives two Consul services, each found under its name", async () => {
    const agent = await startAgent();
    const registrar = openRegistry(agent);
    const other = { ...instance("shared"), service: "ecommerce.order.v1.OrderService" };
    await registrar.register(instance("shared"));
    await registrar.register(other);
    expect(agent.services.size).toBe(2);
    const products = follow(openRegistry(agent));
    const orders = new WatchRecorder(openRegistry(agent), other.service);
    cleanups.push(() => orders.stop());
    expect((await products.until(has("shared"), 2_000)).instances).toEqual([instance("shared")]);
    expect((await orders.until(has("shared"), 2_000)).instances).toEqual([other]);
  });

  it("deregister and close are seen promptly", async () => {
    const agent = await startAgent();
    const watcher = follow(openRegistry(agent));
    const registrar = openRegistry(agent);
    await registrar.register(instance("a"));
    await registrar.register(instance("b"));
    await watcher.until((ids) => ids.join() === "a,b", 2_000);

    const started = performance.now();
    await registrar.deregister(instance("a"));
    const afterDeregister = await watcher.until((ids) => ids.join() === "b", 1_000);
    await registrar.close();
    const afterClose = await watcher.until((ids) => ids.length === 0, 1_000, watcher.sets.indexOf(afterDeregister));
    expect(agent.services.size).toBe(0);
    expect(afterDeregister.at - started).toBeLessThan(300);
    // Deregistering something the agent no longer knows is not an error.
    await openRegistry(agent).deregister(instance("a"));
    console.info(`consul: deregister seen by the watch after ${(afterDeregister.at - started).toFixed(0)} ms, close after ${(afterClose.at - afterDeregister.at).toFixed(0)} ms more`);
  });

  it("survives the agent going away: the watch keeps the last set, then recovers and the instance is registered again", async () => {
    const first = await startAgent();
    const port = first.port;
    const errors: string[] = [];
    const registrar = openRegistry(first, { onError: (_error, during) => errors.push(during) });
    const watcher = follow(openRegistry(first));
    await registrar.register(instance("a"));
    await watcher.until(has("a"), 2_000);

    await first.stop();
    const setsBefore = watcher.sets.length;
    await new Promise((resolve) => setTimeout(resolve, 1_500)); // down for longer than the TTL
    expect(watcher.sets.length).toBe(setsBefore); // nothing emitted while the agent is unreachable
    expect(errors).toContain("passing the TTL check of a");

    const restartedAt = performance.now();
    const second = await startAgent(port); // same port, empty state, index starting over
    await openRegistry(second).register(instance("b"));
    // The watch follows the new agent (b appears) and the registrar has registered a again.
    const back = await watcher.until((ids) => ids.join() === "a,b", 3_000, setsBefore);
    expect(stored(second, "a")?.checks[0]?.status).toBe("passing");
    const reRegistered = second.requests.find((request) => request.url === "/v1/agent/service/register" && (request.body as { ID?: string }).ID === `${SERVICE}:a`);
    expect(reRegistered).toBeDefined();
    const recoveryMs = back.at - restartedAt;
    expect(recoveryMs).toBeLessThan(1_500);
    console.info(`consul: agent restarted on the same port; the watch shows the re-registered instance and a new one after ${recoveryMs.toFixed(0)} ms`);
  });

  it("a watch started while no agent listens yields nothing and does not throw, then follows the agent once it starts", async () => {
    const probe = await FakeConsulAgent.start();
    const port = probe.port;
    await probe.stop();
    const registry = new ConsulRegistry({ port, retryInitialMs: 50, retryMaxMs: 200, blockingWaitMs: 2_000 });
    cleanups.push(() => registry.close());
    const watcher = follow(registry);
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(watcher.sets).toEqual([]);
    const agent = await startAgent(port);
    await openRegistry(agent).register(instance("late"));
    await watcher.until(has("late"), 2_000);
  });

  it("is opened from consul://host:port?ttl=&deregister= URLs, with the token from CONSUL_HTTP_TOKEN", async () => {
    const agent = await startAgent();
    const registry = await openRegistryUrl(`consul://127.0.0.1:${agent.port}?ttl=3&deregister=90`, { env: { CONSUL_HTTP_TOKEN: "secret-token" } });
    cleanups.push(() => registry.close());
    expect(registry).toBeInstanceOf(ConsulRegistry);
    await registry.register(instance("from-url"));
    const registration = agent.requests.find((request) => request.url === "/v1/agent/service/register");
    expect(registration?.body).toMatchObject({ Checks: [{ TTL: "3000ms", DeregisterCriticalServiceAfter: "90000ms" }] });
    expect(agent.requests.every((request) => request.token === "secret-token")).toBe(true);
    for (const url of ["consul://nohostport", "consul://127.0.0.1:8500/path", "consul://127.0.0.1:8500?ttl=0", "consul://?tls=yes", "consul://?colour=blue"]) {
      await expect(openRegistryUrl(url), url).rejects.toBeInstanceOf(ConfigError);
    }
  });
});
