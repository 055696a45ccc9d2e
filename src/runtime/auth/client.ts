/**
 * Credentials on outgoing calls: client middleware that adds a bearer token or an API key to
 * every call's metadata, either fixed or from a function called per call (e.g. a token cache
 * that refreshes). Pass it in a connection's `middleware` option. A call that already carries
 * the metadata key keeps its own value.
 */
import type { ClientMiddleware, OutgoingCall } from "../outgoing.js";
import { Metadata } from "../metadata.js";
import { API_KEY_METADATA } from "./api-key.js";

/** A credential, or a function giving one per call (it sees the call: method, target). */
export type CredentialSource = string | ((call: OutgoingCall) => string | Promise<string>);

/** Sends `authorization: Bearer <token>` with every call. */
export function bearerAuth(token: CredentialSource): ClientMiddleware {
  return withMetadata("authorization", token, (value) => `Bearer ${value}`);
}

/** Sends `x-api-key: <key>` with every call. */
export function apiKeyAuth(key: CredentialSource): ClientMiddleware {
  return withMetadata(API_KEY_METADATA, key, (value) => value);
}

function withMetadata(name: string, source: CredentialSource, format: (value: string) => string): ClientMiddleware {
  return (next) => async (call, input) => {
    const metadata = new Metadata(call.options.metadata);
    if (metadata.get(name) === undefined) metadata.set(name, format(typeof source === "string" ? source : await source(call)));
    return next({ ...call, options: { ...call.options, metadata } }, input);
  };
}
