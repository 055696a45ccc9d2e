// Example tests for ecommerce.product.v1.ProductService, written once by gen-svc: a real server on a free port, called
// through the generated client. Replace the UNIMPLEMENTED checks as you implement each method.
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { Code, ServiceError, serveGrpc, type GrpcServerHandle } from "gen-svc/runtime";
import { ProductClient } from "../src/gen/product/grpc-client.js";
import { makeProductEndpoints } from "../src/gen/product/endpoints.js";
import { registerProductGrpc } from "../src/gen/product/grpc-server.js";
import { ProductHandler } from "../src/handlers/product.js";

let server: GrpcServerHandle;
let client: ProductClient;

before(async () => {
  server = await serveGrpc({
    host: "127.0.0.1",
    port: 0,
    register: (s) => registerProductGrpc(s, makeProductEndpoints(new ProductHandler())),
  });
  client = new ProductClient(`127.0.0.1:${server.port}`);
});

after(async () => {
  client.close();
  await server.shutdown(0);
});

function isUnimplemented(error: unknown): boolean {
  return error instanceof ServiceError && error.code === Code.UNIMPLEMENTED;
}

test("GetAllProducts answers UNIMPLEMENTED until it is implemented", async () => {
  await assert.rejects(client.getAllProducts({}), isUnimplemented);
});

test("GetProductById answers UNIMPLEMENTED until it is implemented", async () => {
  await assert.rejects(client.getProductById({}), isUnimplemented);
});
