/**
 * Bearer JWTs verified with `jose`: keys from a JWKS URL (cached, refetched for an unknown `kid`
 * after a cooldown, so rotated keys are picked up) or a local JWKS; `exp`/`nbf` with a small clock
 * tolerance, `iss` and `aud` when configured, and only the configured asymmetric algorithms, so
 * `alg: none` and an HS256 token "signed" with a public key never verify.
 */
import type { JSONWebKeySet, JWTPayload, JWTVerifyGetKey } from "jose";
import { Code } from "../code.js";
import type { CallContext } from "../context.js";
import { ServiceError } from "../errors.js";
import { unauthenticated } from "./errors.js";
import type { Principal } from "./principal.js";
import { loadModule } from "../lazy-module.js";

/** Options of {@link jwtAuthenticator}. */
export interface JwtAuthenticatorOptions {
  /** Where the verification keys come from: {@link remoteJwks} or {@link localJwks}. */
  readonly keys: JWTVerifyGetKey;
  /** Accepted algorithms, e.g. `["RS256", "ES256"]`; asymmetric ones only (see JWT_ALGORITHMS). */
  readonly algorithms: readonly string[];
  /** Required `iss`; undefined or empty: not checked. */
  readonly issuer?: string;
  /** `aud` values of which the token must carry one; undefined or empty: not checked. */
  readonly audience?: readonly string[];
  /** Seconds of clock skew allowed for `exp` and `nbf`; default 5. */
  readonly clockToleranceSeconds?: number;
}

/** Options of {@link remoteJwks}. */
export interface RemoteJwksOptions {
  /** The least time between two fetches caused by unknown `kid`s; default 30,000 ms. */
  readonly cooldownMs?: number;
  /** How long fetched keys are trusted before a refetch; default 600,000 ms. */
  readonly cacheMaxAgeMs?: number;
  /** Time limit of one fetch; default 5,000 ms. */
  readonly timeoutMs?: number;
}

/** Verifies a call's credential and says who made it; throws UNAUTHENTICATED when it cannot. */
export type Authenticator = (ctx: CallContext) => Promise<Principal>;

/** Keys fetched from a JWKS URL, cached; an unknown `kid` triggers a refetch (at most once per cooldown). */
export function remoteJwks(url: string | URL, options: RemoteJwksOptions = {}): JWTVerifyGetKey {
  return loadJose().createRemoteJWKSet(new URL(url), {
    cooldownDuration: options.cooldownMs ?? 30_000,
    cacheMaxAge: options.cacheMaxAgeMs ?? 600_000,
    timeoutDuration: options.timeoutMs ?? 5_000,
  });
}

/** Keys from a JWKS document (e.g. a file's contents, parsed). */
export function localJwks(jwks: JSONWebKeySet): JWTVerifyGetKey {
  return loadJose().createLocalJWKSet(jwks);
}

/** Authenticates calls by the `authorization: Bearer <JWT>` metadata. */
export function jwtAuthenticator(options: JwtAuthenticatorOptions): Authenticator {
  const verifyOptions = {
    algorithms: [...options.algorithms],
    clockTolerance: options.clockToleranceSeconds ?? 5,
    ...(options.issuer ? { issuer: options.issuer } : {}),
    ...(options.audience && options.audience.length > 0 ? { audience: [...options.audience] } : {}),
  };
  const { jwtVerify } = loadJose();
  return async (ctx) => {
    const token = bearerToken(ctx);
    let payload: JWTPayload;
    try {
      ({ payload } = await jwtVerify(token, options.keys, verifyOptions));
    } catch (error) {
      throw jwtFailure(error);
    }
    return principalOf(payload);
  };
}

/** The token of `authorization: Bearer <token>`, or UNAUTHENTICATED saying what is missing. */
export function bearerToken(ctx: Pick<CallContext, "requestMetadata">): string {
  const values = ctx.requestMetadata.getAll("authorization");
  if (values.length === 0) throw unauthenticated("missing credentials: send authorization: Bearer <JWT>", "Bearer");
  if (values.length > 1) throw unauthenticated("more than one authorization value", "Bearer");
  const value = values[0];
  const match = typeof value === "string" ? /^Bearer[ \t]+(\S+)[ \t]*$/i.exec(value) : null;
  if (!match?.[1]) throw unauthenticated("authorization must be: Bearer <JWT>", "Bearer");
  return match[1];
}

function principalOf(payload: JWTPayload): Principal {
  const subject = [payload.sub, payload["client_id"], payload["azp"]].find((v): v is string => typeof v === "string" && v !== "");
  if (subject === undefined) throw unauthenticated("token has no sub claim", "Bearer");
  return { mode: "jwt", subject, scopes: scopesOf(payload), roles: stringList(payload["roles"]), claims: payload };
}

/** `scope` (space separated, RFC 8693) or `scp` (an array, or a space separated string). */
function scopesOf(payload: JWTPayload): string[] {
  const scope = payload["scope"] ?? payload["scp"];
  return typeof scope === "string" ? scope.split(" ").filter((s) => s !== "") : stringList(scope);
}

function stringList(value: unknown): string[] {
  if (typeof value === "string") return [value];
  return Array.isArray(value) ? value.filter((v): v is string => typeof v === "string") : [];
}

/**
 * jose, loaded when JWTs are first configured: about 25 ms of start-up that services without JWT
 * authentication should not pay. jose is an ES module without top-level await, so Node's
 * require() loads it synchronously (the same instance an import would give).
 */
function loadJose(): typeof import("jose") {
  return loadModule<typeof import("jose")>("jose");
}

/** jose's failure as a message for the caller; fetching keys failing is the server's problem. */
function jwtFailure(error: unknown): ServiceError {
  const { errors } = loadJose();
  if (error instanceof errors.JWTExpired) return unauthenticated("token expired", "Bearer");
  if (error instanceof errors.JWTClaimValidationFailed) return unauthenticated(claimFailure(error), "Bearer");
  if (error instanceof errors.JOSEAlgNotAllowed) return unauthenticated("token algorithm not accepted", "Bearer");
  if (error instanceof errors.JWSSignatureVerificationFailed) return unauthenticated("token signature is invalid", "Bearer");
  if (error instanceof errors.JWKSNoMatchingKey || error instanceof errors.JWKSMultipleMatchingKeys) return unauthenticated("no known key matches the token (kid, alg)", "Bearer");
  if (error instanceof errors.JWKSTimeout || error instanceof errors.JWKSInvalid) {
    return new ServiceError(Code.UNAVAILABLE, "cannot load the token signing keys", { cause: error });
  }
  if (error instanceof errors.JOSEError) return unauthenticated("token is malformed", "Bearer");
  // A JWKS URL that cannot be reached (fetch throws a TypeError) is not the caller's fault.
  return new ServiceError(Code.UNAVAILABLE, "cannot load the token signing keys", { cause: error });
}

function claimFailure(error: InstanceType<typeof import("jose").errors.JWTClaimValidationFailed>): string {
  switch (error.claim) {
    case "nbf":
      return "token not yet valid";
    case "iat":
      return "token issued in the future";
    case "aud":
      return "token audience not accepted";
    case "iss":
      return "token issuer not accepted";
    default:
      return `token claim ${error.claim} is invalid`;
  }
}
