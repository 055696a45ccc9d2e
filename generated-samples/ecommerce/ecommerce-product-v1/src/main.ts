// The entry point of ecommerce-product-v1: configuration, the server, graceful shutdown.
// gen-svc wrote this file once and will not overwrite it.
import { ConfigError, loadServerConfig, waitForShutdownSignal } from "gen-svc/runtime";
import { startServer } from "./gen/server.js";
import { ProductHandler } from "./handlers/product.js";

async function main(): Promise<void> {
  const config = loadServerConfig(process.argv.slice(2), process.env);
  const server = await startServer(
    {
      product: new ProductHandler(),
    },
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
    console.error(error instanceof ConfigError ? `ecommerce-product-v1: ${error.message}` : error);
    process.exit(1);
  },
);
