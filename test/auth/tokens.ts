/**
 * Keys and tokens for the JWT tests, made with jose at test time: signing key pairs with a `kid`,
 * their public JWKS, tokens with chosen claims, and hand-built tokens jose would refuse to sign
 * (`alg: none`, HS256 keyed with a public key, claims that are not an object).
 */
import { createHmac } from "node:crypto";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { CompactSign, exportJWK, exportSPKI, generateKeyPair, SignJWT, type JWK, type JWTPayload, type CryptoKey } from "jose";

/** A signing key and its public JWK. */
export interface SigningKey {
  readonly kid: string;
  readonly alg: string;
  readonly privateKey: CryptoKey;
  readonly publicKey: CryptoKey;
  readonly publicJwk: JWK;
}

/** A key pair for `alg` published under `kid`. */
export async function signingKey(alg: string, kid: string): Promise<SigningKey> {
  const { privateKey, publicKey } = await generateKeyPair(alg, alg === "EdDSA" ? { crv: "Ed25519" } : {});
  const publicJwk = { ...(await exportJWK(publicKey)), kid, alg, use: "sig" };
  return { kid, alg, privateKey, publicKey, publicJwk };
}

/** The public JWKS of `keys`. */
export function jwksOf(...keys: SigningKey[]): { keys: JWK[] } {
  return { keys: keys.map((key) => key.publicJwk) };
}

export const ISSUER = "https://issuer.test";
export const AUDIENCE = "echo-api";

/** A token signed by `key`: sub, iss, aud, one hour of validity, plus `claims` (which win). */
export function tokenOf(key: SigningKey, claims: JWTPayload = {}, header: { kid?: string } = {}): Promise<string> {
  const now = Math.floor(Date.now() / 1000);
  return new SignJWT({ sub: "user-1", iss: ISSUER, aud: AUDIENCE, iat: now, exp: now + 3600, ...claims })
    .setProtectedHeader({ alg: key.alg, kid: header.kid ?? key.kid, typ: "JWT" })
    .sign(key.privateKey);
}

const b64 = (value: unknown) => Buffer.from(typeof value === "string" ? value : JSON.stringify(value)).toString("base64url");

/** A token with `alg: none` and no signature. */
export function unsignedToken(claims: JWTPayload): string {
  return `${b64({ alg: "none", typ: "JWT" })}.${b64(claims)}.`;
}

/** The classic HS/RS confusion: HS256 keyed with the server's public key (as PEM). */
export async function hmacWithPublicKey(key: SigningKey, claims: JWTPayload): Promise<string> {
  const secret = await exportSPKI(key.publicKey);
  const input = `${b64({ alg: "HS256", kid: key.kid, typ: "JWT" })}.${b64(claims)}`;
  return `${input}.${createHmac("sha256", secret).update(input).digest("base64url")}`;
}

/** A validly signed JWS whose payload is not a claims object (a JSON array). */
export function arrayPayloadToken(key: SigningKey): Promise<string> {
  return new CompactSign(Buffer.from(JSON.stringify(["not", "claims"]))).setProtectedHeader({ alg: key.alg, kid: key.kid, typ: "JWT" }).sign(key.privateKey);
}

/** Standard claims valid now, for hand-built tokens. */
export function validClaims(extra: JWTPayload = {}): JWTPayload {
  const now = Math.floor(Date.now() / 1000);
  return { sub: "user-1", iss: ISSUER, aud: AUDIENCE, iat: now, exp: now + 3600, ...extra };
}

/** A JWKS URL served by a local HTTP server whose keys the test changes; counts the fetches. */
export class JwksServer {
  #jwks: { keys: JWK[] } = { keys: [] };
  #server: Server | undefined;
  fetches = 0;

  /** Starts serving on 127.0.0.1:0; resolves with the URL. */
  async start(): Promise<string> {
    this.#server = createServer((_request, response) => {
      this.fetches++;
      response.writeHead(200, { "content-type": "application/json" });
      response.end(JSON.stringify(this.#jwks));
    });
    const server = this.#server;
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    return `http://127.0.0.1:${(server.address() as AddressInfo).port}/.well-known/jwks.json`;
  }

  /** What the URL serves from now on. */
  publish(jwks: { keys: JWK[] }): void {
    this.#jwks = jwks;
  }

  close(): Promise<void> {
    const server = this.#server;
    if (!server) return Promise.resolve();
    server.closeAllConnections();
    return new Promise((resolve) => server.close(() => resolve()));
  }
}
