// Example tests for routeguide.v1.RouteGuide, written once by gen-svc: a real server on a free port, called
// through the generated client. Replace the UNIMPLEMENTED checks as you implement each method.
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { Code, ServiceError, serveGrpc, type GrpcServerHandle } from "gen-svc/runtime";
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

function isUnimplemented(error: unknown): boolean {
  return error instanceof ServiceError && error.code === Code.UNIMPLEMENTED;
}

async function drain(stream: AsyncIterable<unknown>): Promise<void> {
  for await (const _ of stream);
}

async function* streamOf<T>(...items: T[]): AsyncGenerator<T> {
  yield* items;
}

test("GetFeature answers UNIMPLEMENTED until it is implemented", async () => {
  await assert.rejects(client.getFeature({}), isUnimplemented);
});

test("ListFeatures answers UNIMPLEMENTED until it is implemented", async () => {
  await assert.rejects(drain(client.listFeatures({})), isUnimplemented);
});

test("RecordRoute answers UNIMPLEMENTED until it is implemented", async () => {
  await assert.rejects(client.recordRoute(streamOf({})), isUnimplemented);
});

test("RouteChat answers UNIMPLEMENTED until it is implemented", async () => {
  await assert.rejects(drain(client.routeChat(streamOf({}))), isUnimplemented);
});
