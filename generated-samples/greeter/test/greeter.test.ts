// Tests for greeter.v1.Greeter: a real server on a free port, called
// through the generated client.
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { serveGrpc, type GrpcServerHandle } from "gen-svc/runtime";
import { GreeterClient } from "../src/gen/greeter/grpc-client.js";
import { makeGreeterEndpoints } from "../src/gen/greeter/endpoints.js";
import { registerGreeterGrpc } from "../src/gen/greeter/grpc-server.js";
import { GreeterHandler } from "../src/handlers/greeter.js";

let server: GrpcServerHandle;
let client: GreeterClient;

before(async () => {
  server = await serveGrpc({
    host: "127.0.0.1",
    port: 0,
    register: (s) => registerGreeterGrpc(s, makeGreeterEndpoints(new GreeterHandler())),
  });
  client = new GreeterClient(`127.0.0.1:${server.port}`);
});

after(async () => {
  client.close();
  await server.shutdown(0);
});

test("SayHello greets by name, and the world by default", async () => {
  assert.equal((await client.sayHello({ name: "Ada" })).message, "Hello, Ada!");
  assert.equal((await client.sayHello({})).message, "Hello, world!");
});
