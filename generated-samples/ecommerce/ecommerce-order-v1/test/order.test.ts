// Example tests for ecommerce.order.v1.OrderService: a real server on a free port, called through
// the generated client. The product service is an in-memory catalogue here; the repository's
// own tests run both services as processes that find each other through the registry.
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { create } from "@bufbuild/protobuf";
import { Code, ServiceError, serveGrpc, validation, type GrpcServerHandle } from "gen-svc/runtime";
import { isOutOfStockError, isUnknownProductError } from "../src/gen/errors.js";
import { OrderClient } from "../src/gen/order/grpc-client.js";
import { makeOrderEndpoints } from "../src/gen/order/endpoints.js";
import { registerOrderGrpc } from "../src/gen/order/grpc-server.js";
import { ProductSchema, type Product } from "../src/gen/pb/ecommerce/product/v1/product_pb.js";
import { OrderHandler, type ProductCatalogue } from "../src/handlers/order.js";

const catalogue: Product[] = [
  create(ProductSchema, { id: "p-1", name: "Cup", priceCents: 900n, currency: "EUR", stock: 10 }),
  create(ProductSchema, { id: "p-2", name: "Pot", priceCents: 3450n, currency: "EUR", stock: 2 }),
];

const products: ProductCatalogue = {
  async getProductById(request) {
    const product = catalogue.find((p) => p.id === request.id);
    if (!product) throw new ServiceError(Code.NOT_FOUND, `product "${request.id}" not found`);
    return product;
  },
};

let server: GrpcServerHandle;
let client: OrderClient;

before(async () => {
  server = await serveGrpc({
    host: "127.0.0.1",
    port: 0,
    // validation() checks the contract's buf.validate rules, as startServer's default chain does.
    register: (s) => registerOrderGrpc(s, makeOrderEndpoints(new OrderHandler(products), [validation()])),
  });
  client = new OrderClient(`127.0.0.1:${server.port}`);
});

after(async () => {
  client.close();
  await server.shutdown(0);
});

function hasCode(code: Code): (error: unknown) => boolean {
  return (error) => error instanceof ServiceError && error.code === code;
}

test("QuoteOrder prices every line with the catalogue", async () => {
  const quote = await client.quoteOrder({ lines: [{ productId: "p-1", quantity: 3 }, { productId: "p-2", quantity: 1 }] });
  assert.equal(quote.totalCents, 3n * 900n + 3450n);
  assert.equal(quote.currency, "EUR");
  assert.deepEqual(quote.lines.map((l) => l.lineTotalCents), [2700n, 3450n]);
});

test("QuoteOrder: typed errors for an unknown product and too many units, INVALID_ARGUMENT for bad lines", async () => {
  await assert.rejects(client.quoteOrder({ lines: [{ productId: "p-9", quantity: 1 }] }), isUnknownProductError);
  await assert.rejects(client.quoteOrder({ lines: [{ productId: "p-2", quantity: 3 }] }), isOutOfStockError);
  await assert.rejects(client.quoteOrder({ lines: [] }), hasCode(Code.INVALID_ARGUMENT));
  await assert.rejects(client.quoteOrder({ lines: [{ productId: "p-1", quantity: 0 }] }), hasCode(Code.INVALID_ARGUMENT));
});

test("PlaceOrder places once per request_id, and GetOrder returns it", async () => {
  const requestId = "0f8e7a52-3c1e-4d0b-9f3a-2b6c1d9e8a70";
  const first = await client.placeOrder({ requestId, lines: [{ productId: "p-1", quantity: 1 }] });
  const again = await client.placeOrder({ requestId, lines: [{ productId: "p-1", quantity: 1 }] });
  assert.equal(again.id, first.id);
  assert.equal((await client.getOrder({ id: first.id })).quote?.totalCents, 900n);
  await assert.rejects(client.getOrder({ id: "o-404" }), hasCode(Code.NOT_FOUND));
});
