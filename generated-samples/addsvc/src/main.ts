// The entry point of addsvc-v1: configuration, the gRPC server, graceful shutdown.
// gen-svc wrote this file once and will not overwrite it.
import { ConfigError, loadServerConfig, serveGrpc, waitForShutdownSignal } from "gen-svc/runtime";
import { registerGrpcServices } from "./gen/server.js";
import { AddHandler } from "./handlers/add.js";

async function main(): Promise<void> {
  const config = loadServerConfig(process.argv.slice(2), process.env);
  const server = await serveGrpc({
    host: config.host,
    port: config.grpcPort,
    register: (grpcServer) =>
      registerGrpcServices(grpcServer, {
        add: new AddHandler(),
      }),
  });
  console.log(`addsvc-v1: gRPC listening on ${config.host}:${server.port}`);

  const signal = await waitForShutdownSignal(process);
  console.log(`addsvc-v1: ${signal} received, draining calls for up to ${config.gracePeriodMs} ms`);
  await server.shutdown(config.gracePeriodMs);
}

main().catch((error: unknown) => {
  console.error(error instanceof ConfigError ? `addsvc-v1: ${error.message}` : error);
  process.exit(1);
});
