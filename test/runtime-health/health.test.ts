// grpc.health.v1 on a real server, called with grpc-node's own health definition (from
// grpc-health-check), so the wire format is checked against an implementation other than ours.
import * as grpc from "@grpc/grpc-js";
import { service as healthDefinition } from "grpc-health-check";
import { afterEach, beforeEach, describe, expect, test } from "vitest";
import { registerGrpcServices, serviceNames } from "../../generated-samples/routeguide/src/gen/server.js";
import { file_routeguide_v1_route_guide } from "../../generated-samples/routeguide/src/gen/pb/routeguide/v1/route_guide_pb.js";
import { RouteGuideHandler } from "../../generated-samples/routeguide/src/handlers/route-guide.js";
import { serveWithHealth, type ServedWithHealth } from "./serve.js";

const ROUTE_GUIDE = "routeguide.v1.RouteGuide";
const HealthClient = grpc.makeGenericClientConstructor(healthDefinition, "Health");

interface CheckResult {
  status?: string;
  code?: grpc.status;
}

/** What a Watch call has received so far, and how it ended. */
class Watcher {
  readonly statuses: string[] = [];
  end: grpc.StatusObject | undefined;
  readonly call: grpc.ClientReadableStream<{ status: string }>;

  constructor(client: grpc.Client, service: string) {
    this.call = (client as unknown as { watch(request: object): grpc.ClientReadableStream<{ status: string }> }).watch({ service });
    this.call.on("data", (response: { status: string }) => this.statuses.push(response.status));
    this.call.on("status", (status: grpc.StatusObject) => (this.end = status));
    this.call.on("error", () => undefined); // the status event above records it
  }
}

function check(client: grpc.Client, service: string): Promise<CheckResult> {
  return new Promise((resolve) => {
    (client as unknown as { check(request: object, callback: (error: grpc.ServiceError | null, response?: { status: string }) => void): void }).check(
      { service },
      (error, response) => resolve(error ? { code: error.code } : { status: response?.status }),
    );
  });
}

describe("grpc.health.v1.Health", () => {
  let served: ServedWithHealth;
  let client: grpc.Client;

  beforeEach(async () => {
    served = await serveWithHealth({
      register: (server) => registerGrpcServices(server, { routeGuide: new RouteGuideHandler() }),
      serviceNames,
      files: [file_routeguide_v1_route_guide],
    });
    client = new HealthClient(`127.0.0.1:${served.handle.port}`, grpc.credentials.createInsecure());
  });
  afterEach(async () => {
    client.close();
    await served.handle.shutdown(0);
  });

  test("Check answers SERVING for the server and each service, NOT_FOUND for an unknown one", async () => {
    expect(await check(client, "")).toEqual({ status: "SERVING" });
    expect(await check(client, ROUTE_GUIDE)).toEqual({ status: "SERVING" });
    expect(await check(client, "no.such.Service")).toEqual({ code: grpc.status.NOT_FOUND });
  });

  test("Check follows setStatus, and after shutdown() everything is NOT_SERVING for good", async () => {
    served.health.setStatus(ROUTE_GUIDE, "NOT_SERVING");
    expect(await check(client, ROUTE_GUIDE)).toEqual({ status: "NOT_SERVING" });
    expect(await check(client, "")).toEqual({ status: "SERVING" });
    served.health.setStatus(ROUTE_GUIDE, "SERVING");
    served.health.shutdown();
    expect(await check(client, "")).toEqual({ status: "NOT_SERVING" });
    expect(await check(client, ROUTE_GUIDE)).toEqual({ status: "NOT_SERVING" });
    served.health.setStatus("", "SERVING"); // ignored: the server is going down
    expect(await check(client, "")).toEqual({ status: "NOT_SERVING" });
  });

  test("List gives every known status", async () => {
    served.health.setStatus(ROUTE_GUIDE, "NOT_SERVING");
    const listed = await new Promise<Record<string, { status: string }>>((resolve, reject) =>
      (client as unknown as { list(request: object, callback: (e: Error | null, r?: { statuses: Record<string, { status: string }> }) => void): void }).list(
        {},
        (error, response) => (error ? reject(error) : resolve(response!.statuses)),
      ),
    );
    expect(listed).toEqual({ "": { status: "SERVING" }, [ROUTE_GUIDE]: { status: "NOT_SERVING" } });
  });

  test("Watch sends the current status, then each change (no repeats), until the client cancels", async () => {
    const watcher = new Watcher(client, "");
    await expect.poll(() => watcher.statuses).toEqual(["SERVING"]);
    served.health.setStatus("", "SERVING"); // no change: nothing is sent
    served.health.shutdown();
    await expect.poll(() => watcher.statuses).toEqual(["SERVING", "NOT_SERVING"]);
    watcher.call.cancel();
    await expect.poll(() => watcher.end?.code).toBe(grpc.status.CANCELLED);
    // The server side ended too: a graceful shutdown has no open call to wait for.
    const started = performance.now();
    await served.handle.shutdown(10_000);
    expect(performance.now() - started).toBeLessThan(2_000);
  });

  test("Watch of an unknown service sends SERVICE_UNKNOWN and keeps watching until it is known", async () => {
    const watcher = new Watcher(client, "later.Service");
    await expect.poll(() => watcher.statuses).toEqual(["SERVICE_UNKNOWN"]);
    served.health.setStatus("later.Service", "SERVING");
    await expect.poll(() => watcher.statuses).toEqual(["SERVICE_UNKNOWN", "SERVING"]);
    expect(watcher.end).toBeUndefined();
    watcher.call.cancel();
    await expect.poll(() => watcher.end?.code).toBe(grpc.status.CANCELLED);
  });

  test("endWatches ends open Watch calls with UNAVAILABLE, so draining does not wait for them", async () => {
    const watchers = [new Watcher(client, ""), new Watcher(client, ROUTE_GUIDE)];
    await expect.poll(() => watchers.map((w) => w.statuses.length)).toEqual([1, 1]);
    served.health.shutdown();
    await expect.poll(() => watchers.map((w) => w.statuses.at(-1))).toEqual(["NOT_SERVING", "NOT_SERVING"]);
    const started = performance.now();
    const drained = served.handle.shutdown(10_000);
    served.health.endWatches();
    await drained;
    expect(performance.now() - started).toBeLessThan(2_000);
    await expect.poll(() => watchers.map((w) => w.end?.code)).toEqual([grpc.status.UNAVAILABLE, grpc.status.UNAVAILABLE]);
    expect(watchers.map((w) => w.statuses)).toEqual([
      ["SERVING", "NOT_SERVING"],
      ["SERVING", "NOT_SERVING"],
    ]);
  });
});
