// Tests for routeguide.v1.RouteGuide: a real server on a free port, called
// through the generated client.
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { serveGrpc, type GrpcServerHandle } from "gen-svc/runtime";
import { RouteGuideClient } from "../src/gen/route-guide/grpc-client.js";
import { makeRouteGuideEndpoints } from "../src/gen/route-guide/endpoints.js";
import { registerRouteGuideGrpc } from "../src/gen/route-guide/grpc-server.js";
import { RouteGuideHandler } from "../src/handlers/route-guide.js";

let server: GrpcServerHandle;
let client: RouteGuideClient;

before(async () => {
  server = await serveGrpc({
    host: "127.0.0.1",
    port: 0,
    register: (s) => registerRouteGuideGrpc(s, makeRouteGuideEndpoints(new RouteGuideHandler())),
  });
  client = new RouteGuideClient(`127.0.0.1:${server.port}`);
});

after(async () => {
  client.close();
  await server.shutdown(0);
});

async function collect<T>(stream: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const item of stream) out.push(item);
  return out;
}

async function* streamOf<T>(...items: T[]): AsyncGenerator<T> {
  yield* items;
}

test("GetFeature names the feature at a known point", async () => {
  const feature = await client.getFeature({ latitude: 407838351, longitude: -746143763 });
  assert.equal(feature.name, "Patriots Path, Mendham, NJ 07945, USA");
});

test("ListFeatures streams the features inside a rectangle", async () => {
  const lo = { latitude: 400000000, longitude: -750000000 };
  const hi = { latitude: 420000000, longitude: -730000000 };
  assert.equal((await collect(client.listFeatures({ lo, hi }))).length, 4);
});

test("RecordRoute counts the points of a route", async () => {
  const summary = await client.recordRoute(streamOf({ latitude: 1, longitude: 1 }, { latitude: 2, longitude: 2 }));
  assert.equal(summary.pointCount, 2);
});

test("RouteChat answers with the notes left earlier at the same point", async () => {
  const at = { latitude: 5, longitude: 5 };
  const replies = await collect(client.routeChat(streamOf({ location: at, message: "a" }, { location: at, message: "b" })));
  assert.deepEqual(replies.map((note) => note.message), ["a"]);
});
