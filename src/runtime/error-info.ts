/**
 * Typed errors of an error catalog (gen-svc's `error_catalog` option): a ServiceError carrying a
 * `google.rpc.ErrorInfo` (reason, domain, metadata), and the check that recognises one, whether
 * it was made here or received by a gRPC or HTTP client (both decode the details of the
 * `google.rpc.Status`). The generated `src/gen/errors.ts` calls these.
 */
import type { Code } from "./code.js";
import { packDetail, ServiceError, type ServiceErrorOptions } from "./errors.js";
import { ErrorInfoSchema, type ErrorInfo } from "./gen/google/rpc/error_details_pb.js";

/** One error of a catalog, as the generator declares it. */
export interface CatalogErrorSpec {
  readonly code: Code;
  readonly domain: string;
  readonly reason: string;
  /** The message used when the caller gives none. */
  readonly message: string;
}

/** What a caller may add to a catalog error. */
export interface CatalogErrorOptions extends Omit<ServiceErrorOptions, "details"> {
  /** Replaces the catalog's default message. */
  message?: string;
  /** More details, sent after the ErrorInfo (e.g. a `google.rpc.ResourceInfo`). */
  details?: ServiceErrorOptions["details"];
}

/** A ServiceError with the spec's code, message and an ErrorInfo first among its details. */
export function catalogError(spec: CatalogErrorSpec, metadata: Readonly<Record<string, string>>, options: CatalogErrorOptions = {}): ServiceError {
  const { message, details = [], ...rest } = options;
  const info = packDetail(ErrorInfoSchema, { reason: spec.reason, domain: spec.domain, metadata: { ...metadata } });
  return new ServiceError(spec.code, message ?? spec.message, { ...rest, details: [info, ...details] });
}

/** The error's `google.rpc.ErrorInfo`, if it is a ServiceError that has one. */
export function errorInfoOf(error: unknown): ErrorInfo | undefined {
  return error instanceof ServiceError ? error.findDetail(ErrorInfoSchema) : undefined;
}

/**
 * True when `error` is a ServiceError whose ErrorInfo has this domain and reason. The code is
 * not compared: the reason identifies the error, and a proxy may have changed the code.
 */
export function hasErrorReason(error: unknown, domain: string, reason: string): error is ServiceError {
  const info = errorInfoOf(error);
  return info !== undefined && info.domain === domain && info.reason === reason;
}
