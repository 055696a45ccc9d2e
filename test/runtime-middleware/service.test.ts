// startService in-process, as a generated package's startServer runs it: the admin port, health,
// reflection switch, client middleware from the service, and the order of the shutdown sequence.
import * as grpc from "@grpc/grpc-js";
import { afterEach, expect, test } from "vitest";
import { Code, ConfigError, loadServerConfig, type RunningService } from "../../src/runtime/index.js";
import { EchoClient } from "../../generated-samples/echo/src/gen/echo/grpc-client.js";
import { startServer } from "../../generated-samples/echo/src/gen/server.js";
import { EchoHandler } from "../../generated-samples/echo/src/handlers/echo.js";
import { LogCapture } from "./harness.js";

const running: RunningService[] = [];
const clients: Array<{ close(): void }> = [];
afterEach(async () => {
  for (const client of clients.splice(0)) client.close();
  await Promise.all(running.splice(0).map((service) => service.shutdown()));
});

async function start(flags: string[] = []) {
  const logs = new LogCapture();
  const config = loadServerConfig(["--host", "127.0.0.1", "--grpc-port", "0", "--admin-port", "0", "--http-port", "0", "--grace-period-ms", "2000", ...flags], {});
  const service = await startServer({ echo: new EchoHandler() }, { config, logger: logs.logger });
  running.push(service);
  const admin = (path: string) => fetch(`http://127.0.0.1:${service.adminPort}${path}`);
  return { service, logs, admin };
}

/** grpc.health.v1 Check through a raw grpc-js client (another implementation than ours). */
function healthCheck(port: number, service: string): Promise<{ status?: number; code?: number }> {
  const client = new grpc.Client(`127.0.0.1:${port}`, grpc.credentials.createInsecure());
  // HealthCheckRequest { string service = 1; } and HealthCheckResponse { ServingStatus status = 1; }.
  const encode = (s: string) => Buffer.concat([Buffer.from([0x0a, Buffer.byteLength(s)]), Buffer.from(s)]);
  return new Promise((resolve) => {
    client.makeUnaryRequest("/grpc.health.v1.Health/Check", encode, (b: Buffer) => b, service, (error, response) => {
      client.close();
      resolve(error ? { code: error.code } : { status: response!.length === 0 ? 0 : response![1]! });
    });
  });
}

test("the admin port serves liveness, readiness and the call metrics", async () => {
  const { service, admin } = await start();
  const echo = new EchoClient(`127.0.0.1:${service.grpcPort}`);
  clients.push(echo);
  await echo.echo({ text: "hi" });
  expect((await admin("/healthz")).status).toBe(200);
  expect(await (await admin("/readyz")).text()).toBe("ready\n");
  const metrics = await (await admin("/metrics")).text();
  expect(metrics).toContain('grpc_server_handled_total{grpc_type="unary",grpc_service="echo.v1.Echo",grpc_method="Echo",grpc_code="OK"} 1');
  expect(metrics).toContain("process_cpu_user_seconds_total");
  expect((await admin("/nothing")).status).toBe(404);
  expect((await fetch(`http://127.0.0.1:${service.adminPort}/metrics`, { method: "POST" })).status).toBe(405);
  expect(await healthCheck(service.grpcPort, "echo.v1.Echo")).toEqual({ status: 1 }); // SERVING
  expect(service.startupMs).toBeGreaterThan(0);
});

test("clients built with the service's client middleware are counted too", async () => {
  const { service, admin } = await start();
  const echo = new EchoClient(`127.0.0.1:${service.grpcPort}`, { middleware: service.clientMiddleware });
  clients.push(echo);
  await echo.echo({ text: "hi" });
  expect(await (await admin("/metrics")).text()).toContain('grpc_client_handled_total{grpc_type="unary",grpc_service="echo.v1.Echo",grpc_method="Echo",grpc_code="OK"} 1');
});

test("shutdown: readiness and health go first, then hooks, then the drain; the admin port closes last", async () => {
  const { service, admin, logs } = await start();
  const port = service.grpcPort;
  const seenInHook: unknown[] = [];
  service.onShutdown(async () => {
    seenInHook.push((await admin("/readyz")).status, (await healthCheck(port, "")).status);
  });
  service.onShutdown(() => {
    throw new Error("registry unreachable");
  });
  await service.shutdown();
  expect(seenInHook).toEqual([503, 2]); // NOT_SERVING while hooks run
  await expect(admin("/healthz")).rejects.toThrow();
  expect((await healthCheck(port, "")).code).toBe(Code.UNAVAILABLE);
  expect(logs.withMessage("shutdown hook failed")[0]).toMatchObject({ err: { message: "registry unreachable" } });
  expect(logs.withMessage("stopped")).toHaveLength(1);
});

test("reflection can be turned off", async () => {
  const { service } = await start(["--reflection", "false"]);
  const client = new grpc.Client(`127.0.0.1:${service.grpcPort}`, grpc.credentials.createInsecure());
  const call = client.makeBidiStreamRequest("/grpc.reflection.v1.ServerReflection/ServerReflectionInfo", (b: Buffer) => b, (b: Buffer) => b);
  const error = await new Promise<grpc.ServiceError>((resolve) => call.on("error", resolve));
  client.close();
  expect(error.code).toBe(Code.UNIMPLEMENTED);
});

test("a port already taken stops the start with one line naming the setting", async () => {
  const { createServer } = await import("node:net");
  const holder = createServer();
  await new Promise<void>((resolve) => holder.listen(0, "127.0.0.1", resolve));
  const taken = (holder.address() as { port: number }).port;
  try {
    for (const [flag, setting] of [["--grpc-port", "GRPC_PORT"], ["--admin-port", "ADMIN_PORT"]] as const) {
      const config = loadServerConfig(["--host", "127.0.0.1", "--grpc-port", "0", "--admin-port", "0", "--http-port", "0", flag, String(taken)], {});
      const started = startServer({ echo: new EchoHandler() }, { config, logger: new LogCapture().logger });
      await expect(started).rejects.toBeInstanceOf(ConfigError);
      await expect(started).rejects.toThrow(new RegExp(`^${setting}: cannot listen on 127\\.0\\.0\\.1:${taken}: `));
    }
  } finally {
    await new Promise((resolve) => holder.close(resolve));
  }
});
