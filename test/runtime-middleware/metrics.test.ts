// prom-client metrics around the generated echo server and its client, read back from the registry.
import { Registry } from "prom-client";
import { afterEach, expect, test } from "vitest";
import { clientMetrics, Code, createRpcMetrics, serverMetrics } from "../../src/runtime/index.js";
import { EchoHandler } from "../../generated-samples/echo/src/handlers/echo.js";
import { collect } from "../samples/serve.js";
import { Opened, eventually, failureOf, serveEcho } from "./harness.js";

const opened = new Opened();
afterEach(() => opened.closeAll());

async function valueOf(registry: Registry, name: string, labels: Record<string, string>): Promise<number> {
  const metric = (await registry.getMetricsAsJSON()).find((m) => m.name === name);
  const values = (metric?.values ?? []) as Array<{ labels: Record<string, unknown>; value: number; metricName?: string }>;
  return values
    .filter((v) => (v.metricName ?? name) === name || v.metricName === `${name}_count`)
    .filter((v) => Object.entries(labels).every(([k, want]) => String(v.labels[k]) === want))
    .reduce((sum, v) => sum + v.value, 0);
}

test("server and client count calls by method and code, messages each way, latency and in-flight", async () => {
  const registry = new Registry();
  const middleware = [serverMetrics(createRpcMetrics(registry, "server"))];
  const client = { middleware: [clientMetrics(createRpcMetrics(registry, "client"))] };
  const { client: echo } = await serveEcho(opened, new EchoHandler(), { middleware, client });

  await echo.echo({ text: "a" });
  await echo.echo({ text: "b" });
  await failureOf(echo.echo({ responseStatus: { code: Code.NOT_FOUND, message: "m" } }));
  expect(await collect(echo.expand({ count: 4, request: { text: "x" } }))).toHaveLength(4);
  async function* two() {
    yield { text: "1" };
    yield { text: "2" };
  }
  await echo.collect(two());

  const unary = { grpc_service: "echo.v1.Echo", grpc_method: "Echo", grpc_type: "unary" };
  for (const side of ["server", "client"]) {
    expect(await valueOf(registry, `grpc_${side}_started_total`, unary)).toBe(3);
    expect(await valueOf(registry, `grpc_${side}_handled_total`, { ...unary, grpc_code: "OK" })).toBe(2);
    expect(await valueOf(registry, `grpc_${side}_handled_total`, { ...unary, grpc_code: "NOT_FOUND" })).toBe(1);
    expect(await valueOf(registry, `grpc_${side}_handling_seconds`, unary)).toBe(3);
    expect(await valueOf(registry, `grpc_${side}_msg_sent_total`, { grpc_method: "Expand", grpc_type: "server_stream" })).toBe(side === "server" ? 4 : 1);
    expect(await valueOf(registry, `grpc_${side}_msg_received_total`, { grpc_method: "Expand" })).toBe(side === "server" ? 1 : 4);
    expect(await valueOf(registry, `grpc_${side}_msg_received_total`, { grpc_method: "Collect", grpc_type: "client_stream" })).toBe(side === "server" ? 2 : 1);
  }
  expect(await valueOf(registry, "grpc_server_in_flight", {})).toBe(0);
  expect(await valueOf(registry, "grpc_client_in_flight", {})).toBe(0);
});

test("in-flight counts calls while they run, and a cancelled stream ends as CANCELLED", async () => {
  const registry = new Registry();
  const { client: echo } = await serveEcho(opened, new EchoHandler(), { middleware: [serverMetrics(createRpcMetrics(registry, "server"))] });
  const abort = new AbortController();
  const slow = echo.echo({ text: "slow", delayMs: 5000 }, { signal: abort.signal });
  await eventually(async () => (await valueOf(registry, "grpc_server_in_flight", { grpc_method: "Echo" })) === 1);
  abort.abort();
  expect((await failureOf(slow)).code).toBe(Code.CANCELLED);
  await eventually(async () => (await valueOf(registry, "grpc_server_handled_total", { grpc_method: "Echo", grpc_code: "CANCELLED" })) === 1);
  expect(await valueOf(registry, "grpc_server_in_flight", {})).toBe(0);
});
