// The entry point of echo-v1: configuration, the gRPC server, graceful shutdown.
// gen-svc wrote this file once and will not overwrite it.
import { ConfigError, loadServerConfig, serveGrpc, waitForShutdownSignal } from "gen-svc/runtime";
import { registerGrpcServices } from "./gen/server.js";
import { EchoHandler } from "./handlers/echo.js";

async function main(): Promise<void> {
  const config = loadServerConfig(process.argv.slice(2), process.env);
  const server = await serveGrpc({
    host: config.host,
    port: config.grpcPort,
    register: (grpcServer) =>
      registerGrpcServices(grpcServer, {
        echo: new EchoHandler(),
      }),
  });
  console.log(`echo-v1: gRPC listening on ${config.host}:${server.port}`);

  const signal = await waitForShutdownSignal(process);
  console.log(`echo-v1: ${signal} received, draining calls for up to ${config.gracePeriodMs} ms`);
  await server.shutdown(config.gracePeriodMs);
}

main().catch((error: unknown) => {
  console.error(error instanceof ConfigError ? `echo-v1: ${error.message}` : error);
  process.exit(1);
});
