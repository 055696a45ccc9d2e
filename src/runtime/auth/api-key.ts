/**
 * API keys from the `x-api-key` metadata, checked against configured keys. Keys are kept as
 * SHA-256 digests and every configured digest is compared in constant time, so neither the
 * comparison nor an early exit tells a caller how close a guess was.
 */
import { createHash, timingSafeEqual } from "node:crypto";
import { ConfigError } from "../config-error.js";
import { unauthenticated } from "./errors.js";
import type { Authenticator } from "./jwt.js";
import type { Principal } from "./principal.js";

/** The metadata key an API key travels in (HTTP: the `X-Api-Key` header). */
export const API_KEY_METADATA = "x-api-key";

/** One configured key: its SHA-256 (hex) or, less safely, its value, and who holds it. */
export interface ApiKeyEntry {
  /** Lower-case hex SHA-256 of the key (preferred: the file then holds no secret). */
  readonly sha256?: string;
  /** The key itself. */
  readonly key?: string;
  /** Who the key belongs to: `ctx.auth.subject`. */
  readonly principal: string;
  readonly scopes?: readonly string[];
  readonly roles?: readonly string[];
}

interface StoredKey {
  readonly digest: Buffer;
  readonly principal: Principal;
}

/**
 * Authenticates calls by their `x-api-key`. Throws ConfigError for an entry without a principal
 * or with neither (or both of) `sha256` and `key`, naming the entry.
 */
export function apiKeyAuthenticator(entries: readonly ApiKeyEntry[]): Authenticator {
  const stored = entries.map((entry, i) => storedKey(entry, i));
  return async (ctx) => {
    const values = ctx.requestMetadata.getAll(API_KEY_METADATA);
    if (values.length === 0) throw unauthenticated(`missing credentials: send the API key in ${API_KEY_METADATA}`);
    const value = values[0];
    if (values.length > 1 || typeof value !== "string" || value === "") throw unauthenticated(`${API_KEY_METADATA} must hold one API key`);
    const digest = sha256(value);
    let found: Principal | undefined;
    // No early exit: every key is compared whatever matched.
    for (const key of stored) if (timingSafeEqual(key.digest, digest)) found = key.principal;
    if (!found) throw unauthenticated("API key not recognised");
    return found;
  };
}

/** Parses an API keys file (a JSON array of {@link ApiKeyEntry}); `source` names it in errors. */
export function parseApiKeys(text: string, source: string): ApiKeyEntry[] {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new ConfigError(`${source}: not JSON: ${error instanceof Error ? error.message : String(error)}`);
  }
  if (!Array.isArray(value) || value.length === 0) throw new ConfigError(`${source}: must be a non-empty JSON array of { sha256 or key, principal, scopes, roles }`);
  return value.map((entry: unknown, i) => {
    if (typeof entry !== "object" || entry === null) throw new ConfigError(`${source}: entry ${i} is not an object`);
    storedKey(entry as ApiKeyEntry, i, source);
    return entry as ApiKeyEntry;
  });
}

function storedKey(entry: ApiKeyEntry, index: number, source = "API keys"): StoredKey {
  const at = `${source}: entry ${index}`;
  if (typeof entry.principal !== "string" || entry.principal === "") throw new ConfigError(`${at}: principal must be a non-empty string`);
  if ((entry.sha256 === undefined) === (entry.key === undefined)) throw new ConfigError(`${at}: give exactly one of sha256 and key`);
  if (entry.sha256 !== undefined && !/^[0-9a-f]{64}$/i.test(entry.sha256)) throw new ConfigError(`${at}: sha256 must be 64 hex digits`);
  if (entry.key !== undefined && (typeof entry.key !== "string" || entry.key === "")) throw new ConfigError(`${at}: key must be a non-empty string`);
  for (const list of ["scopes", "roles"] as const) {
    const items = entry[list];
    if (items !== undefined && !(Array.isArray(items) && items.every((s) => typeof s === "string"))) throw new ConfigError(`${at}: ${list} must be an array of strings`);
  }
  const digest = entry.sha256 !== undefined ? Buffer.from(entry.sha256.toLowerCase(), "hex") : sha256(entry.key ?? "");
  return { digest, principal: { mode: "api_key", subject: entry.principal, scopes: [...(entry.scopes ?? [])], roles: [...(entry.roles ?? [])] } };
}

/** What {@link ApiKeyEntry.sha256} holds for `key`: its SHA-256 in lower-case hex. */
export function apiKeySha256(key: string): string {
  return sha256(key).toString("hex");
}

function sha256(value: string): Buffer {
  return createHash("sha256").update(value, "utf8").digest();
}
