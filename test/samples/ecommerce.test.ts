// The ecommerce product service: paging, NOT_FOUND with a ResourceInfo detail, argument errors,
// and what a server says about methods and services it does not have.
import * as grpc from "@grpc/grpc-js";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { Code, ResourceInfoSchema, ServiceError } from "../../src/runtime/index.js";
import { ProductClient } from "../../generated-samples/ecommerce/ecommerce-product-v1/src/gen/product/grpc-client.js";
import { registerGrpcServices } from "../../generated-samples/ecommerce/ecommerce-product-v1/src/gen/server.js";
import { ProductHandler } from "../../generated-samples/ecommerce/ecommerce-product-v1/src/handlers/product.js";
import { Opened, rejectionOf } from "./serve.js";

/** Calls a path the server does not serve, with raw grpc-js, and returns the status code. */
function rawCallCode(port: number, path: string): Promise<number> {
  const raw = new grpc.Client(`127.0.0.1:${port}`, grpc.credentials.createInsecure());
  const identity = (b: Buffer) => b;
  return new Promise((resolve) => {
    raw.makeUnaryRequest(path, identity, identity, Buffer.alloc(0), (error) => {
      raw.close();
      resolve(error?.code ?? 0);
    });
  });
}

describe("ecommerce product sample", () => {
  const opened = new Opened();
  let client: ProductClient;
  let port: number;

  beforeAll(async () => {
    port = await opened.serve((s) => registerGrpcServices(s, { product: new ProductHandler() }));
    client = opened.track(new ProductClient(`127.0.0.1:${port}`));
  });
  afterAll(() => opened.closeAll());

  test("GetAllProducts pages through the catalogue", async () => {
    const first = await client.getAllProducts({ pageSize: 3 });
    expect(first.products.map((p) => p.id)).toEqual(["p-1001", "p-1002", "p-1003"]);
    expect(first.products[0]?.createdAt?.seconds).toBeGreaterThan(0n);
    const rest = await client.getAllProducts({ pageSize: 3, pageToken: first.nextPageToken });
    expect(rest.products.map((p) => p.id)).toEqual(["p-1004"]);
    expect(rest.nextPageToken).toBe("");
  });

  test("GetProductById returns the product", async () => {
    const product = await client.getProductById({ id: "p-1002" });
    expect([product.name, product.priceCents, product.currency]).toEqual(["Moka pot", 3450n, "EUR"]);
  });

  test("an unknown product is NOT_FOUND with a ResourceInfo detail and a Unicode message intact", async () => {
    const error = (await rejectionOf(client.getProductById({ id: "чашка-☕" }))) as ServiceError;
    expect(error.code).toBe(Code.NOT_FOUND);
    expect(error.message).toBe('product "чашка-☕" not found');
    expect(error.findDetail(ResourceInfoSchema)?.resourceName).toBe("чашка-☕");
  });

  test("a bad page token is INVALID_ARGUMENT", async () => {
    const error = (await rejectionOf(client.getAllProducts({ pageToken: "soon" }))) as ServiceError;
    expect(error.code).toBe(Code.INVALID_ARGUMENT);
  });

  test("unknown methods and unknown services answer UNIMPLEMENTED", async () => {
    expect(await rawCallCode(port, "/ecommerce.product.v1.ProductService/DeleteEverything")).toBe(Code.UNIMPLEMENTED);
    expect(await rawCallCode(port, "/nope.v1.Nothing/Get")).toBe(Code.UNIMPLEMENTED);
  });
});
