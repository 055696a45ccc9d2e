// Tracing switched on by the standard OTEL_* variables: the real OTLP/HTTP exporter sends the
// service's spans to a collector stand-in (a plain HTTP server recording what it receives; no
// OpenTelemetry Collector package exists here). Runs in its own worker: the SDK registers itself
// as the process's provider.
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach, expect, test } from "vitest";
import { ConfigError, loadServerConfig, startTracing } from "../../src/runtime/index.js";
import { EchoClient } from "../../generated-samples/echo/src/gen/echo/grpc-client.js";
import { startServer } from "../../generated-samples/echo/src/gen/server.js";
import { EchoHandler } from "../../generated-samples/echo/src/handlers/echo.js";
import { LogCapture } from "./harness.js";

const cleanup: Array<() => unknown> = [];
afterEach(async () => {
  for (const step of cleanup.splice(0).reverse()) await step();
});

/** An HTTP server on 127.0.0.1:0 keeping every request body it gets, by path. */
async function fakeCollector(): Promise<{ url: string; received: Array<{ path: string; body: string }> }> {
  const received: Array<{ path: string; body: string }> = [];
  const server: Server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on("data", (chunk: Buffer) => chunks.push(chunk));
    request.on("end", () => {
      received.push({ path: request.url ?? "", body: Buffer.concat(chunks).toString("utf8") });
      response.writeHead(200, { "content-type": "application/json" }).end("{}");
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  cleanup.push(() => new Promise((resolve) => server.close(resolve)));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, received };
}

test("OTEL_EXPORTER_OTLP_ENDPOINT alone turns OTLP export on; spans carry the service name and rpc attributes", async () => {
  const collector = await fakeCollector();
  const env = { OTEL_EXPORTER_OTLP_ENDPOINT: collector.url, OTEL_SERVICE_NAME: "echo-under-test" };
  const config = loadServerConfig(["--host", "127.0.0.1", "--grpc-port", "0", "--admin-port", "0", "--http-port", "0"], {});
  const logs = new LogCapture();
  const service = await startServer({ echo: new EchoHandler() }, { config, env, logger: logs.logger });
  cleanup.push(() => service.shutdown());
  const client = new EchoClient(`127.0.0.1:${service.grpcPort}`);
  cleanup.push(() => client.close());

  await client.echo({ text: "traced" });
  // Shutdown flushes the batch processor.
  await service.shutdown();

  const traces = collector.received.filter((r) => r.path === "/v1/traces");
  expect(traces.length).toBeGreaterThan(0);
  const body = traces.map((r) => r.body).join("\n");
  expect(body).toContain("echo.v1.Echo/Echo");
  expect(body).toContain("echo-under-test");
  expect(body).toContain("rpc.system");
  expect(logs.withMessage("serving")[0]).toMatchObject({ tracing: ["otlp"] });
  const line = logs.withMessage("call finished")[0]!;
  expect(line["trace_id"]).toMatch(/^[0-9a-f]{32}$/);
});

test("no OTEL variables: tracing stays off and loads nothing", async () => {
  const handle = await startTracing("svc", {});
  expect(handle.exporters).toEqual([]);
});

test.each([
  [{ OTEL_TRACES_EXPORTER: "jaeger" }, /OTEL_TRACES_EXPORTER: "jaeger" is not one of otlp, console, none/],
  [{ OTEL_TRACES_EXPORTER: "console", OTEL_TRACES_SAMPLER: "sometimes" }, /OTEL_TRACES_SAMPLER: "sometimes"/],
  [{ OTEL_TRACES_EXPORTER: "console", OTEL_TRACES_SAMPLER: "traceidratio", OTEL_TRACES_SAMPLER_ARG: "2" }, /OTEL_TRACES_SAMPLER_ARG: "2" is not a ratio/],
])("a bad tracing setting %j stops the start with a clear message", async (env, message) => {
  await expect(startTracing("svc", env)).rejects.toThrow(ConfigError);
  await expect(startTracing("svc", env)).rejects.toThrow(message);
});

test("OTEL_SDK_DISABLED and OTEL_TRACES_EXPORTER=none win", async () => {
  expect((await startTracing("svc", { OTEL_SDK_DISABLED: "true", OTEL_TRACES_EXPORTER: "otlp" })).exporters).toEqual([]);
  expect((await startTracing("svc", { OTEL_TRACES_EXPORTER: "none", OTEL_EXPORTER_OTLP_ENDPOINT: "http://127.0.0.1:1" })).exporters).toEqual([]);
});
