/**
 * `google.rpc.Status` as proto3 JSON: the body of every HTTP error response and the last frame of
 * every HTTP stream, so clients parse one shape whatever failed.
 */
import { create, toJson, type JsonValue, type Registry } from "@bufbuild/protobuf";
import { STATUS_CODES } from "node:http";
import type { Duplex } from "node:stream";
import { Code, httpStatusFromCode } from "../code.js";
import type { ServiceError } from "../errors.js";
import { RetryInfoSchema } from "../gen/google/rpc/error_details_pb.js";
import { StatusSchema } from "../gen/google/rpc/status_pb.js";
import { statusFromError } from "../status.js";
import { HttpStatusError } from "./http-error.js";

/** The Status of a finished call: code 0 with no message on success. */
export function statusJson(error: ServiceError | undefined, registry: Registry): JsonValue {
  if (error === undefined) return { code: Code.OK };
  try {
    return toJson(StatusSchema, statusFromError(error), { registry });
  } catch {
    // A detail whose type the registry does not know cannot be written as JSON; the code and
    // message must still reach the caller.
    return toJson(StatusSchema, create(StatusSchema, { code: error.code, message: error.message }));
  }
}

/** The HTTP status of an error: its own for transport failures, else the code's mapping. */
export function httpStatusOf(error: ServiceError): number {
  return error instanceof HttpStatusError ? error.httpStatus : httpStatusFromCode(error.code);
}

/**
 * Extra headers an error asks for: `Allow` on a 405, and `Retry-After` (whole seconds, rounded
 * up) when the error carries a google.rpc.RetryInfo detail, as a rate-limited call does.
 */
export function errorHeaders(error: ServiceError): Readonly<Record<string, string>> {
  if (error instanceof HttpStatusError) return error.headers;
  const delay = error.details.length === 0 ? undefined : error.findDetail(RetryInfoSchema)?.retryDelay;
  if (delay === undefined) return {};
  return { "retry-after": String(Math.max(1, Math.ceil(Number(delay.seconds) + delay.nanos / 1e9))) };
}

/**
 * Answers on a bare socket, where no ServerResponse exists (a refused WebSocket upgrade, a request
 * Node's parser rejected): the status line, a JSON body and `connection: close`, then the end.
 */
export function endSocketWithJson(socket: Duplex, httpStatus: number, body: string, headers: Readonly<Record<string, string>> = {}): void {
  const extra = Object.entries(headers).map(([name, value]) => `${name}: ${value}\r\n`).join("");
  socket.end(
    `HTTP/1.1 ${httpStatus} ${STATUS_CODES[httpStatus] ?? ""}\r\ncontent-type: application/json\r\ncontent-length: ${Buffer.byteLength(body)}\r\n${extra}connection: close\r\n\r\n${body}`,
  );
}
