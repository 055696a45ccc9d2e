// TLS and mutual TLS on both transports with certificates made by openssl, API keys, and the
// settings path through startService: TLS_* files, and refusing to start when methods declare
// auth that no setting configures.
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  apiKeyAuth,
  apiKeyAuthenticator,
  apiKeySha256,
  Code,
  ConfigError,
  loadServerConfig,
  loadServerTls,
  mtlsAuthenticator,
  parseApiKeys,
  ServiceError,
  startService,
  type ClientTls,
  type ServerTls,
} from "../../src/runtime/index.js";
import { rejectionOf } from "../support/streams.js";
import { echoPackage, echoSpecWithAuth, serveWithAuth } from "./harness.js";
import { makePki, type Pki } from "./pki.js";

const transports = ["grpc", "http"] as const;
let pki: Pki;
let dir: string;

beforeAll(() => {
  pki = makePki();
  dir = mkdtempSync(join(tmpdir(), "gen-svc-auth-"));
});
afterAll(() => {
  pki?.remove();
  rmSync(dir, { recursive: true, force: true });
});

async function failure(promise: Promise<unknown>): Promise<ServiceError> {
  const error = await rejectionOf(promise);
  if (!(error instanceof ServiceError)) throw new Error(`expected a ServiceError, got ${String(error)}`);
  return error;
}

function serverTls(mutual: boolean): ServerTls {
  return { cert: pki.read(pki.serverCert), key: pki.read(pki.serverKey), ...(mutual ? { clientCa: pki.read(pki.caCert) } : {}) };
}

describe("API keys", () => {
  it("accepts a configured key (by hash or value) and refuses a wrong, missing or doubled one", async () => {
    const file = JSON.stringify([
      { sha256: apiKeySha256("k-ci-0123456789"), principal: "ci", scopes: ["echo.write"] },
      { key: "k-ops-0123456789", principal: "ops", scopes: [] },
    ]);
    const spec = echoSpecWithAuth({ mode: "api_key", scopes: ["echo.write"], roles: [] });
    const servers = await serveWithAuth(spec, { api_key: apiKeyAuthenticator(parseApiKeys(file, "keys.json")) });
    try {
      for (const transport of transports) {
        const connection = servers.connect(transport);
        expect(await servers.echo(connection, { "x-api-key": "k-ci-0123456789" })).toBe("api_key:ci");
        expect(await servers.echo(servers.connect(transport, { middleware: [apiKeyAuth("k-ci-0123456789")] }))).toBe("api_key:ci");
        const wrong = await failure(servers.echo(connection, { "x-api-key": "k-ci-0123456788" }));
        expect([wrong.code, wrong.message]).toEqual([Code.UNAUTHENTICATED, "API key not recognised"]);
        const missing = await failure(servers.echo(connection));
        expect([missing.code, missing.message]).toEqual([Code.UNAUTHENTICATED, "missing credentials: send the API key in x-api-key"]);
        const unscoped = await failure(servers.echo(connection, { "x-api-key": "k-ops-0123456789" }));
        expect([unscoped.code, unscoped.message]).toEqual([Code.PERMISSION_DENIED, "missing scope: echo.write"]);
      }
      // A plain HTTP client sends the key as the X-Api-Key header.
      const response = await fetch(`http://127.0.0.1:${servers.httpPort}/echo.v1.Echo/Echo`, { method: "POST", headers: { "content-type": "application/json", "x-api-key": "nope" }, body: "{}" });
      expect(response.status).toBe(401);
      expect(response.headers.get("www-authenticate")).toBeNull();
    } finally {
      await servers.close();
    }
  });

  it("a key file entry without principal, or with both hash and value, is a ConfigError", () => {
    expect(() => parseApiKeys(JSON.stringify([{ key: "k" }]), "keys.json")).toThrow(/keys.json: entry 0: principal/);
    expect(() => parseApiKeys(JSON.stringify([{ key: "k", sha256: "00".repeat(32), principal: "p" }]), "keys.json")).toThrow(/exactly one of sha256 and key/);
    expect(() => parseApiKeys("[]", "keys.json")).toThrow(ConfigError);
  });
});

describe("TLS", () => {
  it("serves both transports over TLS to a client trusting the CA; a plaintext client gets nothing", async () => {
    const servers = await serveWithAuth(echoSpecWithAuth({ mode: "none", scopes: [], roles: [] }), {}, serverTls(false));
    try {
      const tls: ClientTls = { ca: pki.read(pki.caCert) };
      for (const transport of transports) expect(await servers.echo(servers.connect(transport, { tls }))).toBe("anonymous");
      const untrusted = await failure(servers.echo(servers.connect("grpc", { tls: { ca: pki.read(pki.otherCaCert) } })));
      expect(untrusted.code).toBe(Code.UNAVAILABLE);
      const plaintext = await failure(servers.echo(servers.connect("grpc")));
      expect(plaintext.code).toBe(Code.UNAVAILABLE);
    } finally {
      await servers.close();
    }
  });
});

describe("mutual TLS", () => {
  it("identifies the caller by its certificate; another CA's certificate, or none, is refused", async () => {
    const spec = echoSpecWithAuth({ mode: "mtls", scopes: [], roles: ["reader"] });
    const servers = await serveWithAuth(spec, { mtls: mtlsAuthenticator({ "client-a": ["reader"] }) }, serverTls(true));
    const ca = pki.read(pki.caCert);
    try {
      for (const transport of transports) {
        const client: ClientTls = { ca, cert: pki.read(pki.clientCert), key: pki.read(pki.clientKey) };
        expect(await servers.echo(servers.connect(transport, { tls: client }))).toBe("mtls:client-a");
        const intruder: ClientTls = { ca, cert: pki.read(pki.otherClientCert), key: pki.read(pki.otherClientKey) };
        const refused = await failure(servers.echo(servers.connect(transport, { tls: intruder })));
        expect(refused.code).toBe(Code.UNAVAILABLE);
        const anonymous = await failure(servers.echo(servers.connect(transport, { tls: { ca } })));
        expect(anonymous.code).toBe(Code.UNAVAILABLE);
      }
    } finally {
      await servers.close();
    }
  });

  it("a certificate without a mapped role is PERMISSION_DENIED", async () => {
    const spec = echoSpecWithAuth({ mode: "mtls", scopes: [], roles: ["admin"] });
    const servers = await serveWithAuth(spec, { mtls: mtlsAuthenticator({ "client-a": ["reader"] }) }, serverTls(true));
    try {
      const tls: ClientTls = { ca: pki.read(pki.caCert), cert: pki.read(pki.clientCert), key: pki.read(pki.clientKey) };
      for (const transport of transports) {
        const error = await failure(servers.echo(servers.connect(transport, { tls })));
        expect([error.code, error.message]).toEqual([Code.PERMISSION_DENIED, "requires one of the roles: admin"]);
      }
    } finally {
      await servers.close();
    }
  });
});

describe("startService with the settings", () => {
  const base = ["--host", "127.0.0.1", "--grpc-port", "0", "--http-port", "0", "--admin-port", "0", "--registry", "none", "--log-level", "silent"];

  it("serves mTLS and mode mtls from TLS_CERT_FILE, TLS_KEY_FILE, TLS_CLIENT_CA_FILE and MTLS_ROLES_FILE", async () => {
    const roles = join(dir, "roles.json");
    writeFileSync(roles, JSON.stringify({ "client-a": ["reader"] }));
    const config = loadServerConfig(base, { TLS_CERT_FILE: pki.serverCert, TLS_KEY_FILE: pki.serverKey, TLS_CLIENT_CA_FILE: pki.caCert, MTLS_ROLES_FILE: roles });
    const spec = echoSpecWithAuth({ mode: "mtls", scopes: [], roles: ["reader"] });
    const service = await startService(echoPackage(spec), { config });
    const tls: ClientTls = { ca: pki.read(pki.caCert), cert: pki.read(pki.clientCert), key: pki.read(pki.clientKey) };
    const { GrpcConnection, HttpConnection } = await import("../../src/runtime/index.js");
    const connections = [new GrpcConnection(`127.0.0.1:${service.grpcPort}`, { tls }), new HttpConnection(`https://127.0.0.1:${service.httpPort}`, { tls })];
    try {
      for (const connection of connections) {
        const response = (await connection.unary(spec.methods["echo"]!, { text: "hi" }, { timeoutMs: 5000 })) as { text: string };
        expect(response.text).toBe("mtls:client-a");
      }
    } finally {
      for (const connection of connections) connection.close();
      await service.shutdown();
    }
  });

  it.each([
    ["jwt", {}, /JWT_JWKS_URL or JWT_JWKS_FILE: methods require JWTs/],
    ["api_key", {}, /API_KEYS_FILE: methods require API keys/],
    ["mtls", {}, /TLS_CLIENT_CA_FILE: methods require client certificates/],
    ["jwt", { JWT_JWKS_FILE: "/nonexistent/jwks.json" }, /JWT_JWKS_FILE: cannot read/],
  ] as const)("mode %s with settings %j does not start: ConfigError", async (mode, env, message) => {
    const config = loadServerConfig(base, env);
    const start = startService(echoPackage(echoSpecWithAuth({ mode, scopes: [], roles: [] })), { config });
    const error = await rejectionOf(start);
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as Error).message).toMatch(message);
  });

  it("POLICIES can require auth at run time: without keys the service does not start", async () => {
    const policies = JSON.stringify({ "echo.v1.Echo/Echo": { auth: { mode: "api_key", scopes: [], roles: [] } } });
    const config = loadServerConfig([...base, "--policies", policies], {});
    const error = await rejectionOf(startService(echoPackage(echoSpecWithAuth({ mode: "none", scopes: [], roles: [] })), { config }));
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as Error).message).toMatch(/API_KEYS_FILE: methods require API keys/);
  });

  it("TLS settings that do not fit together are a ConfigError naming them", async () => {
    await expect(loadServerTls({ tlsCertFile: pki.serverCert, tlsKeyFile: "", tlsClientCaFile: "" })).rejects.toThrow(/TLS_CERT_FILE and TLS_KEY_FILE go together/);
    await expect(loadServerTls({ tlsCertFile: "", tlsKeyFile: "", tlsClientCaFile: pki.caCert })).rejects.toThrow(/TLS_CLIENT_CA_FILE: mutual TLS needs/);
    await expect(loadServerTls({ tlsCertFile: pki.serverCert, tlsKeyFile: pki.clientKey, tlsClientCaFile: "" })).rejects.toThrow(/TLS_CERT_FILE\/TLS_KEY_FILE: .*key/i);
    await expect(loadServerTls({ tlsCertFile: pki.serverCert, tlsKeyFile: pki.serverKey, tlsClientCaFile: "" })).resolves.toMatchObject({ cert: expect.any(Buffer) });
  });
});
