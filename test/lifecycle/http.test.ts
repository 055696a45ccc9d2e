// The generated bookstore running as a process serves HTTP/JSON beside gRPC: its OpenAPI document
// at /openapi.yaml (valid OpenAPI 3.1), its google.api.http routes through the same middleware
// (the calls show in /metrics), and SIGTERM drains the HTTP port too: an open watch stream ends
// and the process exits 0. Its writes need a JWT with the bookstore.write scope (the contract's
// auth policy), verified against a key set file given by JWT_JWKS_FILE.
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { exportJWK, generateKeyPair, SignJWT } from "jose";
import { afterAll, afterEach, beforeAll, expect, test } from "vitest";
import { lintOpenApi } from "../openapi/validate.js";
import { buildSample, Processes, type BuiltSample } from "./sample-process.js";

let bookstore: BuiltSample;
const processes = new Processes();
const keysDir = mkdtempSync(join(tmpdir(), "gen-svc-bookstore-jwks-"));
let token: (scope: string) => Promise<string>;

beforeAll(async () => {
  bookstore = buildSample("bookstore");
  const { publicKey, privateKey } = await generateKeyPair("ES256");
  writeFileSync(join(keysDir, "jwks.json"), JSON.stringify({ keys: [{ ...(await exportJWK(publicKey)), kid: "k1", alg: "ES256", use: "sig" }] }));
  token = (scope) =>
    new SignJWT({ scope }).setProtectedHeader({ alg: "ES256", kid: "k1" }).setSubject("tester").setIssuer("https://issuer.test").setAudience("bookstore").setExpirationTime("5m").sign(privateKey);
});
afterEach(() => processes.killAll());
afterAll(() => {
  bookstore?.remove();
  rmSync(keysDir, { recursive: true, force: true });
});

const jwtSettings = () => ({ JWT_JWKS_FILE: join(keysDir, "jwks.json"), JWT_ISSUER: "https://issuer.test", JWT_AUDIENCE: "bookstore", JWT_ALGORITHMS: "ES256" });

test("writes need a JWT with the bookstore.write scope; reads are open", { timeout: 60_000 }, async () => {
  const service = await processes.startSample(bookstore, jwtSettings());
  const base = `http://127.0.0.1:${service.httpPort}`;
  const create = (headers: Record<string, string>) =>
    fetch(`${base}/v1/shelves?shelf_id=poetry`, { method: "POST", headers: { "content-type": "application/json", ...headers }, body: JSON.stringify({ theme: "Poetry" }) });

  const anonymous = await create({});
  expect([anonymous.status, anonymous.headers.get("www-authenticate")?.startsWith("Bearer")]).toEqual([401, true]);
  const readOnly = await create({ authorization: `Bearer ${await token("bookstore.read")}` });
  expect(readOnly.status).toBe(403);
  const writer = await create({ authorization: `Bearer ${await token("bookstore.read bookstore.write")}` });
  expect([writer.status, ((await writer.json()) as { name: string }).name]).toEqual([200, "shelves/poetry"]);
  expect((await fetch(`${base}/v1/shelves/poetry`)).status).toBe(200);
});

test("without a key set for its JWT methods the bookstore refuses to start, with one line", { timeout: 60_000 }, async () => {
  const running = processes.spawn(bookstore.main, { env: { HOST: "127.0.0.1", GRPC_PORT: "0", ADMIN_PORT: "0", HTTP_PORT: "0" } });
  const exit = await running.waitForExit(15_000);
  expect(exit.code).toBe(1);
  expect(running.stderr).toMatch(/^bookstore-v1: .*JWT_JWKS/m);
});

test("serves /openapi.yaml and the HTTP routes, counts them in /metrics, and drains HTTP on SIGTERM", { timeout: 60_000 }, async () => {
  const service = await processes.startSample(bookstore, { GRACE_PERIOD_MS: "2000", ...jwtSettings() });
  const base = `http://127.0.0.1:${service.httpPort}`;

  const document = await fetch(`${base}/openapi.yaml`);
  expect(document.headers.get("content-type")).toBe("application/yaml");
  expect(await lintOpenApi(await document.text())).toEqual([]);

  const shelves = (await (await fetch(`${base}/v1/shelves`)).json()) as { shelves: Array<{ name: string }> };
  expect(shelves.shelves.length).toBeGreaterThan(0);
  const metrics = await (await fetch(`${service.adminUrl}/metrics`)).text();
  expect(metrics).toMatch(/grpc_server_handled_total\{[^}]*grpc_method="ListShelves"[^}]*grpc_code="OK"\} 1/);

  const watch = await fetch(`${base}/v1/${shelves.shelves[0]!.name}:watch`);
  expect(watch.status).toBe(200);
  const body = watch.text().catch((error: unknown) => `cut: ${String(error)}`);
  service.process.signal("SIGTERM");
  // The watch never ends by itself: the drain ends it (cut at the grace period), and the process exits 0.
  expect(await body).toBeTypeOf("string");
  expect((await service.process.waitForExit(15_000)).code).toBe(0);
});
