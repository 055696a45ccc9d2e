// Tests for ecommerce.product.v1.ProductService: a real server on a free port, called
// through the generated client.
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

test("GetProductById returns a product", async () => {
  assert.equal((await client.getProductById({ id: "p-1001" })).name, "Espresso cup");
});

test("an unknown product is NOT_FOUND", async () => {
  await assert.rejects(client.getProductById({ id: "nope" }), (error: unknown) => error instanceof ServiceError && error.code === Code.NOT_FOUND);
});

test("GetAllProducts pages through the catalogue", async () => {
  const page = await client.getAllProducts({ pageSize: 2 });
  assert.equal(page.products.length, 2);
  assert.equal(page.nextPageToken, "2");
});
