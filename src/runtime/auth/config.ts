/**
 * The authenticators a service needs, built from its settings: only the modes its methods use,
 * and a ConfigError naming the missing setting when a used mode has no keys configured, so a
 * service never runs open by mistake.
 */
import { readFile } from "node:fs/promises";
import type { JSONWebKeySet } from "jose";
import { ConfigError } from "../config-error.js";
import type { ServerConfig } from "../config.js";
import type { PolicyOverrides } from "../policy/overrides.js";
import type { MethodSpec } from "../spec.js";
import { apiKeyAuthenticator, parseApiKeys } from "./api-key.js";
import { jwtAuthenticator, localJwks, remoteJwks } from "./jwt.js";
import { modesUsed, type Authenticators } from "./middleware.js";
import { mtlsAuthenticator, parseCertificateRoles } from "./mtls.js";

/** The settings {@link authenticatorsFromConfig} reads. */
export type AuthSettings = Pick<
  ServerConfig,
  "jwtJwksUrl" | "jwtJwksFile" | "jwtIssuer" | "jwtAudience" | "jwtAlgorithms" | "jwtClockToleranceSeconds" | "apiKeysFile" | "mtlsRolesFile" | "tlsClientCaFile"
>;

/**
 * Authenticators for every mode `methods` use. Throws ConfigError when a mode lacks its
 * configuration: jwt without JWT_JWKS_URL or JWT_JWKS_FILE (or with both), api_key without
 * API_KEYS_FILE, mtls without TLS_CLIENT_CA_FILE; or when a file cannot be read or parsed.
 * `overrides` (the `POLICIES` setting) may add or remove auth on methods.
 */
export async function authenticatorsFromConfig(settings: AuthSettings, methods: Iterable<MethodSpec>, overrides: PolicyOverrides = {}): Promise<Authenticators> {
  const modes = modesUsed(methods, overrides);
  const authenticators: Authenticators = {};
  if (modes.has("jwt")) authenticators.jwt = await jwtFromConfig(settings);
  if (modes.has("api_key")) {
    if (settings.apiKeysFile === "") throw new ConfigError("API_KEYS_FILE: methods require API keys (auth mode api_key) but no key file is configured");
    authenticators.api_key = apiKeyAuthenticator(parseApiKeys(await readSetting("API_KEYS_FILE", settings.apiKeysFile), `API_KEYS_FILE ${settings.apiKeysFile}`));
  }
  if (modes.has("mtls")) {
    if (settings.tlsClientCaFile === "") throw new ConfigError("TLS_CLIENT_CA_FILE: methods require client certificates (auth mode mtls) but mutual TLS is not configured");
    const roles = settings.mtlsRolesFile === "" ? {} : parseCertificateRoles(await readSetting("MTLS_ROLES_FILE", settings.mtlsRolesFile), `MTLS_ROLES_FILE ${settings.mtlsRolesFile}`);
    authenticators.mtls = mtlsAuthenticator(roles);
  }
  return authenticators;
}

async function jwtFromConfig(settings: AuthSettings) {
  const { jwtJwksUrl, jwtJwksFile } = settings;
  if (jwtJwksUrl === "" && jwtJwksFile === "") throw new ConfigError("JWT_JWKS_URL or JWT_JWKS_FILE: methods require JWTs (auth mode jwt) but no signing keys are configured");
  if (jwtJwksUrl !== "" && jwtJwksFile !== "") throw new ConfigError("JWT_JWKS_URL and JWT_JWKS_FILE: set one, not both");
  const keys = jwtJwksUrl !== "" ? remoteJwks(jwtJwksUrl) : localJwks(parseJwks(await readSetting("JWT_JWKS_FILE", jwtJwksFile), jwtJwksFile));
  return jwtAuthenticator({
    keys,
    algorithms: settings.jwtAlgorithms,
    issuer: settings.jwtIssuer,
    audience: settings.jwtAudience,
    clockToleranceSeconds: settings.jwtClockToleranceSeconds,
  });
}

function parseJwks(text: string, path: string): JSONWebKeySet {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new ConfigError(`JWT_JWKS_FILE ${path}: not JSON: ${error instanceof Error ? error.message : String(error)}`);
  }
  const keys = (value as { keys?: unknown } | null)?.keys;
  if (!Array.isArray(keys) || keys.length === 0) throw new ConfigError(`JWT_JWKS_FILE ${path}: must be a JWKS ({ "keys": [...] }) with at least one key`);
  if (keys.some((key: { kty?: unknown; d?: unknown }) => key?.kty === "oct" || key?.d !== undefined)) {
    throw new ConfigError(`JWT_JWKS_FILE ${path}: holds a private or symmetric key; publish public keys only`);
  }
  return value as JSONWebKeySet;
}

async function readSetting(setting: string, path: string): Promise<string> {
  try {
    return await readFile(path, "utf8");
  } catch (error) {
    throw new ConfigError(`${setting}: cannot read ${path}: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
  }
}
