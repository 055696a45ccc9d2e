// startService with a service registry: the echo sample registers once serving, a client finds it
// by service name through the same (real, file-based) local registry, and shutdown deregisters
// before it drains.
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, expect, test } from "vitest";
import { BalancedConnection, LocalRegistry, loadServerConfig, type RunningService, type ServiceInstance } from "../../src/runtime/index.js";
import { EchoClient } from "../../generated-samples/echo/src/gen/echo/grpc-client.js";
import { EchoHttpClient } from "../../generated-samples/echo/src/gen/echo/http-client.js";
import { startServer } from "../../generated-samples/echo/src/gen/server.js";
import { EchoHandler } from "../../generated-samples/echo/src/handlers/echo.js";
import { eventually, LogCapture } from "./harness.js";

const cleanup: Array<() => unknown> = [];
afterEach(async () => {
  for (const step of cleanup.splice(0).reverse()) await step();
});

async function startWithRegistry(dir: string): Promise<{ service: RunningService; logs: LogCapture }> {
  const logs = new LogCapture();
  const flags = ["--host", "0.0.0.0", "--grpc-port", "0", "--admin-port", "0", "--http-port", "0", "--registry", `local://${dir}`];
  const service = await startServer({ echo: new EchoHandler() }, { config: loadServerConfig(flags, {}), logger: logs.logger });
  cleanup.push(() => service.shutdown());
  return { service, logs };
}

/** Keeps the latest instance set a watch reports. */
function follow(registry: LocalRegistry, service: string): { current: readonly ServiceInstance[] } {
  const seen = { current: [] as readonly ServiceInstance[] };
  const stop = new AbortController();
  cleanup.push(() => stop.abort());
  void (async () => {
    for await (const set of registry.watch(service, stop.signal)) seen.current = set;
  })();
  return seen;
}

test("registers once serving, is found by name, and deregisters first at shutdown", async () => {
  const dir = await mkdtemp(join(tmpdir(), "gen-svc-registration-"));
  cleanup.push(() => rm(dir, { recursive: true, force: true }));
  const watcher = new LocalRegistry({ dir });
  cleanup.push(() => watcher.close());
  const seen = follow(watcher, "echo.v1.Echo");

  const { service, logs } = await startWithRegistry(dir);
  expect(service.instances).toHaveLength(1);
  expect(service.instances[0]).toMatchObject({ service: "echo.v1.Echo", host: "127.0.0.1", ports: { grpc: service.grpcPort } });
  await eventually(() => seen.current.length === 1);

  const connection = new BalancedConnection("echo.v1.Echo", watcher);
  cleanup.push(() => connection.close());
  const client = new EchoClient(connection);
  expect((await client.echo({ text: "found by name" })).text).toBe("found by name");

  service.onShutdown(() => logs.logger.info("user hook"));
  await service.shutdown();
  const steps = ["registered", "shutting down", "deregistered", "user hook", "stopped"];
  expect(logs.lines.map((line) => String(line["msg"])).filter((msg) => steps.includes(msg))).toEqual(steps);
  await eventually(() => seen.current.length === 0);
});

test("REGISTRY=none registers nothing", async () => {
  const logs = new LogCapture();
  const flags = ["--host", "127.0.0.1", "--grpc-port", "0", "--admin-port", "0", "--http-port", "0", "--registry", "none"];
  const service = await startServer({ echo: new EchoHandler() }, { config: loadServerConfig(flags, {}), logger: logs.logger });
  cleanup.push(() => service.shutdown());
  expect(service.instances).toEqual([]);
  expect(logs.withMessage("registered")).toEqual([]);
});

test("server.connect finds another service by name through the same registry, with client metrics", async () => {
  const dir = await mkdtemp(join(tmpdir(), "gen-svc-registration-"));
  cleanup.push(() => rm(dir, { recursive: true, force: true }));
  await startWithRegistry(dir);
  const { service: caller } = await startWithRegistry(dir);
  const client = new EchoClient(caller.connect("echo.v1.Echo"));
  // Both instances are registered; either may answer.
  expect((await client.echo({ text: "by name" })).text).toBe("by name");
  const metrics = await (await fetch(`http://127.0.0.1:${caller.adminPort}/metrics`)).text();
  expect(metrics).toContain('grpc_client_handled_total{grpc_type="unary",grpc_service="echo.v1.Echo",grpc_method="Echo",grpc_code="OK"} 1');
});

test("an unknown registry scheme stops the start with a ConfigError", async () => {
  const { ConfigError } = await import("../../src/runtime/index.js");
  const flags = ["--host", "127.0.0.1", "--grpc-port", "0", "--admin-port", "0", "--http-port", "0", "--registry", "zookeeper://127.0.0.1:2181"];
  const started = startServer({ echo: new EchoHandler() }, { config: loadServerConfig(flags, {}), logger: new LogCapture().logger });
  await expect(started).rejects.toBeInstanceOf(ConfigError);
  await expect(started).rejects.toThrow(/unknown scheme zookeeper:\/\//);
});

test("instances register their HTTP port too, and the HTTP client finds and balances over them by name", async () => {
  const dir = await mkdtemp(join(tmpdir(), "gen-svc-registration-"));
  cleanup.push(() => rm(dir, { recursive: true, force: true }));
  const peers: string[] = [];
  const started = await Promise.all([0, 1].map(async () => {
    const flags = ["--host", "127.0.0.1", "--grpc-port", "0", "--admin-port", "0", "--http-port", "0", "--registry", `local://${dir}`];
    const handler = new EchoHandler({ onCall: (ctx) => peers.push(`${ctx.transport}:${service.httpPort}`) });
    const service: RunningService = await startServer({ echo: handler }, { config: loadServerConfig(flags, {}), logger: new LogCapture().logger });
    cleanup.push(() => service.shutdown());
    return service;
  }));
  for (const service of started) expect(service.instances[0]?.ports).toEqual({ grpc: service.grpcPort, http: service.httpPort });
  const registry = new LocalRegistry({ dir });
  cleanup.push(() => registry.close());
  const connection = new BalancedConnection("echo.v1.Echo", registry, { transport: "http", balancer: "round-robin" });
  cleanup.push(() => connection.close());
  const client = new EchoHttpClient(connection);
  for (let i = 0; i < 6; i++) expect((await client.echo({ text: `call ${i}` })).text).toBe(`call ${i}`);
  // Round-robin over both instances, every call over HTTP.
  expect(new Set(peers)).toEqual(new Set(started.map((s) => `http:${s.httpPort}`)));
  expect(connection.instances.map((i) => i.address).sort()).toEqual(started.map((s) => `127.0.0.1:${s.httpPort}`).sort());
});

test("BALANCER picks server.connect's balancer: round-robin alternates between the instances", async () => {
  const dir = await mkdtemp(join(tmpdir(), "gen-svc-registration-"));
  cleanup.push(() => rm(dir, { recursive: true, force: true }));
  const answeredBy: number[] = [];
  const flags = (extra: string[]) => ["--host", "127.0.0.1", "--grpc-port", "0", "--admin-port", "0", "--http-port", "off", "--registry", `local://${dir}`, ...extra];
  const targets = await Promise.all([0, 1].map(async () => {
    const service: RunningService = await startServer(
      { echo: new EchoHandler({ onCall: () => answeredBy.push(service.grpcPort) }) },
      { config: loadServerConfig(flags([]), {}), logger: new LogCapture().logger },
    );
    cleanup.push(() => service.shutdown());
    return service;
  }));
  const caller = await startServer({ echo: new EchoHandler() }, { config: loadServerConfig(flags(["--balancer", "round-robin"]), {}), logger: new LogCapture().logger });
  cleanup.push(() => caller.shutdown());
  const connection = caller.connect("echo.v1.Echo");
  // The caller registers itself too: wait until all three instances are known.
  await eventually(() => connection.instances.length === 3);
  const client = new EchoClient(connection);
  for (let i = 0; i < 6; i++) await client.echo({ text: "rr" });
  expect(caller.httpPort).toBeUndefined();
  // Round-robin over three instances: each target got exactly two of the six calls.
  for (const target of targets) expect(answeredBy.filter((port) => port === target.grpcPort)).toHaveLength(2);
});
