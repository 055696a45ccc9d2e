// The routeguide sample: all four kinds of calls, deadlines and cancellation, over real sockets.
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { Code, ServiceError, type CallContext } from "../../src/runtime/index.js";
import { RouteGuideClient } from "../../generated-samples/routeguide/src/gen/route-guide/grpc-client.js";
import { registerGrpcServices } from "../../generated-samples/routeguide/src/gen/server.js";
import { RouteGuideHandler, sampleFeatures } from "../../generated-samples/routeguide/src/handlers/route-guide.js";
import type { Point } from "../../generated-samples/routeguide/src/gen/pb/routeguide/v1/route_guide_pb.js";
import { collect, Opened, rejectionOf, streamOf } from "./serve.js";

/** Records what the handler saw of cancellation, so the test can check the server side too. */
class ObservedRouteGuide extends RouteGuideHandler {
  readonly aborts: string[] = [];
  override async recordRoute(requests: AsyncIterable<Point>, ctx: CallContext) {
    ctx.signal.addEventListener("abort", () => this.aborts.push(String((ctx.signal.reason as Error)?.name ?? ctx.signal.reason)));
    return super.recordRoute(requests, ctx);
  }
}

/** A request stream that sends one point and then never ends (until the test is over). */
async function* neverEnding(stop: AbortSignal): AsyncGenerator<{ latitude: number; longitude: number }> {
  yield { latitude: 1, longitude: 1 };
  await new Promise((resolve) => stop.addEventListener("abort", resolve, { once: true }));
}

describe("routeguide sample", () => {
  const opened = new Opened();
  const handler = new ObservedRouteGuide();
  let client: RouteGuideClient;
  const [first, second] = sampleFeatures();

  beforeAll(async () => {
    const port = await opened.serve((s) => registerGrpcServices(s, { routeGuide: handler }));
    client = opened.track(new RouteGuideClient(`127.0.0.1:${port}`));
  });
  afterAll(() => opened.closeAll());

  test("unary: GetFeature finds a known feature and answers an unnamed one elsewhere", async () => {
    expect((await client.getFeature(first!.location!)).name).toBe(first!.name);
    const nothing = await client.getFeature({ latitude: 0, longitude: 0 });
    expect(nothing.name).toBe("");
    expect(nothing.location?.latitude).toBe(0);
  });

  test("server streaming: ListFeatures streams the features inside a rectangle", async () => {
    const lo = { latitude: 400000000, longitude: -750000000 };
    const hi = { latitude: 420000000, longitude: -730000000 };
    const names = (await collect(client.listFeatures({ lo, hi }))).map((f) => f.name);
    expect(names).toEqual(sampleFeatures().map((f) => f.name));
    expect(await collect(client.listFeatures({ lo: { latitude: 0, longitude: 0 }, hi: { latitude: 1, longitude: 1 } }))).toEqual([]);
  });

  test("client streaming: RecordRoute summarises the points it received", async () => {
    const summary = await client.recordRoute(streamOf<{ latitude: number; longitude: number }>(first!.location!, second!.location!, { latitude: 0, longitude: 0 }));
    expect(summary.pointCount).toBe(3);
    expect(summary.featureCount).toBe(2);
    expect(summary.distance).toBeGreaterThan(20_000); // Mendham -> Whippany is about 24 km, then far away
  });

  test("bidi streaming: RouteChat answers each note with the earlier notes at the same point", async () => {
    const at = { latitude: 7, longitude: 7 };
    const replies = await collect(
      client.routeChat(streamOf({ location: at, message: "one" }, { location: at, message: "two" }, { location: at, message: "three" })),
    );
    expect(replies.map((n) => n.message)).toEqual(["one", "one", "two"]);
  });

  test("a deadline that expires fails the call with DEADLINE_EXCEEDED and aborts the handler", async () => {
    const stop = new AbortController();
    try {
      const error = await rejectionOf(client.recordRoute(neverEnding(stop.signal), { timeoutMs: 200 }));
      expect(error).toBeInstanceOf(ServiceError);
      expect((error as ServiceError).code).toBe(Code.DEADLINE_EXCEEDED);
    } finally {
      stop.abort();
    }
    await expect.poll(() => handler.aborts.length).toBeGreaterThan(0);
  });

  test("a client that aborts a stream mid-way gets CANCELLED", async () => {
    const stop = new AbortController();
    const controller = new AbortController();
    const call = client.recordRoute(neverEnding(stop.signal), { signal: controller.signal });
    setTimeout(() => controller.abort(), 50);
    try {
      expect(((await rejectionOf(call)) as ServiceError).code).toBe(Code.CANCELLED);
    } finally {
      stop.abort();
    }
  });

  test("leaving a server stream early cancels it without breaking the connection", async () => {
    const lo = { latitude: 400000000, longitude: -750000000 };
    const hi = { latitude: 420000000, longitude: -730000000 };
    for await (const feature of client.listFeatures({ lo, hi })) {
      expect(feature.name).not.toBe("");
      break;
    }
    expect((await client.getFeature(first!.location!)).name).toBe(first!.name);
  });
});
