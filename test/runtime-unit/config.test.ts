/** loadServerConfig and waitForShutdownSignal. */
import { EventEmitter } from "node:events";
import { describe, expect, it } from "vitest";
import { ConfigError, loadServerConfig, SERVER_SETTINGS, waitForShutdownSignal } from "../../src/runtime/index.js";

const defaults = {
  host: "0.0.0.0",
  grpcPort: 50051,
  httpPort: 8080,
  httpDefaultRoutes: true,
  gracePeriodMs: 10000,
  adminPort: 9090,
  logLevel: "info",
  logCallsPerSecond: 100,
  requestIdInResponse: false,
  maxMessageBytes: 4194304,
  shutdownDelayMs: 0,
  reflection: true,
  registry: "local://",
  advertiseHost: "",
  balancer: "p2c",
  tlsCertFile: "",
  tlsKeyFile: "",
  tlsClientCaFile: "",
  jwtJwksUrl: "",
  jwtJwksFile: "",
  jwtIssuer: "",
  jwtAudience: [],
  jwtAlgorithms: ["RS256", "PS256", "ES256", "EdDSA"],
  jwtClockToleranceSeconds: 5,
  apiKeysFile: "",
  mtlsRolesFile: "",
  policies: "",
};

describe("loadServerConfig", () => {
  it("has defaults", () => {
    expect(loadServerConfig([], {})).toEqual(defaults);
  });

  it("reads the environment; empty variables count as unset", () => {
    const env = { HOST: "127.0.0.1", GRPC_PORT: "9000", GRACE_PERIOD_MS: "", UNRELATED: "x", LOG_LEVEL: "WARN", REFLECTION: "false" };
    expect(loadServerConfig([], env)).toEqual({ ...defaults, host: "127.0.0.1", grpcPort: 9000, logLevel: "warn", reflection: false });
  });

  it("lets flags win over the environment, in both flag forms", () => {
    const env = { HOST: "127.0.0.1", GRPC_PORT: "9000", GRACE_PERIOD_MS: "5", ADMIN_PORT: "1", MAX_MESSAGE_BYTES: "10" };
    const argv = ["--host", "::", "--grpc-port=0", "--grace-period-ms", "250", "--admin-port=0", "--max-message-bytes", "65536"];
    expect(loadServerConfig(argv, env)).toEqual({ ...defaults, host: "::", grpcPort: 0, gracePeriodMs: 250, adminPort: 0, maxMessageBytes: 65536 });
  });

  it.each([
    [[], { GRPC_PORT: "http" }, /GRPC_PORT: "http" is not a port/],
    [["--grpc-port", "70000"], {}, /--grpc-port: "70000" is not a port/],
    [[], { GRPC_PORT: "1e3" }, /GRPC_PORT/],
    [[], { GRACE_PERIOD_MS: "-1" }, /GRACE_PERIOD_MS: "-1" is not a duration/],
    [["--grace-period-ms", "1.5"], {}, /--grace-period-ms/],
    // Node runs longer timers after 1 ms: shutdown would cancel every call at once.
    [[], { GRACE_PERIOD_MS: "2147483648" }, /GRACE_PERIOD_MS: "2147483648" is not a duration .* 0 to 2147483647/],
    [["--grace-period-ms", "99999999999"], {}, /--grace-period-ms: .* 0 to 2147483647/],
    [["--host", " "], {}, /--host/],
    [["--grpc-port"], {}, /--grpc-port/],
    [["--verbose"], {}, /--verbose/],
    [["serve"], {}, /serve/],
    [[], { ADMIN_PORT: "-1" }, /ADMIN_PORT: "-1" is not a port/],
    [[], { LOG_LEVEL: "verbose" }, /LOG_LEVEL: "verbose" is not a log level \(trace, debug, info, warn, error, fatal, silent\)/],
    [[], { LOG_CALLS_PER_SECOND: "many" }, /LOG_CALLS_PER_SECOND: "many" is not a count/],
    [[], { MAX_MESSAGE_BYTES: "0" }, /MAX_MESSAGE_BYTES: "0" is not a size in bytes/],
    [["--shutdown-delay-ms", "soon"], {}, /--shutdown-delay-ms: "soon" is not a duration/],
    [[], { REFLECTION: "yes" }, /REFLECTION: "yes" is not true or false/],
    [[], { REGISTRY: "127.0.0.1:2379" }, /REGISTRY: "127.0.0.1:2379" is not a registry URL/],
    [["--advertise-host", "a b"], {}, /--advertise-host/],
  ])("rejects %j with env %j", (argv, env, message) => {
    expect(() => loadServerConfig(argv, env)).toThrow(ConfigError);
    expect(() => loadServerConfig(argv, env)).toThrow(message);
  });

  it("turns HTTP off with HTTP_PORT=off and the default routes with HTTP_DEFAULT_ROUTES=false", () => {
    expect(loadServerConfig(["--http-port", "off"], { HTTP_DEFAULT_ROUTES: "false" })).toMatchObject({ httpPort: "off", httpDefaultRoutes: false });
    expect(() => loadServerConfig([], { HTTP_PORT: "http" })).toThrow(/HTTP_PORT: "http" is not a port/);
  });

  it("names the balancer of server.connect with BALANCER", () => {
    expect(loadServerConfig(["--balancer", "round-robin"], {}).balancer).toBe("round-robin");
    expect(() => loadServerConfig([], { BALANCER: "fastest" })).toThrow(/BALANCER: "fastest" is not a balancer \(round-robin, random, weighted, p2c\)/);
  });

  it("accepts the longest duration a timer holds", () => {
    expect(loadServerConfig([], { GRACE_PERIOD_MS: "2147483647" }).gracePeriodMs).toBe(2_147_483_647);
  });

  it("describes every setting for documentation", () => {
    expect(SERVER_SETTINGS.map((s) => [s.name, s.env, s.flag, s.default])).toEqual([
      ["host", "HOST", "--host", "0.0.0.0"],
      ["grpcPort", "GRPC_PORT", "--grpc-port", 50051],
      ["httpPort", "HTTP_PORT", "--http-port", 8080],
      ["httpDefaultRoutes", "HTTP_DEFAULT_ROUTES", "--http-default-routes", true],
      ["gracePeriodMs", "GRACE_PERIOD_MS", "--grace-period-ms", 10000],
      ["adminPort", "ADMIN_PORT", "--admin-port", 9090],
      ["logLevel", "LOG_LEVEL", "--log-level", "info"],
      ["logCallsPerSecond", "LOG_CALLS_PER_SECOND", "--log-calls-per-second", 100],
      ["requestIdInResponse", "REQUEST_ID_IN_RESPONSE", "--request-id-in-response", false],
      ["maxMessageBytes", "MAX_MESSAGE_BYTES", "--max-message-bytes", 4194304],
      ["shutdownDelayMs", "SHUTDOWN_DELAY_MS", "--shutdown-delay-ms", 0],
      ["reflection", "REFLECTION", "--reflection", true],
      ["registry", "REGISTRY", "--registry", "local://"],
      ["advertiseHost", "ADVERTISE_HOST", "--advertise-host", ""],
      ["balancer", "BALANCER", "--balancer", "p2c"],
      ["tlsCertFile", "TLS_CERT_FILE", "--tls-cert-file", ""],
      ["tlsKeyFile", "TLS_KEY_FILE", "--tls-key-file", ""],
      ["tlsClientCaFile", "TLS_CLIENT_CA_FILE", "--tls-client-ca-file", ""],
      ["jwtJwksUrl", "JWT_JWKS_URL", "--jwt-jwks-url", ""],
      ["jwtJwksFile", "JWT_JWKS_FILE", "--jwt-jwks-file", ""],
      ["jwtIssuer", "JWT_ISSUER", "--jwt-issuer", ""],
      ["jwtAudience", "JWT_AUDIENCE", "--jwt-audience", []],
      ["jwtAlgorithms", "JWT_ALGORITHMS", "--jwt-algorithms", ["RS256", "PS256", "ES256", "EdDSA"]],
      ["jwtClockToleranceSeconds", "JWT_CLOCK_TOLERANCE_SECONDS", "--jwt-clock-tolerance-seconds", 5],
      ["apiKeysFile", "API_KEYS_FILE", "--api-keys-file", ""],
      ["mtlsRolesFile", "MTLS_ROLES_FILE", "--mtls-roles-file", ""],
      ["policies", "POLICIES", "--policies", ""],
    ]);
    for (const setting of SERVER_SETTINGS) expect(setting.description.length).toBeGreaterThan(10);
  });
});

describe("waitForShutdownSignal", () => {
  it.each(["SIGTERM", "SIGINT"] as const)("resolves on %s and stops listening", async (signal) => {
    const proc = new EventEmitter();
    const waiting = waitForShutdownSignal(proc);
    expect(proc.listenerCount("SIGTERM") + proc.listenerCount("SIGINT")).toBe(2);
    proc.emit(signal);
    await expect(waiting).resolves.toBe(signal);
    expect(proc.listenerCount("SIGTERM") + proc.listenerCount("SIGINT")).toBe(0);
  });
});
