/**
 * Serves a generated sample with the health and reflection services on 127.0.0.1:0, the way a
 * generated server will, and records which reflection methods were called.
 */
import type { DescFile } from "@bufbuild/protobuf";
import type { Server } from "@grpc/grpc-js";
import {
  addReflectionService,
  file_grpc_health_v1_health,
  HealthService,
  serveGrpc,
  type GrpcServerHandle,
  type Middleware,
} from "../../src/runtime/index.js";

/** A running server with health and reflection, and what the test needs to drive it. */
export interface ServedWithHealth {
  readonly handle: GrpcServerHandle;
  readonly health: HealthService;
  /** The path of every reflection call so far, e.g. `/grpc.reflection.v1.ServerReflection/ServerReflectionInfo`. */
  readonly reflectionCalls: string[];
}

/** What a sample brings: its registration, service names and descriptor files. */
export interface SampleServices {
  readonly register: (server: Server) => void;
  readonly serviceNames: readonly string[];
  readonly files: readonly DescFile[];
}

/** Starts the server; the caller stops it with `handle.shutdown(0)`. */
export async function serveWithHealth(sample: SampleServices): Promise<ServedWithHealth> {
  const health = new HealthService(sample.serviceNames);
  const reflectionCalls: string[] = [];
  const recordCalls: Middleware = (next) => (ctx, input) => {
    reflectionCalls.push(ctx.method.path);
    return next(ctx, input);
  };
  const handle = await serveGrpc({
    host: "127.0.0.1",
    port: 0,
    register: (server) => {
      sample.register(server);
      health.addTo(server);
      addReflectionService(server, [...sample.files, file_grpc_health_v1_health], { middleware: [recordCalls] });
    },
  });
  return { handle, health, reflectionCalls };
}
