/**
 * `google.rpc.Status`: how error details travel. gRPC carries it binary-encoded in the
 * `grpc-status-details-bin` trailer; the HTTP transport can render it as JSON with
 * {@link statusRegistry}, which knows every standard detail type.
 */
import { create, createRegistry, fromBinary, toBinary, type Registry } from "@bufbuild/protobuf";
import { file_google_protobuf_duration } from "@bufbuild/protobuf/wkt";
import { RemoteServiceError, type ServiceError, toCode } from "./errors.js";
import type { Metadata } from "./metadata.js";
import { file_google_rpc_error_details } from "./gen/google/rpc/error_details_pb.js";
import { StatusSchema, file_google_rpc_status, type Status } from "./gen/google/rpc/status_pb.js";

/** The trailer that carries the binary `google.rpc.Status`. */
export const STATUS_DETAILS_KEY = "grpc-status-details-bin";

/**
 * Resolves `google.rpc.Status` and the standard details (`ErrorInfo`, `BadRequest`, ...) by
 * name, e.g. for `toJson`/`fromJson` of a Status whose details are `Any`.
 */
export const statusRegistry: Registry = createRegistry(
  file_google_rpc_status,
  file_google_rpc_error_details,
  file_google_protobuf_duration,
);

/** The `google.rpc.Status` of an error: its code, message and details. */
export function statusFromError(error: ServiceError): Status {
  return create(StatusSchema, { code: error.code, message: error.message, details: error.details });
}

/** Binary `google.rpc.Status` for the `grpc-status-details-bin` trailer. */
export function encodeStatus(status: Status): Uint8Array {
  return toBinary(StatusSchema, status);
}

/** Parses a `grpc-status-details-bin` value; undefined when it is not a valid Status. */
export function decodeStatus(bytes: Uint8Array): Status | undefined {
  try {
    return fromBinary(StatusSchema, bytes);
  } catch {
    // A peer's malformed details must not hide the status itself.
    return undefined;
  }
}

/**
 * The error a client sees for a received status, with the trailers as its metadata. The code and
 * message come from the status line itself (they are authoritative); the details come from the
 * binary Status if present.
 */
export function errorFromStatus(code: number, message: string, trailers: Metadata, detailsBin?: Uint8Array): RemoteServiceError {
  const status = detailsBin === undefined ? undefined : decodeStatus(detailsBin);
  return new RemoteServiceError(toCode(code), message, { details: status?.details ?? [], metadata: trailers });
}
