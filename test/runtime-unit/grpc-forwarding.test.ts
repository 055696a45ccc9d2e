/**
 * A handler that calls another service and rethrows its error: the caller gets the code, message
 * and details, but never the downstream peer's trailers unless the handler copies them.
 */
import { afterEach, describe, expect, it } from "vitest";
import {
  Code,
  ErrorInfoSchema,
  errorFromStatus,
  makeEndpoint,
  Metadata,
  packDetail,
  RemoteServiceError,
  ServiceError,
  type CallContext,
  type GrpcConnection,
} from "../../src/runtime/index.js";
import { collect, echo, Harness, rejectionOf } from "./harness.js";

const harness = new Harness();
afterEach(() => harness.closeAll());

/** A downstream server whose unary and streaming methods fail with trailers of their own. */
async function startDownstream(): Promise<GrpcConnection> {
  const fail = (ctx: CallContext): never => {
    ctx.responseTrailer.set("x-downstream-ctx", "secret-1");
    throw new ServiceError(Code.NOT_FOUND, "no such book", {
      details: [packDetail(ErrorInfoSchema, { reason: "BOOK_MISSING", domain: "library.example" })],
      metadata: { "x-downstream-error": "secret-2", "x-downstream-bin": new Uint8Array([1]) },
    });
  };
  const { client } = await harness.start({
    echo: makeEndpoint(echo.methods.echo, async (ctx) => fail(ctx)),
    expand: makeEndpoint(echo.methods.expand, async function* (ctx) {
      yield { index: 0 };
      fail(ctx);
    }),
  });
  return client;
}

const DOWNSTREAM_KEYS = ["x-downstream-ctx", "x-downstream-error", "x-downstream-bin"];

function expectForwardedWithoutTrailers(error: unknown): void {
  expect(error).toBeInstanceOf(RemoteServiceError);
  const e = error as RemoteServiceError;
  expect(e.code).toBe(Code.NOT_FOUND);
  expect(e.message).toBe("no such book");
  expect(e.findDetail(ErrorInfoSchema)).toMatchObject({ reason: "BOOK_MISSING" });
  for (const key of DOWNSTREAM_KEYS) expect(e.metadata.has(key)).toBe(false);
  // The middle service's own trailers still go out.
  expect(e.metadata.get("x-middle")).toBe("mine");
}

describe("errors from downstream calls", () => {
  it("a rethrown downstream error keeps code, message and details but not the peer's trailers (unary)", async () => {
    const downstream = await startDownstream();
    let seenByHandler: ServiceError | undefined;
    const { client } = await harness.start({
      echo: makeEndpoint(echo.methods.echo, async (ctx) => {
        ctx.responseTrailer.set("x-middle", "mine");
        try {
          return await downstream.unary(echo.methods.echo, {});
        } catch (error) {
          seenByHandler = error as ServiceError;
          throw error;
        }
      }),
    });
    expectForwardedWithoutTrailers(await rejectionOf(client.unary(echo.methods.echo, {})));
    // The handler itself did see the downstream trailers.
    expect(seenByHandler).toBeInstanceOf(RemoteServiceError);
    expect(seenByHandler?.metadata.get("x-downstream-ctx")).toBe("secret-1");
    expect(seenByHandler?.metadata.get("x-downstream-error")).toBe("secret-2");
  });

  it("a rethrown downstream error keeps code, message and details but not the peer's trailers (streaming)", async () => {
    const downstream = await startDownstream();
    const { client } = await harness.start({
      expand: makeEndpoint(echo.methods.expand, async function* (ctx) {
        ctx.responseTrailer.set("x-middle", "mine");
        yield* downstream.serverStream(echo.methods.expand, {});
      }),
    });
    expectForwardedWithoutTrailers(await rejectionOf(collect(client.serverStream(echo.methods.expand, {}))));
  });

  it("a handler may forward downstream trailers on purpose through ctx.responseTrailer", async () => {
    const downstream = await startDownstream();
    const { client } = await harness.start({
      echo: makeEndpoint(echo.methods.echo, async (ctx) => {
        try {
          return await downstream.unary(echo.methods.echo, {});
        } catch (error) {
          const e = error as ServiceError;
          ctx.responseTrailer.set("x-downstream-error", e.metadata.get("x-downstream-error") ?? "");
          throw e;
        }
      }),
    });
    const e = (await rejectionOf(client.unary(echo.methods.echo, {}))) as ServiceError;
    expect(e.code).toBe(Code.NOT_FOUND);
    expect(e.metadata.get("x-downstream-error")).toBe("secret-2");
    expect(e.metadata.has("x-downstream-ctx")).toBe(false);
  });

  it("errors a client makes itself are RemoteServiceErrors too, and their metadata is never sent", async () => {
    const downstream = await startDownstream();
    downstream.close();
    const closed = await rejectionOf(downstream.unary(echo.methods.echo, {}));
    expect(closed).toBeInstanceOf(RemoteServiceError);
    expect(closed).toMatchObject({ code: Code.UNAVAILABLE, message: "connection closed" });
    const aborted = await rejectionOf(downstream.unary(echo.methods.echo, {}, { signal: AbortSignal.abort() }));
    expect(aborted).toBeInstanceOf(RemoteServiceError);
    expect(aborted).toMatchObject({ code: Code.CANCELLED });

    const { client } = await harness.start({
      echo: makeEndpoint(echo.methods.echo, async () => {
        throw new RemoteServiceError(Code.UNAVAILABLE, "backend down", { metadata: { "x-leak": "1" } });
      }),
    });
    const e = (await rejectionOf(client.unary(echo.methods.echo, {}))) as ServiceError;
    expect(e).toMatchObject({ code: Code.UNAVAILABLE, message: "backend down" });
    expect(e.metadata.has("x-leak")).toBe(false);
  });

  it("errorFromStatus makes a RemoteServiceError that is still a ServiceError", () => {
    const e = errorFromStatus(Code.ABORTED, "try again", new Metadata({ "x-t": "1" }));
    expect(e).toBeInstanceOf(RemoteServiceError);
    expect(e).toBeInstanceOf(ServiceError);
    expect(ServiceError.from(e)).toBe(e);
    expect(e.metadata.get("x-t")).toBe("1");
    expect(String(e)).toBe("RemoteServiceError: ABORTED: try again");
  });
});
