/** Conversion between the runtime's {@link Metadata} and grpc-js metadata. */
import * as grpc from "@grpc/grpc-js";
import { Metadata } from "../metadata.js";
import { toBuffer, toBytes } from "./bytes.js";

/**
 * Keys starting with `grpc-` belong to the protocol (status, timeout, encoding, status details)
 * and are set by the transport itself, so they never pass between the two worlds as user data.
 */
export function isReserved(key: string): boolean {
  return key.startsWith("grpc-");
}

/** grpc-js metadata for sending; reserved `grpc-*` keys are left out. */
export function toGrpcMetadata(metadata: Metadata): grpc.Metadata {
  const out = new grpc.Metadata();
  for (const [key, value] of metadata) {
    if (isReserved(key)) continue;
    out.add(key, typeof value === "string" ? value : toBuffer(value));
  }
  return out;
}

/** The runtime's metadata for received grpc-js metadata; reserved `grpc-*` keys are left out. */
export function fromGrpcMetadata(metadata: grpc.Metadata | null | undefined): Metadata {
  const out = new Metadata();
  if (!metadata) return out;
  // toJSON() is the one public view of every value of every key, in order.
  for (const [key, values] of Object.entries(metadata.toJSON())) {
    if (isReserved(key)) continue;
    for (const value of values) out.append(key, typeof value === "string" ? value : toBytes(value));
  }
  return out;
}

/** The first binary value of a key, e.g. `grpc-status-details-bin`. */
export function getBinary(metadata: grpc.Metadata | null | undefined, key: string): Uint8Array | undefined {
  const value = metadata?.get(key)[0];
  return value === undefined || typeof value === "string" ? undefined : toBytes(value);
}
