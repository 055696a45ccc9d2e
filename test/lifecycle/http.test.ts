// The generated bookstore running as a process serves HTTP/JSON beside gRPC: its OpenAPI document
// at /openapi.yaml (valid OpenAPI 3.1), its google.api.http routes through the same middleware
// (the calls show in /metrics), and SIGTERM drains the HTTP port too: an open watch stream ends
// and the process exits 0.
import { afterAll, afterEach, beforeAll, expect, test } from "vitest";
import { lintOpenApi } from "../openapi/validate.js";
import { buildSample, Processes, type BuiltSample } from "./sample-process.js";

let bookstore: BuiltSample;
const processes = new Processes();

beforeAll(() => {
  bookstore = buildSample("bookstore");
});
afterEach(() => processes.killAll());
afterAll(() => bookstore?.remove());

test("serves /openapi.yaml and the HTTP routes, counts them in /metrics, and drains HTTP on SIGTERM", { timeout: 60_000 }, async () => {
  const service = await processes.startSample(bookstore, { GRACE_PERIOD_MS: "2000" });
  const base = `http://127.0.0.1:${service.httpPort}`;

  const document = await fetch(`${base}/openapi.yaml`);
  expect(document.headers.get("content-type")).toBe("application/yaml");
  expect(await lintOpenApi(await document.text())).toEqual([]);

  const shelves = (await (await fetch(`${base}/v1/shelves`)).json()) as { shelves: Array<{ name: string }> };
  expect(shelves.shelves.length).toBeGreaterThan(0);
  const metrics = await (await fetch(`${service.adminUrl}/metrics`)).text();
  expect(metrics).toMatch(/grpc_server_handled_total\{[^}]*grpc_method="ListShelves"[^}]*grpc_code="OK"\} 1/);

  const watch = await fetch(`${base}/v1/${shelves.shelves[0]!.name}:watch`);
  expect(watch.status).toBe(200);
  const body = watch.text().catch((error: unknown) => `cut: ${String(error)}`);
  service.process.signal("SIGTERM");
  // The watch never ends by itself: the drain ends it (cut at the grace period), and the process exits 0.
  expect(await body).toBeTypeOf("string");
  expect((await service.process.waitForExit(15_000)).code).toBe(0);
});
