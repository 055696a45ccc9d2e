// Example tests for addsvc.v1.Add, written once by gen-svc: a real server on a free port, called
// through the generated client. Replace the UNIMPLEMENTED checks as you implement each method.
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { Code, ServiceError, serveGrpc, type GrpcServerHandle } from "gen-svc/runtime";
import { AddClient } from "../src/gen/add/grpc-client.js";
import { makeAddEndpoints } from "../src/gen/add/endpoints.js";
import { registerAddGrpc } from "../src/gen/add/grpc-server.js";
import { AddHandler } from "../src/handlers/add.js";

let server: GrpcServerHandle;
let client: AddClient;

before(async () => {
  server = await serveGrpc({
    host: "127.0.0.1",
    port: 0,
    register: (s) => registerAddGrpc(s, makeAddEndpoints(new AddHandler())),
  });
  client = new AddClient(`127.0.0.1:${server.port}`);
});

after(async () => {
  client.close();
  await server.shutdown(0);
});

function isUnimplemented(error: unknown): boolean {
  return error instanceof ServiceError && error.code === Code.UNIMPLEMENTED;
}

test("Sum answers UNIMPLEMENTED until it is implemented", async () => {
  await assert.rejects(client.sum({}), isUnimplemented);
});

test("Concat answers UNIMPLEMENTED until it is implemented", async () => {
  await assert.rejects(client.concat({}), isUnimplemented);
});
