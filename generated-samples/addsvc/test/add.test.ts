// Tests for addsvc.v1.Add: a real server on a free port, called
// through the generated client.
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { Code, ErrorInfoSchema, ServiceError, serveGrpc, type GrpcServerHandle } from "gen-svc/runtime";
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

test("Sum adds and Concat concatenates", async () => {
  assert.equal((await client.sum({ a: 2n, b: 40n })).v, 42n);
  assert.equal((await client.concat({ a: "foo", b: "bar" })).v, "foobar");
});

test("summing two zeroes is INVALID_ARGUMENT with reason TWO_ZEROES", async () => {
  await assert.rejects(client.sum({ a: 0n, b: 0n }), (error: unknown) => {
    assert.ok(error instanceof ServiceError);
    assert.equal(error.code, Code.INVALID_ARGUMENT);
    assert.equal(error.findDetail(ErrorInfoSchema)?.reason, "TWO_ZEROES");
    return true;
  });
});
