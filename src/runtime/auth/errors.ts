/**
 * The two refusals of the authentication middleware. Messages say what is wrong so a caller can
 * fix it, and never repeat the credential itself.
 */
import { Code } from "../code.js";
import { HttpStatusError } from "../http/http-error.js";
import type { ServiceError } from "../errors.js";

/**
 * UNAUTHENTICATED (HTTP 401). For bearer tokens, the HTTP answer carries the `WWW-Authenticate:
 * Bearer` challenge of RFC 6750 (and gRPC gets it as a `www-authenticate` trailer).
 */
export function unauthenticated(message: string, scheme?: "Bearer"): ServiceError {
  if (scheme === undefined) return new HttpStatusError(401, Code.UNAUTHENTICATED, message);
  // RFC 6750 3: error_description is a quoted string without `"` or `\`.
  const challenge = `Bearer error="invalid_token", error_description="${message.replace(/["\\]/g, "'")}"`;
  return new HttpStatusError(401, Code.UNAUTHENTICATED, message, { headers: { "www-authenticate": challenge }, metadata: { "www-authenticate": challenge } });
}

/** PERMISSION_DENIED (HTTP 403): the caller is known but lacks a scope or role. */
export function permissionDenied(message: string): ServiceError {
  return new HttpStatusError(403, Code.PERMISSION_DENIED, message);
}
