// The ecommerce order service calling the product service through discovery: both generated
// packages started with startServer in this process, sharing a real file-based local registry;
// order finds product by name (never by address), over gRPC and HTTP.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, afterEach, beforeAll, describe, expect, test } from "vitest";
import { BadRequestSchema, Code, errorInfoOf, loadServerConfig, ServiceError, type RunningService } from "../../src/runtime/index.js";
import { isOutOfStockError, isUnknownProductError } from "../../generated-samples/ecommerce/ecommerce-order-v1/src/gen/errors.js";
import { OrderClient } from "../../generated-samples/ecommerce/ecommerce-order-v1/src/gen/order/grpc-client.js";
import { OrderHttpClient } from "../../generated-samples/ecommerce/ecommerce-order-v1/src/gen/order/http-client.js";
import { ProductClient } from "../../generated-samples/ecommerce/ecommerce-order-v1/src/gen/product/grpc-client.js";
import { startServer as startOrder } from "../../generated-samples/ecommerce/ecommerce-order-v1/src/gen/server.js";
import { OrderHandler } from "../../generated-samples/ecommerce/ecommerce-order-v1/src/handlers/order.js";
import { startServer as startProduct } from "../../generated-samples/ecommerce/ecommerce-product-v1/src/gen/server.js";
import { ProductHandler } from "../../generated-samples/ecommerce/ecommerce-product-v1/src/handlers/product.js";
import { rejectionOf } from "./serve.js";

const PRODUCT = "ecommerce.product.v1.ProductService";
let registryDir: string;
const running: RunningService[] = [];
const closers: Array<() => void> = [];

function configFor(): ReturnType<typeof loadServerConfig> {
  return loadServerConfig([], {
    HOST: "127.0.0.1",
    GRPC_PORT: "0",
    HTTP_PORT: "0",
    ADMIN_PORT: "0",
    LOG_LEVEL: "silent",
    REGISTRY: `local://${registryDir}`,
    GRACE_PERIOD_MS: "1000",
    SHUTDOWN_DELAY_MS: "0",
  });
}

async function startProductService(): Promise<RunningService> {
  const service = await startProduct({ product: new ProductHandler() }, { config: configFor() });
  running.push(service);
  return service;
}

async function startOrderService(connectOptions: { waitForInstancesMs?: number } = {}): Promise<RunningService> {
  const service = await startOrder(({ connect }) => ({ order: new OrderHandler(new ProductClient(connect(PRODUCT, connectOptions))) }), { config: configFor() });
  running.push(service);
  return service;
}

beforeAll(() => {
  registryDir = mkdtempSync(join(tmpdir(), "gen-svc-ecommerce-"));
});
afterEach(async () => {
  for (const close of closers.splice(0)) close();
  await Promise.all(running.splice(0).map((service) => service.shutdown()));
});
afterAll(() => rmSync(registryDir, { recursive: true, force: true }));

describe("order -> product through the registry", () => {
  test("QuoteOrder prices the cart with the product service found by name, over gRPC and HTTP", async () => {
    await startProductService();
    const order = await startOrderService();
    const grpcClient = new OrderClient(`127.0.0.1:${order.grpcPort}`);
    const httpClient = new OrderHttpClient(`http://127.0.0.1:${order.httpPort}`);
    closers.push(() => grpcClient.close(), () => httpClient.close());

    // The order instance may start before it has seen product's record: allow the first second.
    const cart = { lines: [{ productId: "p-1002", quantity: 2 }, { productId: "p-1001", quantity: 1 }] };
    const quote = await retryUnavailable(() => grpcClient.quoteOrder(cart));
    expect(quote.lines.map((line) => [line.product?.name, line.lineTotalCents])).toEqual([
      ["Moka pot", 6900n],
      ["Espresso cup", 900n],
    ]);
    expect([quote.totalCents, quote.currency]).toEqual([7800n, "EUR"]);
    expect((await httpClient.quoteOrder(cart)).totalCents).toBe(7800n);

    const placed = await grpcClient.placeOrder({ requestId: "6d1f0c1e-0d7b-4c55-8a53-7a1c2b3d4e5f", ...cart });
    expect((await httpClient.getOrder({ id: placed.id })).quote?.totalCents).toBe(7800n);
  });

  test("order's typed errors (ErrorInfo) for product's NOT_FOUND and short stock; the contract's rules checked first", async () => {
    await startProductService();
    const order = await startOrderService();
    const client = new OrderClient(`127.0.0.1:${order.grpcPort}`);
    closers.push(() => client.close());
    await retryUnavailable(() => client.quoteOrder({ lines: [{ productId: "p-1001", quantity: 1 }] }));

    const missing = (await rejectionOf(client.quoteOrder({ lines: [{ productId: "p-404", quantity: 1 }] }))) as ServiceError;
    expect([missing.code, missing.message, isUnknownProductError(missing)]).toEqual([Code.NOT_FOUND, 'product "p-404" not found', true]);
    const tooMany = (await rejectionOf(client.quoteOrder({ lines: [{ productId: "p-1003", quantity: 13 }] }))) as ServiceError;
    expect([tooMany.code, isOutOfStockError(tooMany)]).toEqual([Code.FAILED_PRECONDITION, true]);
    expect(errorInfoOf(tooMany)?.metadata).toEqual({ productId: "p-1003", available: "12" });
    // buf.validate rules on the request: every violation listed, product never called.
    const invalid = (await rejectionOf(client.placeOrder({ requestId: "not-a-uuid", lines: [{ productId: "", quantity: 100 }] }))) as ServiceError;
    expect(invalid.code).toBe(Code.INVALID_ARGUMENT);
    const fields = invalid.findDetail(BadRequestSchema)?.fieldViolations.map((v) => v.field) ?? [];
    expect(fields.sort()).toEqual(["lines[0].product_id", "lines[0].quantity", "request_id"]);
  });

  test("with no product instance registered, order answers UNAVAILABLE once discovery gives up, rather than hang", async () => {
    const order = await startOrderService({ waitForInstancesMs: 500 });
    const client = new OrderClient(`127.0.0.1:${order.grpcPort}`);
    closers.push(() => client.close());
    const error = (await rejectionOf(client.quoteOrder({ lines: [{ productId: "p-1001", quantity: 1 }] }, { timeoutMs: 5_000 }))) as ServiceError;
    expect([error.code, error.message]).toEqual([Code.UNAVAILABLE, `no instances of ${PRODUCT}`]);
  });
});

/** Retries a call that fails with UNAVAILABLE for up to 2 s (discovery's first sighting). */
async function retryUnavailable<T>(call: () => Promise<T>): Promise<T> {
  const until = performance.now() + 2_000;
  for (;;) {
    try {
      return await call();
    } catch (error) {
      if (!(error instanceof ServiceError && error.code === Code.UNAVAILABLE) || performance.now() > until) throw error;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }
}
