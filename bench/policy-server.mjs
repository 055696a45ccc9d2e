// A server for bench/policy.mjs, run in its own process: the generated echo sample as
// `startServer` runs it, with the POLICIES given as the first argument (JSON; "" for none).
// Sends its port to the parent over IPC and stops on SIGTERM.
import { loadServerConfig } from "gen-svc/runtime";
import { startServer } from "../generated-samples/echo/dist/src/gen/server.js";
import { EchoHandler } from "../generated-samples/echo/dist/src/handlers/echo.js";

const policies = process.argv[2] ?? "";
const config = loadServerConfig(["--host", "127.0.0.1", "--grpc-port", "0", "--admin-port", "0", "--http-port", "0", "--registry", "none"], { POLICIES: policies });
const service = await startServer({ echo: new EchoHandler() }, { config });
process.send({ port: service.grpcPort });
process.once("SIGTERM", () => void service.shutdown().then(() => process.exit(0)));
