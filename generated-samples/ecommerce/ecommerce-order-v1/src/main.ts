// The entry point of ecommerce-order-v1: configuration, the server, graceful shutdown.
// gen-svc wrote this file once; it was then edited to give the order handler its product client.
import { ConfigError, loadServerConfig, waitForShutdownSignal } from "gen-svc/runtime";
import { ProductClient } from "./gen/product/grpc-client.js";
import { startServer } from "./gen/server.js";
import { OrderHandler } from "./handlers/order.js";

async function main(): Promise<void> {
  const config = loadServerConfig(process.argv.slice(2), process.env);
  const server = await startServer(
    // The product service is found by name through the registry (REGISTRY), never by address:
    // calls are balanced over its instances (BALANCER) and follow them as they come and go.
    ({ connect }) => ({
      order: new OrderHandler(new ProductClient(connect("ecommerce.product.v1.ProductService"))),
    }),
    { config, env: process.env },
  );
  const signal = await waitForShutdownSignal(process);
  server.logger.info({ signal }, "signal received");
  await server.shutdown();
}

main().then(
  // Exit even if a timer or socket of a handler would keep the process alive.
  () => process.exit(0),
  (error: unknown) => {
    console.error(error instanceof ConfigError ? `ecommerce-order-v1: ${error.message}` : error);
    process.exit(1);
  },
);
