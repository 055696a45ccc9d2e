/**
 * The gRPC check of the FAKE Consul agent: what a real agent does for a check with `GRPC`
 * (`host:port/service`), a real `grpc.health.v1.Health/Check` call over a real socket, passing only
 * when the answer is SERVING (unreachable, an error or any other status is critical).
 */
import { create, fromBinary, toBinary } from "@bufbuild/protobuf";
import * as grpc from "@grpc/grpc-js";
import {
  HealthCheckRequestSchema,
  HealthCheckResponse_ServingStatus,
  HealthCheckResponseSchema,
} from "../../src/runtime/gen/grpc/health/v1/health_pb.js";

/** Splits Consul's `host:port/service` (the service part may be empty: the server as a whole). */
export function parseGrpcTarget(target: string): { address: string; service: string } {
  const slash = target.indexOf("/");
  return slash < 0 ? { address: target, service: "" } : { address: target.slice(0, slash), service: target.slice(slash + 1) };
}

/** One probe: true when the server says SERVING within `timeoutMs`. */
export function probeGrpcHealth(target: string, timeoutMs: number): Promise<boolean> {
  const { address, service } = parseGrpcTarget(target);
  const client = new grpc.Client(address, grpc.credentials.createInsecure());
  const request = toBinary(HealthCheckRequestSchema, create(HealthCheckRequestSchema, { service }));
  return new Promise((resolve) => {
    client.makeUnaryRequest(
      "/grpc.health.v1.Health/Check",
      (bytes: Uint8Array) => Buffer.from(bytes),
      (bytes: Buffer) => fromBinary(HealthCheckResponseSchema, bytes),
      request,
      { deadline: Date.now() + timeoutMs },
      (error, response) => {
        client.close();
        resolve(!error && response?.status === HealthCheckResponse_ServingStatus.SERVING);
      },
    );
  });
}
