// The start-up baseline for bench/startup.ts: the least a @grpc/grpc-js server can be. One service
// (a unary echo.v1.Echo/Echo passing bytes through, no protobuf library loaded) and grpc.health.v1
// from grpc-health-check, on 127.0.0.1:$GRPC_PORT. Prints one JSON "serving" line, as generated
// services do, once the port is bound; stops on SIGTERM.
import * as grpc from "@grpc/grpc-js";
import { HealthImplementation } from "grpc-health-check";

const bytes = (buffer) => buffer;
const echoService = {
  echo: {
    path: "/echo.v1.Echo/Echo",
    requestStream: false,
    responseStream: false,
    requestSerialize: bytes,
    requestDeserialize: bytes,
    responseSerialize: bytes,
    responseDeserialize: bytes,
  },
};

const server = new grpc.Server();
server.addService(echoService, { echo: (call, callback) => callback(null, call.request) });
new HealthImplementation({ "": "SERVING", "echo.v1.Echo": "SERVING" }).addToServer(server);
server.bindAsync(`127.0.0.1:${process.env.GRPC_PORT ?? 0}`, grpc.ServerCredentials.createInsecure(), (error, port) => {
  if (error) {
    console.error(error.message);
    process.exit(1);
  }
  console.log(JSON.stringify({ msg: "serving", grpc_port: port, startup_ms: Math.round(performance.now()) }));
});
process.once("SIGTERM", () => server.tryShutdown(() => process.exit(0)));
