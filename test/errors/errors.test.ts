/**
 * Typed errors from an error catalog: the CLI generates src/gen/errors.ts for test/errors/protos
 * (shop.v1.ShopError), the package type-checks with tsc --strict, and an error a handler throws
 * with a generated constructor is recognised by the generated `is...` check on what the
 * generated gRPC and HTTP clients receive.
 */
import { spawnSync } from "node:child_process";
import { readFileSync, rmSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  addGrpcService,
  Code,
  createHttpTranscoder,
  ErrorInfoSchema,
  errorInfoOf,
  recovery,
  RemoteServiceError,
  serveGrpc,
  serveHttp,
  type GrpcServerHandle,
  type HttpServerHandle,
} from "../../src/runtime/index.js";

const root = fileURLToPath(new URL("../..", import.meta.url));
// Inside the repository, so that the package resolves gen-svc and @bufbuild/protobuf from node_modules.
const out = `${root}.tmp/errors-shop`;

beforeAll(() => {
  rmSync(out, { recursive: true, force: true });
  const result = spawnSync(process.execPath, ["bin/gen-svc.js", "generate", "test/errors/protos", "-o", out, "--runtime", "file:../.."], { cwd: root, encoding: "utf8" });
  expect(result.stderr).toBe("");
  expect(result.status).toBe(0);
});
afterAll(() => rmSync(out, { recursive: true, force: true }));

describe("the generated errors.ts", () => {
  it("has a constructor and a check per catalog value, and the catalog's domain", () => {
    const errors = readFileSync(`${out}/src/gen/errors.ts`, "utf8");
    expect(errors).toContain('export const shopErrorDomain = "shop.example.com";');
    expect(errors).toMatch(/export function outOfStockError\(\s*metadata: \{ readonly sku: string; readonly available: string \},\s*options\?: CatalogErrorOptions,?\s*\): ServiceError/);
    expect(errors).toMatch(/code: Code\.FAILED_PRECONDITION,\s*domain: shopErrorDomain,\s*reason: "OUT_OF_STOCK",\s*message: "not enough items in stock"/);
    expect(errors).toContain("export function isOutOfStockError(error: unknown): error is ServiceError {");
    // A value without metadata keys takes no metadata, and its message defaults to the reason in words.
    expect(errors).toContain("export function cardDeclinedError(options?: CatalogErrorOptions): ServiceError {");
    expect(errors).toMatch(/reason: "CARD_DECLINED",\s*message: "card declined"/);
    expect(errors).toContain(" * Fewer items are in stock than were asked for.");
  });

  it("is exported from src/gen/index.ts", () => {
    expect(readFileSync(`${out}/src/gen/index.ts`, "utf8")).toContain('export * from "./errors.js";');
  });

  it("type-checks with tsc --strict", () => {
    const result = spawnSync(`${root}node_modules/.bin/tsc`, ["-p", `${out}/tsconfig.json`, "--noEmit"], { encoding: "utf8" });
    expect(result.stdout + result.stderr).toBe("");
    expect(result.status).toBe(0);
  });
});

describe("a typed error over real calls", () => {
  let grpcServer: GrpcServerHandle;
  let httpServer: HttpServerHandle;
  // The generated modules, loaded from the package written above (typed loosely: it is made at test time).
  let gen: Record<string, any>;

  beforeAll(async () => {
    gen = await import(`${out}/src/gen/index.ts`);
    const handler = {
      async buy(request: { sku: string; quantity: number }) {
        if (request.quantity > 2) throw gen["outOfStockError"]({ sku: request.sku, available: "2" });
        throw gen["cardDeclinedError"]({ message: "card 4242 declined" });
      },
    };
    const endpoints = gen["makeShopEndpoints"](handler, [recovery()]);
    grpcServer = await serveGrpc({ host: "127.0.0.1", port: 0, register: (server) => addGrpcService(server, gen["shopSpec"], endpoints) });
    httpServer = await serveHttp({ host: "127.0.0.1", port: 0, transcoder: createHttpTranscoder({ services: [{ spec: gen["shopSpec"], endpoints }] }) });
  });
  afterAll(async () => {
    await Promise.all([grpcServer?.shutdown(0), httpServer?.shutdown(0)]);
  });

  const clients = [
    { name: "gRPC", make: () => new gen["ShopClient"](`127.0.0.1:${grpcServer.port}`) },
    { name: "HTTP", make: () => new gen["ShopHttpClient"](`http://127.0.0.1:${httpServer.port}`) },
  ];

  it.each(clients)("is recognised with its ErrorInfo on the $name client", async ({ make }) => {
    const client = make();
    try {
      const error: unknown = await client.buy({ sku: "tea", quantity: 5 }).then(() => undefined, (e: unknown) => e);
      expect(error).toBeInstanceOf(RemoteServiceError);
      expect(gen["isOutOfStockError"](error)).toBe(true);
      expect(gen["isCardDeclinedError"](error)).toBe(false);
      const remote = error as RemoteServiceError;
      expect(remote.code).toBe(Code.FAILED_PRECONDITION);
      expect(remote.message).toBe("not enough items in stock");
      const info = errorInfoOf(error)!;
      expect({ reason: info.reason, domain: info.domain, metadata: info.metadata }).toEqual({ reason: "OUT_OF_STOCK", domain: "shop.example.com", metadata: { sku: "tea", available: "2" } });
      expect(remote.findDetails(ErrorInfoSchema)).toHaveLength(1);

      const declined: unknown = await client.buy({ sku: "tea", quantity: 1 }).then(() => undefined, (e: unknown) => e);
      expect(gen["isCardDeclinedError"](declined)).toBe(true);
      expect(gen["isOutOfStockError"](declined)).toBe(false);
      expect((declined as RemoteServiceError).code).toBe(Code.PERMISSION_DENIED);
      expect((declined as RemoteServiceError).message).toBe("card 4242 declined");
    } finally {
      client.close?.();
    }
  });

  it("is not confused by other errors", () => {
    expect(gen["isOutOfStockError"](new Error("OUT_OF_STOCK"))).toBe(false);
    expect(gen["isOutOfStockError"](undefined)).toBe(false);
  });
});
