/**
 * The TLS and authentication rows of the server settings table (see config.ts): certificate
 * files, where JWT keys come from and what a token must say, API key and mTLS role files. Only
 * their shape is checked here; the files are read when the service starts (auth/config.ts, tls.ts).
 */
import { ConfigError } from "./config-error.js";
import type { ServerConfig, SettingDescription } from "./config.js";

/** JWT algorithms a server may accept: asymmetric ones only, so a public key can never verify an HMAC. */
export const JWT_ALGORITHMS = ["RS256", "RS384", "RS512", "PS256", "PS384", "PS512", "ES256", "ES384", "ES512", "EdDSA", "Ed25519"] as const;

/** The settings rows of TLS and authentication, in README order. */
export const SECURITY_SETTINGS: [
  SettingDescription<"tlsCertFile">,
  SettingDescription<"tlsKeyFile">,
  SettingDescription<"tlsClientCaFile">,
  SettingDescription<"jwtJwksUrl">,
  SettingDescription<"jwtJwksFile">,
  SettingDescription<"jwtIssuer">,
  SettingDescription<"jwtAudience">,
  SettingDescription<"jwtAlgorithms">,
  SettingDescription<"jwtClockToleranceSeconds">,
  SettingDescription<"apiKeysFile">,
  SettingDescription<"mtlsRolesFile">,
] = [
  {
    name: "tlsCertFile",
    env: "TLS_CERT_FILE",
    flag: "--tls-cert-file",
    default: "",
    description: "PEM certificate (chain) of the gRPC and HTTP servers; with TLS_KEY_FILE both serve TLS. Empty: plaintext.",
    parse: parsePath,
  },
  {
    name: "tlsKeyFile",
    env: "TLS_KEY_FILE",
    flag: "--tls-key-file",
    default: "",
    description: "PEM private key of TLS_CERT_FILE.",
    parse: parsePath,
  },
  {
    name: "tlsClientCaFile",
    env: "TLS_CLIENT_CA_FILE",
    flag: "--tls-client-ca-file",
    default: "",
    description: "PEM CA certificates: when set, clients must present a certificate one of them signed (mutual TLS).",
    parse: parsePath,
  },
  {
    name: "jwtJwksUrl",
    env: "JWT_JWKS_URL",
    flag: "--jwt-jwks-url",
    default: "",
    description: "JWKS URL of the keys that sign JWTs (cached; refetched, at most every 30 s, for an unknown kid).",
    parse: parseUrl,
  },
  {
    name: "jwtJwksFile",
    env: "JWT_JWKS_FILE",
    flag: "--jwt-jwks-file",
    default: "",
    description: "Local JWKS file of the keys that sign JWTs, instead of JWT_JWKS_URL.",
    parse: parsePath,
  },
  {
    name: "jwtIssuer",
    env: "JWT_ISSUER",
    flag: "--jwt-issuer",
    default: "",
    description: "The iss a JWT must carry; empty: not checked.",
    parse: (raw) => raw.trim(),
  },
  {
    name: "jwtAudience",
    env: "JWT_AUDIENCE",
    flag: "--jwt-audience",
    default: [],
    description: "Comma-separated aud values of which a JWT must carry one; empty: not checked.",
    parse: parseList,
  },
  {
    name: "jwtAlgorithms",
    env: "JWT_ALGORITHMS",
    flag: "--jwt-algorithms",
    default: ["RS256", "PS256", "ES256", "EdDSA"],
    description: `Comma-separated JWT algorithms accepted, from: ${JWT_ALGORITHMS.join(", ")} (asymmetric only; none and HS* are refused).`,
    parse: parseAlgorithms,
  },
  {
    name: "jwtClockToleranceSeconds",
    env: "JWT_CLOCK_TOLERANCE_SECONDS",
    flag: "--jwt-clock-tolerance-seconds",
    default: 5,
    description: "Seconds of clock skew allowed when checking a JWT's exp and nbf (0 to 300).",
    parse: parseTolerance,
  },
  {
    name: "apiKeysFile",
    env: "API_KEYS_FILE",
    flag: "--api-keys-file",
    default: "",
    description: "JSON file of API keys: [{ sha256 or key, principal, scopes, roles }]; callers send one in x-api-key.",
    parse: parsePath,
  },
  {
    name: "mtlsRolesFile",
    env: "MTLS_ROLES_FILE",
    flag: "--mtls-roles-file",
    default: "",
    description: "JSON file mapping client certificate principals (subject CN or SAN) to roles: { \"principal\": [\"role\"] }.",
    parse: parsePath,
  },
];

function parsePath(raw: string): string {
  return raw.trim();
}

function parseUrl(raw: string, source: string): string {
  const text = raw.trim();
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new ConfigError(`${source}: "${raw}" is not a URL`);
  }
  if (url.protocol !== "https:" && url.protocol !== "http:") throw new ConfigError(`${source}: "${raw}" is not an http(s) URL`);
  return text;
}

function parseList(raw: string): readonly string[] {
  return raw
    .split(",")
    .map((part) => part.trim())
    .filter((part) => part !== "");
}

function parseAlgorithms(raw: string, source: string): ServerConfig["jwtAlgorithms"] {
  const names = parseList(raw);
  const known: readonly string[] = JWT_ALGORITHMS;
  const unknown = names.filter((name) => !known.includes(name));
  if (names.length === 0 || unknown.length > 0) {
    throw new ConfigError(`${source}: "${raw}" must list JWT algorithms from ${JWT_ALGORITHMS.join(", ")} (not ${unknown.join(", ") || "nothing"})`);
  }
  return names;
}

function parseTolerance(raw: string, source: string): number {
  const seconds = /^\d{1,3}$/.test(raw.trim()) ? Number(raw.trim()) : Number.NaN;
  if (!(seconds <= 300)) throw new ConfigError(`${source}: "${raw}" is not a number of seconds from 0 to 300`);
  return seconds;
}
