// A server for bench/middleware.mjs, run in its own process: the generated echo sample, either
// with no middleware at all (`empty`) or as `startServer` runs it in production (`default`:
// tracing with no SDK, metrics, logging at the default sampling, recovery). Sends its port to the
// parent over IPC and stops on SIGTERM.
import { loadServerConfig, serveGrpc } from "gen-svc/runtime";
import { registerGrpcServices, startServer } from "../generated-samples/echo/dist/src/gen/server.js";
import { EchoHandler } from "../generated-samples/echo/dist/src/handlers/echo.js";

const variant = process.argv[2];
const handlers = { echo: new EchoHandler() };

async function start() {
  if (variant === "empty") {
    const handle = await serveGrpc({ host: "127.0.0.1", port: 0, register: (server) => registerGrpcServices(server, handlers) });
    return { port: handle.port, stop: () => handle.shutdown(0) };
  }
  if (variant === "default") {
    const config = loadServerConfig(["--host", "127.0.0.1", "--grpc-port", "0", "--admin-port", "0", "--http-port", "0"], {});
    const service = await startServer(handlers, { config });
    return { port: service.grpcPort, stop: () => service.shutdown() };
  }
  throw new Error(`unknown variant ${variant}`);
}

const server = await start();
process.send({ port: server.port });
process.once("SIGTERM", () => void server.stop().then(() => process.exit(0)));
