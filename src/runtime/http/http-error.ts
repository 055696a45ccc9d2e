/**
 * Failures the HTTP transport itself detects (no route, wrong method, body too large, content
 * type not supported) need HTTP statuses that no status code maps to (405, 413, 415); they are
 * still ServiceErrors, so the response body is the same `google.rpc.Status` as for any error.
 */
import type { Code } from "../code.js";
import { ServiceError, type ServiceErrorOptions } from "../errors.js";

/** A ServiceError answered with a given HTTP status instead of the one its code maps to. */
export class HttpStatusError extends ServiceError {
  override readonly name: string = "HttpStatusError";
  /** The HTTP status to answer with. */
  readonly httpStatus: number;
  /** Extra response headers, e.g. `Allow` for a 405. */
  readonly headers: Readonly<Record<string, string>>;

  constructor(httpStatus: number, code: Code, message: string, options: ServiceErrorOptions & { headers?: Record<string, string> } = {}) {
    super(code, message, options);
    this.httpStatus = httpStatus;
    this.headers = options.headers ?? {};
  }
}
