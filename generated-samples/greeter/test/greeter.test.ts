// Example tests for greeter.v1.Greeter, written once by gen-svc: a real server on a free port, called
// through the generated client. Replace the UNIMPLEMENTED checks as you implement each method.
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { Code, ServiceError, serveGrpc, type GrpcServerHandle } from "gen-svc/runtime";
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

function isUnimplemented(error: unknown): boolean {
  return error instanceof ServiceError && error.code === Code.UNIMPLEMENTED;
}

test("SayHello answers UNIMPLEMENTED until it is implemented", async () => {
  await assert.rejects(client.sayHello({}), isUnimplemented);
});
