/**
 * Server settings from command-line flags and environment variables (flags win), and waiting for
 * the signal that ends the process. The settings table also feeds the generated README.
 */
import { parseArgs } from "node:util";
import { BALANCER_NAMES, type BalancerName } from "./balance/balancers.js";
import { ConfigError } from "./config-error.js";
import { POLICY_SETTINGS } from "./config-policy.js";
import { SECURITY_SETTINGS } from "./config-security.js";
import { parseRegistryUrl } from "./registry/url.js";
import { DEFAULT_MAX_MESSAGE_BYTES } from "./grpc/limits.js";
import { LOG_LEVELS, type LogLevel } from "./logger.js";

/** What a generated server needs to start. */
export interface ServerConfig {
  /** Interface the servers listen on. */
  readonly host: string;
  /** Port of the gRPC server; 0 picks a free one. */
  readonly grpcPort: number;
  /** Port of the HTTP/JSON server; 0 picks a free one; "off" serves no HTTP. */
  readonly httpPort: number | "off";
  /** Whether every method is also served at `POST /<package>.<Service>/<Method>`. */
  readonly httpDefaultRoutes: boolean;
  /** How long shutdown waits for calls in flight before cancelling them. */
  readonly gracePeriodMs: number;
  /** Port of the admin HTTP server (/metrics, /healthz, /readyz); 0 picks a free one. */
  readonly adminPort: number;
  /** Lowest level of log lines written. */
  readonly logLevel: LogLevel;
  /** Successful calls logged per second before sampling starts; 0 logs every call. */
  readonly logCallsPerSecond: number;
  /** Whether responses carry the call's `x-request-id` (the caller's or a made-up one). */
  readonly requestIdInResponse: boolean;
  /** Largest message accepted or sent, in bytes. */
  readonly maxMessageBytes: number;
  /** Time between readiness going false and the server refusing new calls. */
  readonly shutdownDelayMs: number;
  /** Whether gRPC server reflection is served. */
  readonly reflection: boolean;
  /** Where instances register and clients discover them (a URL), or `none`. */
  readonly registry: string;
  /** The address registered for this instance; empty derives it (see the description). */
  readonly advertiseHost: string;
  /** How `server.connect` picks an instance per call. */
  readonly balancer: BalancerName;
  /** PEM certificate (chain) file of both servers; with `tlsKeyFile`, they serve TLS. Empty: plaintext. */
  readonly tlsCertFile: string;
  /** PEM private key file of `tlsCertFile`. */
  readonly tlsKeyFile: string;
  /** PEM CA file: when set, clients must present a certificate it signed (mutual TLS). */
  readonly tlsClientCaFile: string;
  /** JWKS URL the JWT keys come from (cached, refetched for an unknown `kid`). */
  readonly jwtJwksUrl: string;
  /** Local JWKS file the JWT keys come from (instead of a URL). */
  readonly jwtJwksFile: string;
  /** Required `iss` of JWTs; empty: not checked. */
  readonly jwtIssuer: string;
  /** Accepted `aud` values of JWTs (any one); empty: not checked. */
  readonly jwtAudience: readonly string[];
  /** JWT signature algorithms accepted (asymmetric only). */
  readonly jwtAlgorithms: readonly string[];
  /** Seconds of clock skew allowed when checking `exp` and `nbf`. */
  readonly jwtClockToleranceSeconds: number;
  /** JSON file of API keys (SHA-256 hash or value -> principal, scopes, roles). */
  readonly apiKeysFile: string;
  /** JSON file mapping client certificate subjects to roles (mTLS). */
  readonly mtlsRolesFile: string;
  /** Policy overrides (`POLICIES`): inline JSON or a JSON file's path, checked; "" for none. */
  readonly policies: string;
}

/**
 * The longest duration a setting may have: 2^31-1 ms (about 24.8 days), the most a Node timer
 * holds. Node runs a longer setTimeout after 1 ms instead, which would, for example, make a long
 * grace period cancel every call at once.
 */
export const MAX_DURATION_MS = 2_147_483_647;

export { ConfigError };

/** One row of {@link SERVER_SETTINGS}. */
export interface SettingDescription<K extends keyof ServerConfig = keyof ServerConfig> {
  /** Property of {@link ServerConfig}. */
  readonly name: K;
  /** Environment variable. */
  readonly env: string;
  /** Command-line flag, with its dashes. */
  readonly flag: string;
  readonly default: ServerConfig[K];
  readonly description: string;
  /** Parses a raw value; `source` names where it came from, for error messages. */
  readonly parse: (raw: string, source: string) => ServerConfig[K];
}

/** Every server setting: where it is read from, its default and what it does. */
export const SERVER_SETTINGS: readonly SettingDescription[] = [
  {
    name: "host",
    env: "HOST",
    flag: "--host",
    default: "0.0.0.0",
    description: "Interface to listen on (0.0.0.0 for all IPv4 interfaces, :: for all interfaces).",
    parse: parseHost,
  },
  {
    name: "grpcPort",
    env: "GRPC_PORT",
    flag: "--grpc-port",
    default: 50051,
    description: "Port of the gRPC server; 0 picks a free port.",
    parse: parsePort,
  },
  {
    name: "httpPort",
    env: "HTTP_PORT",
    flag: "--http-port",
    default: 8080,
    description: "Port of the HTTP/JSON server (google.api.http routes, /openapi.yaml); 0 picks a free port; off serves no HTTP.",
    parse: parsePortOrOff,
  },
  {
    name: "httpDefaultRoutes",
    env: "HTTP_DEFAULT_ROUTES",
    flag: "--http-default-routes",
    default: true,
    description: "Also serve every method at POST /<package>.<Service>/<Method> with the request as the body (true or false).",
    parse: parseBoolean,
  },
  {
    name: "gracePeriodMs",
    env: "GRACE_PERIOD_MS",
    flag: "--grace-period-ms",
    default: 10000,
    description: "Milliseconds shutdown waits for calls in flight before cancelling them.",
    parse: parseDuration,
  },
  {
    name: "adminPort",
    env: "ADMIN_PORT",
    flag: "--admin-port",
    default: 9090,
    description: "Port of the admin HTTP server: /metrics (Prometheus), /healthz, /readyz; 0 picks a free port.",
    parse: parsePort,
  },
  {
    name: "logLevel",
    env: "LOG_LEVEL",
    flag: "--log-level",
    default: "info",
    description: `Lowest level of log lines written: ${LOG_LEVELS.join(", ")}.`,
    parse: parseLogLevel,
  },
  {
    name: "logCallsPerSecond",
    env: "LOG_CALLS_PER_SECOND",
    flag: "--log-calls-per-second",
    default: 100,
    description: "Successful calls logged per second before sampling (1 in 100) starts; failures are always logged; 0 logs every call.",
    parse: parseCount,
  },
  {
    name: "requestIdInResponse",
    env: "REQUEST_ID_IN_RESPONSE",
    flag: "--request-id-in-response",
    default: false,
    description:
      "Send each call's request id back in the x-request-id response header (true or false): the caller's, or the one made up for the call. Either way it is in the call's log lines.",
    parse: parseBoolean,
  },
  {
    name: "maxMessageBytes",
    env: "MAX_MESSAGE_BYTES",
    flag: "--max-message-bytes",
    default: DEFAULT_MAX_MESSAGE_BYTES,
    description: "Largest request or response message in bytes; larger ones fail with RESOURCE_EXHAUSTED.",
    parse: parseMessageSize,
  },
  {
    name: "shutdownDelayMs",
    env: "SHUTDOWN_DELAY_MS",
    flag: "--shutdown-delay-ms",
    default: 0,
    description: "Milliseconds between readiness turning false and refusing new calls, for load balancers to notice.",
    parse: parseDuration,
  },
  {
    name: "reflection",
    env: "REFLECTION",
    flag: "--reflection",
    default: true,
    description: "Serve gRPC server reflection (true or false), so tools like grpcurl and buf curl need no schema.",
    parse: parseBoolean,
  },
  {
    name: "registry",
    env: "REGISTRY",
    flag: "--registry",
    default: "local://",
    description:
      "Service registry to register in and discover from: local:// (this machine, no server), etcd://host:port, consul://host:port, mdns://, static://, k8s://, or none.",
    parse: parseRegistrySetting,
  },
  {
    name: "advertiseHost",
    env: "ADVERTISE_HOST",
    flag: "--advertise-host",
    default: "",
    description:
      "Address registered for this instance; empty uses HOST, or 127.0.0.1 for local://, or the first non-internal IPv4 address when HOST is a wildcard.",
    parse: parseAdvertiseHost,
  },
  {
    name: "balancer",
    env: "BALANCER",
    flag: "--balancer",
    default: "p2c",
    description: `How calls to other services (server.connect) pick an instance: ${BALANCER_NAMES.join(", ")} (power of two choices on calls in flight).`,
    parse: parseBalancer,
  },
  ...SECURITY_SETTINGS,
  ...POLICY_SETTINGS,
] satisfies [
  SettingDescription<"host">,
  SettingDescription<"grpcPort">,
  SettingDescription<"httpPort">,
  SettingDescription<"httpDefaultRoutes">,
  SettingDescription<"gracePeriodMs">,
  SettingDescription<"adminPort">,
  SettingDescription<"logLevel">,
  SettingDescription<"logCallsPerSecond">,
  SettingDescription<"requestIdInResponse">,
  SettingDescription<"maxMessageBytes">,
  SettingDescription<"shutdownDelayMs">,
  SettingDescription<"reflection">,
  SettingDescription<"registry">,
  SettingDescription<"advertiseHost">,
  SettingDescription<"balancer">,
  ...typeof SECURITY_SETTINGS,
  ...typeof POLICY_SETTINGS,
];

/**
 * Reads the settings from `argv` (arguments only, e.g. `process.argv.slice(2)`) and `env`.
 * Throws {@link ConfigError} for an unknown flag, a flag without a value or an invalid value.
 */
export function loadServerConfig(argv: readonly string[], env: Readonly<Record<string, string | undefined>>): ServerConfig {
  const flags = parseFlags(argv);
  const config: Record<string, unknown> = {};
  for (const setting of SERVER_SETTINGS) config[setting.name] = resolveSetting(setting, flags, env);
  return config as unknown as ServerConfig;
}

/**
 * Resolves with the first of SIGTERM or SIGINT that `proc` receives (usually `process`), and
 * stops listening for either, so a second signal gets Node's default behaviour (exit) again.
 */
export function waitForShutdownSignal(proc: SignalSource): Promise<NodeJS.Signals> {
  return new Promise((resolve) => {
    const signals: NodeJS.Signals[] = ["SIGTERM", "SIGINT"];
    const listeners = signals.map((signal) => {
      const listener = () => {
        for (const [i, s] of signals.entries()) proc.off(s, listeners[i]!);
        resolve(signal);
      };
      proc.once(signal, listener);
      return listener;
    });
  });
}

/** The part of `process` that {@link waitForShutdownSignal} needs. */
export interface SignalSource {
  once(event: NodeJS.Signals, listener: () => void): unknown;
  off(event: NodeJS.Signals, listener: () => void): unknown;
}

function parseFlags(argv: readonly string[]): Record<string, string | undefined> {
  const options = Object.fromEntries(SERVER_SETTINGS.map((s) => [s.flag.slice(2), { type: "string" as const }]));
  try {
    return parseArgs({ args: [...argv], options, strict: true, allowPositionals: false }).values as Record<string, string | undefined>;
  } catch (error) {
    // parseArgs says what is wrong ("Unknown option '--x'", "Option '--host <value>' argument missing").
    throw new ConfigError(error instanceof Error ? error.message : String(error));
  }
}

function resolveSetting(
  setting: SettingDescription,
  flags: Record<string, string | undefined>,
  env: Readonly<Record<string, string | undefined>>,
): unknown {
  const flag = flags[setting.flag.slice(2)];
  if (flag !== undefined) return setting.parse(flag, setting.flag);
  const fromEnv = env[setting.env];
  // An empty variable is treated as unset, as shells and compose files often produce them.
  if (fromEnv !== undefined && fromEnv !== "") return setting.parse(fromEnv, setting.env);
  return setting.default;
}

function parseHost(raw: string, source: string): string {
  const host = raw.trim();
  if (host === "" || /\s/.test(host)) throw new ConfigError(`${source}: "${raw}" is not a host name or address`);
  return host;
}

function parsePort(raw: string, source: string): number {
  const port = parseInteger(raw);
  if (port === undefined || port > 65535) throw new ConfigError(`${source}: "${raw}" is not a port (an integer from 0 to 65535)`);
  return port;
}

function parsePortOrOff(raw: string, source: string): number | "off" {
  return raw.trim().toLowerCase() === "off" ? "off" : parsePort(raw, source);
}

function parseDuration(raw: string, source: string): number {
  const ms = parseInteger(raw);
  if (ms === undefined || ms > MAX_DURATION_MS) {
    throw new ConfigError(`${source}: "${raw}" is not a duration in milliseconds (an integer from 0 to ${MAX_DURATION_MS})`);
  }
  return ms;
}

// The backend checks the rest (known scheme, its parameters) when it opens; here only the shape.
function parseRegistrySetting(raw: string, source: string): string {
  const url = raw.trim();
  if (url === "none") return url;
  try {
    parseRegistryUrl(url);
  } catch {
    throw new ConfigError(`${source}: "${raw}" is not a registry URL (e.g. local://, etcd://127.0.0.1:2379) or none`);
  }
  return url;
}

function parseAdvertiseHost(raw: string, source: string): string {
  return raw.trim() === "" ? "" : parseHost(raw, source);
}

function parseCount(raw: string, source: string): number {
  const count = parseInteger(raw);
  if (count === undefined) throw new ConfigError(`${source}: "${raw}" is not a count (an integer from 0)`);
  return count;
}

function parseMessageSize(raw: string, source: string): number {
  const bytes = parseInteger(raw);
  // grpc-js keeps sizes in 32-bit signed integers.
  if (bytes === undefined || bytes < 1 || bytes > MAX_DURATION_MS) {
    throw new ConfigError(`${source}: "${raw}" is not a size in bytes (an integer from 1 to ${MAX_DURATION_MS})`);
  }
  return bytes;
}

function parseBalancer(raw: string, source: string): BalancerName {
  const name = BALANCER_NAMES.find((n) => n === raw.trim().toLowerCase());
  if (name === undefined) throw new ConfigError(`${source}: "${raw}" is not a balancer (${BALANCER_NAMES.join(", ")})`);
  return name;
}

function parseLogLevel(raw: string, source: string): LogLevel {
  const level = LOG_LEVELS.find((name) => name === raw.trim().toLowerCase());
  if (level === undefined) throw new ConfigError(`${source}: "${raw}" is not a log level (${LOG_LEVELS.join(", ")})`);
  return level;
}

function parseBoolean(raw: string, source: string): boolean {
  const value = raw.trim().toLowerCase();
  if (value === "true" || value === "1") return true;
  if (value === "false" || value === "0") return false;
  throw new ConfigError(`${source}: "${raw}" is not true or false`);
}

// Digits only: Number() would also accept "", "0x1F", "1e3" and " 7 ".
function parseInteger(raw: string): number | undefined {
  if (!/^\d+$/.test(raw)) return undefined;
  const value = Number(raw);
  return Number.isSafeInteger(value) ? value : undefined;
}
