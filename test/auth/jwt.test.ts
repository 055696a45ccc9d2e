// JWT authentication against real sockets on both transports: a table of bad tokens, each refused
// with UNAUTHENTICATED (HTTP 401 with a Bearer challenge) without echoing the token; scopes and
// roles giving PERMISSION_DENIED (403); the principal reaching the handler; key rotation through a
// JWKS URL served by a local HTTP server.
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { authenticatorsFromConfig, bearerAuth, Code, jwtAuthenticator, loadServerConfig, remoteJwks, ServiceError } from "../../src/runtime/index.js";
import { rejectionOf } from "../support/streams.js";
import { echoSpecWithAuth, serveWithAuth, type AuthServers } from "./harness.js";
import { arrayPayloadToken, AUDIENCE, hmacWithPublicKey, ISSUER, jwksOf, JwksServer, signingKey, tokenOf, unsignedToken, validClaims, type SigningKey } from "./tokens.js";

const transports = ["grpc", "http"] as const;
const spec = echoSpecWithAuth({ mode: "jwt", scopes: ["echo.write"], roles: [] });

let dir: string;
let servers: AuthServers;
let rs: SigningKey;
let es: SigningKey;
let es384: SigningKey;
let stranger: SigningKey;
let unknownKid: SigningKey;

beforeAll(async () => {
  [rs, es, es384, stranger, unknownKid] = await Promise.all([
    signingKey("RS256", "k-rs"),
    signingKey("ES256", "k-es"),
    signingKey("ES384", "k-es384"),
    // Another key set's key under the same kid as a trusted one.
    signingKey("RS256", "k-rs"),
    signingKey("ES256", "k-unknown"),
  ]);
  dir = mkdtempSync(join(tmpdir(), "gen-svc-jwt-"));
  writeFileSync(join(dir, "jwks.json"), JSON.stringify(jwksOf(rs, es, es384)));
  // The settings path a generated service takes: JWT_JWKS_FILE, JWT_ISSUER, JWT_AUDIENCE, default algorithms.
  const config = loadServerConfig([], { JWT_JWKS_FILE: join(dir, "jwks.json"), JWT_ISSUER: ISSUER, JWT_AUDIENCE: `other-api,${AUDIENCE}` });
  servers = await serveWithAuth(spec, await authenticatorsFromConfig(config, Object.values(spec.methods)));
});

afterAll(async () => {
  await servers?.close();
  rmSync(dir, { recursive: true, force: true });
});

async function failure(promise: Promise<unknown>): Promise<ServiceError> {
  const error = await rejectionOf(promise);
  if (!(error instanceof ServiceError)) throw new Error(`expected a ServiceError, got ${String(error)}`);
  return error;
}

const hour = 3600;
const now = () => Math.floor(Date.now() / 1000);
const scoped = { scope: "echo.read echo.write" };

/** Each case: the authorization value (undefined: none sent) and what the message must say. */
const badTokens: Array<{ name: string; authorization: () => Promise<string | undefined>; message: RegExp }> = [
  { name: "missing", authorization: async () => undefined, message: /missing credentials/ },
  { name: "empty bearer", authorization: async () => "Bearer ", message: /Bearer <JWT>/ },
  { name: "wrong scheme", authorization: async () => "Basic dXNlcjpwYXNz", message: /Bearer <JWT>/ },
  { name: "malformed", authorization: async () => "Bearer not-a-jwt", message: /malformed/ },
  { name: "five parts (a JWE)", authorization: async () => "Bearer a.b.c.d.e", message: /malformed/ },
  { name: "expired", authorization: async () => `Bearer ${await tokenOf(rs, { ...scoped, iat: now() - 2 * hour, exp: now() - hour })}`, message: /expired/ },
  { name: "expired beyond the clock tolerance", authorization: async () => `Bearer ${await tokenOf(rs, { ...scoped, exp: now() - 30 })}`, message: /expired/ },
  { name: "not yet valid", authorization: async () => `Bearer ${await tokenOf(rs, { ...scoped, nbf: now() + hour })}`, message: /not yet valid/ },
  { name: "wrong audience", authorization: async () => `Bearer ${await tokenOf(rs, { ...scoped, aud: "billing-api" })}`, message: /audience/ },
  { name: "no audience", authorization: async () => `Bearer ${await tokenOf(rs, { ...scoped, aud: undefined })}`, message: /audience|aud/ },
  { name: "wrong issuer", authorization: async () => `Bearer ${await tokenOf(rs, { ...scoped, iss: "https://evil.test" })}`, message: /issuer/ },
  {
    name: "bad signature",
    authorization: async () => {
      const [h, p, s] = (await tokenOf(es, scoped)).split(".");
      const flipped = (s![10] === "A" ? "B" : "A") + s!.slice(11);
      return `Bearer ${h}.${p}.${s!.slice(0, 10)}${flipped}`;
    },
    message: /signature/,
  },
  {
    name: "payload changed after signing",
    authorization: async () => {
      const [h, , s] = (await tokenOf(rs, { scope: "echo.read" })).split(".");
      return `Bearer ${h}.${Buffer.from(JSON.stringify(validClaims(scoped))).toString("base64url")}.${s}`;
    },
    message: /signature/,
  },
  { name: "alg none", authorization: async () => `Bearer ${unsignedToken(validClaims(scoped))}`, message: /algorithm/ },
  { name: "HS256 signed with the public key", authorization: async () => `Bearer ${await hmacWithPublicKey(rs, validClaims(scoped))}`, message: /algorithm/ },
  { name: "algorithm not pinned (ES384)", authorization: async () => `Bearer ${await tokenOf(es384, scoped)}`, message: /algorithm/ },
  { name: "unknown kid", authorization: async () => `Bearer ${await tokenOf(unknownKid, scoped)}`, message: /no known key/ },
  { name: "from another key set (same kid)", authorization: async () => `Bearer ${await tokenOf(stranger, scoped)}`, message: /signature/ },
  { name: "wrong type (claims not an object)", authorization: async () => `Bearer ${await arrayPayloadToken(rs)}`, message: /malformed/ },
  { name: "no subject", authorization: async () => `Bearer ${await tokenOf(rs, { ...scoped, sub: undefined })}`, message: /sub/ },
];

describe.each(transports)("JWT over %s", (transport) => {
  it.each(badTokens)("refuses a token: $name", async ({ authorization, message }) => {
    const value = await authorization();
    const connection = servers.connect(transport);
    const error = await failure(servers.echo(connection, value === undefined ? {} : { authorization: value }));
    expect(error.code).toBe(Code.UNAUTHENTICATED);
    expect(error.message).toMatch(message);
    const token = value?.replace(/^\S+\s*/, "") ?? "";
    if (token.length > 8) expect(error.message).not.toContain(token);
  });

  it("accepts a valid token and hands the principal to the handler", async () => {
    for (const key of [rs, es]) {
      expect(await servers.echo(servers.connect(transport), { authorization: `Bearer ${await tokenOf(key, scoped)}` })).toBe("jwt:user-1");
    }
  });

  it("accepts scopes as an scp array, within the clock tolerance", async () => {
    const token = await tokenOf(es, { scp: ["echo.write"], exp: now() - 2 });
    expect(await servers.echo(servers.connect(transport), { authorization: `Bearer ${token}` })).toBe("jwt:user-1");
  });

  it("refuses a valid token without the required scope: PERMISSION_DENIED", async () => {
    const token = await tokenOf(rs, { scope: "echo.read" });
    const error = await failure(servers.echo(servers.connect(transport), { authorization: `Bearer ${token}` }));
    expect(error.code).toBe(Code.PERMISSION_DENIED);
    expect(error.message).toBe("missing scope: echo.write");
  });

  it("sends the token from the bearerAuth client middleware, fixed or per call", async () => {
    const token = await tokenOf(rs, scoped);
    expect(await servers.echo(servers.connect(transport, { middleware: [bearerAuth(token)] }))).toBe("jwt:user-1");
    let calls = 0;
    const perCall = bearerAuth(async (call) => {
      calls++;
      expect(call.method.name).toBe("Echo");
      return tokenOf(es, { ...scoped, sub: `caller-${calls}` });
    });
    const connection = servers.connect(transport, { middleware: [perCall] });
    expect(await servers.echo(connection)).toBe("jwt:caller-1");
    expect(await servers.echo(connection)).toBe("jwt:caller-2");
  });
});

describe("JWT refusals as HTTP", () => {
  it("401 with a Bearer challenge, 403 for a missing scope; the body never holds the token", async () => {
    const url = `http://127.0.0.1:${servers.httpPort}/echo.v1.Echo/Echo`;
    const post = (authorization?: string) =>
      fetch(url, { method: "POST", headers: { "content-type": "application/json", ...(authorization ? { authorization } : {}) }, body: "{}" });
    const missing = await post();
    expect(missing.status).toBe(401);
    expect(missing.headers.get("www-authenticate")).toMatch(/^Bearer error="invalid_token", error_description="missing credentials/);
    const expired = await tokenOf(rs, { ...scoped, exp: now() - hour });
    const refused = await post(`Bearer ${expired}`);
    expect(refused.status).toBe(401);
    const body = await refused.text();
    expect(JSON.parse(body)).toMatchObject({ code: Code.UNAUTHENTICATED, message: "token expired" });
    expect(body).not.toContain(expired.split(".")[1]);
    const denied = await post(`Bearer ${await tokenOf(rs, { scope: "echo.read" })}`);
    expect(denied.status).toBe(403);
    expect(await denied.json()).toMatchObject({ code: Code.PERMISSION_DENIED });
  });
});

describe("roles", () => {
  it("one listed role suffices; none of them is PERMISSION_DENIED", async () => {
    const key = await signingKey("ES256", "k-roles");
    const withRoles = echoSpecWithAuth({ mode: "jwt", scopes: [], roles: ["admin", "editor"] });
    const local = await serveWithAuth(withRoles, { jwt: jwtAuthenticator({ keys: async () => key.publicKey, algorithms: ["ES256"] }) });
    try {
      for (const transport of transports) {
        const connection = local.connect(transport);
        expect(await local.echo(connection, { authorization: `Bearer ${await tokenOf(key, { roles: ["viewer", "editor"] })}` })).toBe("jwt:user-1");
        const error = await failure(local.echo(connection, { authorization: `Bearer ${await tokenOf(key, { roles: ["viewer"] })}` }));
        expect([error.code, error.message]).toEqual([Code.PERMISSION_DENIED, "requires one of the roles: admin, editor"]);
      }
    } finally {
      await local.close();
    }
  });
});

describe("key rotation through a JWKS URL", () => {
  it("picks up a new key by its kid, drops a retired one, and refetches at most once per cooldown", async () => {
    const jwks = new JwksServer();
    const url = await jwks.start();
    const [k1, k2, k3] = await Promise.all([signingKey("RS256", "2026-01"), signingKey("ES256", "2026-02"), signingKey("EdDSA", "2026-03")]);
    jwks.publish(jwksOf(k1));
    const rotating = echoSpecWithAuth({ mode: "jwt", scopes: [], roles: [] });
    const verify = (cooldownMs: number) => jwtAuthenticator({ keys: remoteJwks(url, { cooldownMs }), algorithms: ["RS256", "ES256", "EdDSA"], issuer: ISSUER, audience: [AUDIENCE] });
    const quick = await serveWithAuth(rotating, { jwt: verify(0) });
    const slow = await serveWithAuth(rotating, { jwt: verify(30_000) });
    try {
      for (const transport of transports) {
        const connection = quick.connect(transport);
        const call = async (key: SigningKey) => quick.echo(connection, { authorization: `Bearer ${await tokenOf(key)}` });
        jwks.publish(jwksOf(k1));
        expect(await call(k1)).toBe("jwt:user-1");
        // Rotation: k2 is published and k1 retired; a token with k2's kid makes the server refetch.
        jwks.publish(jwksOf(k2));
        expect(await call(k2)).toBe("jwt:user-1");
        const retired = await failure(call(k1));
        expect([retired.code, retired.message]).toEqual([Code.UNAUTHENTICATED, "no known key matches the token (kid, alg)"]);
      }
      // Within the cooldown an unknown kid does not refetch: the new key is not seen yet.
      jwks.publish(jwksOf(k2));
      const connection = slow.connect("grpc");
      expect(await slow.echo(connection, { authorization: `Bearer ${await tokenOf(k2)}` })).toBe("jwt:user-1");
      const fetches = jwks.fetches;
      jwks.publish(jwksOf(k2, k3));
      const early = await failure(slow.echo(connection, { authorization: `Bearer ${await tokenOf(k3)}` }));
      expect(early.code).toBe(Code.UNAUTHENTICATED);
      expect(jwks.fetches).toBe(fetches);
    } finally {
      await Promise.all([quick.close(), slow.close()]);
      await jwks.close();
    }
  });

  it("a JWKS URL that cannot be reached is UNAVAILABLE, not the caller's fault", async () => {
    const jwks = new JwksServer();
    const url = await jwks.start();
    await jwks.close();
    const key = await signingKey("ES256", "k1");
    const local = await serveWithAuth(spec, { jwt: jwtAuthenticator({ keys: remoteJwks(url, { timeoutMs: 1000 }), algorithms: ["ES256"] }) });
    try {
      const error = await failure(local.echo(local.connect("grpc"), { authorization: `Bearer ${await tokenOf(key, scoped)}` }));
      expect([error.code, error.message]).toEqual([Code.UNAVAILABLE, "cannot load the token signing keys"]);
    } finally {
      await local.close();
    }
  });
});
