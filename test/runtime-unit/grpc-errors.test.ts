/** Errors, deadlines and cancellation over real sockets. */
import { afterEach, describe, expect, it } from "vitest";
import {
  Code,
  ErrorInfoSchema,
  makeEndpoint,
  packDetail,
  RetryInfoSchema,
  ServiceError,
  type CallContext,
  type MethodSpec,
} from "../../src/runtime/index.js";
import type { EchoRequest } from "./fixtures/gen/echo_pb.js";
import { collect, echo, Harness, rejectionOf, sleep, waitFor } from "./harness.js";

const harness = new Harness();
afterEach(() => harness.closeAll());

const UNICODE = "ошибка ✓ 🚀 – 100% \"quoted\" ,;\n next line";

describe("errors", () => {
  it("a ServiceError keeps code, Unicode message, details and trailers", async () => {
    const { client } = await harness.start({
      echo: makeEndpoint(echo.methods.echo, async (ctx) => {
        ctx.responseTrailer.set("x-from-ctx", "1");
        throw new ServiceError(Code.FAILED_PRECONDITION, UNICODE, {
          details: [packDetail(ErrorInfoSchema, { reason: "STOCK_EMPTY", domain: "shop.example", metadata: { sku: "42" } })],
          metadata: { "x-from-error": "2" },
        });
      }),
    });
    const error = await rejectionOf(client.unary(echo.methods.echo, {}));
    expect(error).toBeInstanceOf(ServiceError);
    const e = error as ServiceError;
    expect(e.code).toBe(Code.FAILED_PRECONDITION);
    expect(e.message).toBe(UNICODE);
    expect(e.findDetail(ErrorInfoSchema)).toMatchObject({ reason: "STOCK_EMPTY", domain: "shop.example", metadata: { sku: "42" } });
    expect(e.findDetail(RetryInfoSchema)).toBeUndefined();
    expect(e.metadata.get("x-from-ctx")).toBe("1");
    expect(e.metadata.get("x-from-error")).toBe("2");
    // The details trailer is decoded into `details`, not left in the metadata.
    expect(e.metadata.has("grpc-status-details-bin")).toBe(false);
  });

  it("a plain Error becomes INTERNAL 'internal error'; the cause stays on the server", async () => {
    const { client, reported } = await harness.start({
      echo: makeEndpoint(echo.methods.echo, async () => {
        throw new Error("db password is hunter2");
      }),
    });
    const e = (await rejectionOf(client.unary(echo.methods.echo, {}))) as ServiceError;
    expect(e.code).toBe(Code.INTERNAL);
    expect(e.message).toBe("internal error");
    expect(e.cause).toBeUndefined();
    expect(JSON.stringify([...e.metadata])).not.toContain("hunter2");
    expect(reported).toHaveLength(1);
    expect((reported[0]?.cause as Error).message).toBe("db password is hunter2");
  });

  it("a stream that throws mid-way ends with the mapped status after the messages sent", async () => {
    const { client } = await harness.start({
      expand: makeEndpoint(echo.methods.expand, async function* () {
        yield { index: 0 };
        yield { index: 1 };
        throw new ServiceError(Code.RESOURCE_EXHAUSTED, UNICODE, { details: [packDetail(RetryInfoSchema, { retryDelay: { seconds: 3n } })] });
      }),
    });
    const received: number[] = [];
    const error = await rejectionOf(
      (async () => {
        for await (const res of client.serverStream(echo.methods.expand, {})) received.push(res.index);
      })(),
    );
    expect(received).toEqual([0, 1]);
    expect(error).toMatchObject({ code: Code.RESOURCE_EXHAUSTED, message: UNICODE });
    expect((error as ServiceError).findDetail(RetryInfoSchema)?.retryDelay?.seconds).toBe(3n);
  });

  it("client streaming and bidi handlers' errors reach the client", async () => {
    const { client } = await harness.start({
      collect: makeEndpoint(echo.methods.collect, async () => {
        throw new ServiceError(Code.INVALID_ARGUMENT, "bad batch");
      }),
      chat: makeEndpoint(echo.methods.chat, async function* () {
        throw new Error("secret");
      }),
    });
    async function* none() {}
    const e1 = await rejectionOf(client.clientStream(echo.methods.collect, none()));
    expect(e1).toMatchObject({ code: Code.INVALID_ARGUMENT, message: "bad batch" });
    const e2 = await rejectionOf(collect(client.bidiStream(echo.methods.chat, none())));
    expect(e2).toMatchObject({ code: Code.INTERNAL, message: "internal error" });
  });

  it("unknown methods, unknown services and missing endpoints answer UNIMPLEMENTED", async () => {
    const { client } = await harness.start({});
    const unknownMethod: MethodSpec<EchoRequest, unknown> = { ...echo.methods.echo, path: "/gensvc.test.echo.v1.EchoService/Nope" };
    const unknownService: MethodSpec<EchoRequest, unknown> = { ...echo.methods.echo, path: "/no.Such/Echo" };
    for (const method of [unknownMethod, unknownService, echo.methods.echo]) {
      expect(await rejectionOf(client.unary(method, {}))).toMatchObject({ code: Code.UNIMPLEMENTED });
    }
    expect(await rejectionOf(collect(client.serverStream(echo.methods.expand, {})))).toMatchObject({ code: Code.UNIMPLEMENTED });
  });

  it("metadata that cannot be encoded fails the call, on either side, without crashing", async () => {
    const { client, reported } = await harness.start({
      echo: makeEndpoint(echo.methods.echo, async (ctx) => {
        ctx.responseTrailer.set("x-name", "Zoë"); // text metadata must be printable ASCII
        return {};
      }),
    });
    const serverSide = await rejectionOf(client.unary(echo.methods.echo, {}));
    expect(serverSide).toMatchObject({ code: Code.INTERNAL, message: "internal error" });
    expect(reported).toHaveLength(1);
    const clientSide = await rejectionOf(client.unary(echo.methods.echo, {}, { metadata: { "x-name": "Zoë" } }));
    expect(clientSide).toBeInstanceOf(ServiceError);
    expect(clientSide).toMatchObject({ code: Code.INTERNAL, message: expect.stringContaining("illegal characters") });
  });

  it("a request that cannot be serialised fails the call without crashing", async () => {
    const { client } = await harness.start({ echo: makeEndpoint(echo.methods.echo, async () => ({})) });
    const bad = { count: "not a number" } as unknown as EchoRequest;
    const error = await rejectionOf(client.unary(echo.methods.echo, bad));
    expect(error).toBeInstanceOf(ServiceError);
    expect((error as ServiceError).code).toBe(Code.INTERNAL);
  });
});

describe("deadlines and cancellation", () => {
  /** A unary endpoint that records its context and waits until its signal aborts. */
  function hanging(seen: { ctx?: CallContext }) {
    return makeEndpoint(echo.methods.echo, async (ctx) => {
      seen.ctx = ctx;
      await sleep(60_000, ctx.signal);
      return {};
    });
  }

  it("an expired deadline: DEADLINE_EXCEEDED for the client, an aborted signal for the handler", async () => {
    const seen: { ctx?: CallContext } = {};
    const { client } = await harness.start({ echo: hanging(seen) });
    const started = Date.now();
    const error = await rejectionOf(client.unary(echo.methods.echo, {}, { timeoutMs: 150 }));
    expect(error).toMatchObject({ code: Code.DEADLINE_EXCEEDED });
    expect(Date.now() - started).toBeLessThan(2000);
    expect(seen.ctx?.deadline).toBeInstanceOf(Date);
    await waitFor(() => seen.ctx?.signal.aborted === true);
    expect(seen.ctx?.signal.reason).toMatchObject({ code: Code.DEADLINE_EXCEEDED });
  });

  it("an explicit deadline Date works the same way", async () => {
    const seen: { ctx?: CallContext } = {};
    const { client } = await harness.start({ echo: hanging(seen) });
    const error = await rejectionOf(client.unary(echo.methods.echo, {}, { deadline: new Date(Date.now() + 100) }));
    expect(error).toMatchObject({ code: Code.DEADLINE_EXCEEDED });
    await waitFor(() => seen.ctx?.signal.aborted === true);
  });

  it("aborting the client's signal: CANCELLED for the client, an aborted signal for the handler", async () => {
    const seen: { ctx?: CallContext } = {};
    const { client, reported } = await harness.start({ echo: hanging(seen) });
    const controller = new AbortController();
    const call = client.unary(echo.methods.echo, {}, { signal: controller.signal });
    await waitFor(() => seen.ctx !== undefined);
    controller.abort(new Error("user left"));
    const error = (await rejectionOf(call)) as ServiceError;
    expect(error.code).toBe(Code.CANCELLED);
    expect((error.cause as Error).message).toBe("user left");
    await waitFor(() => seen.ctx?.signal.aborted === true);
    expect(seen.ctx?.signal.reason).toMatchObject({ code: Code.CANCELLED });
    // Nobody hears a cancelled call's status, so nothing is reported.
    await sleep(20);
    expect(reported).toEqual([]);
  });

  it("an already aborted signal fails at once without calling", async () => {
    let calls = 0;
    const { client } = await harness.start({ echo: makeEndpoint(echo.methods.echo, async () => (calls++, {})) });
    const error = await rejectionOf(client.unary(echo.methods.echo, {}, { signal: AbortSignal.abort() }));
    expect(error).toMatchObject({ code: Code.CANCELLED });
    expect(calls).toBe(0);
  });

  it("breaking out of a response stream cancels the call; the handler's generator is closed", async () => {
    let signal: AbortSignal | undefined;
    let closed = false;
    const { client } = await harness.start({
      expand: makeEndpoint(echo.methods.expand, async function* (ctx) {
        signal = ctx.signal;
        try {
          for (let i = 0; ; i++) {
            yield { index: i };
            await sleep(1, ctx.signal);
          }
        } finally {
          closed = true;
        }
      }),
    });
    for await (const res of client.serverStream(echo.methods.expand, {})) {
      if (res.index === 3) break;
    }
    await waitFor(() => signal?.aborted === true && closed);
  });

  it("a client cancelling mid-stream never crashes the server (no unhandled rejections)", async () => {
    const problems: unknown[] = [];
    const onProblem = (error: unknown) => problems.push(error);
    process.on("unhandledRejection", onProblem);
    process.on("uncaughtException", onProblem);
    try {
      let finished = 0;
      const { client } = await harness.start({
        // Ignores the signal, keeps producing, then throws after the client is gone.
        expand: makeEndpoint(echo.methods.expand, async function* () {
          try {
            for (let i = 0; i < 200; i++) {
              yield { index: i, payload: new Uint8Array(16 * 1024) };
            }
            throw new Error("late failure");
          } finally {
            finished++;
          }
        }),
        // Reads requests that stop arriving when the client cancels.
        chat: makeEndpoint(echo.methods.chat, async function* (_ctx, reqs: AsyncIterable<EchoRequest>) {
          try {
            for await (const req of reqs) yield { text: req.text };
          } finally {
            finished++;
          }
        }),
      });
      for (let round = 0; round < 5; round++) {
        const controller = new AbortController();
        const stream = client.serverStream(echo.methods.expand, {}, { signal: controller.signal });
        const error = await rejectionOf(
          (async () => {
            for await (const res of stream) if (res.index === 2) controller.abort();
          })(),
        );
        expect(error).toMatchObject({ code: Code.CANCELLED });
      }
      async function* endless() {
        for (let i = 0; ; i++) {
          yield { text: String(i) };
          await sleep(1);
        }
      }
      for await (const res of client.bidiStream(echo.methods.chat, endless())) if (res.text === "5") break;
      await waitFor(() => finished === 6);
      await sleep(50);
      expect(problems).toEqual([]);
    } finally {
      process.off("unhandledRejection", onProblem);
      process.off("uncaughtException", onProblem);
    }
  });

  it("a request stream that throws cancels the call and surfaces that error", async () => {
    let serverSignal: AbortSignal | undefined;
    let readError: unknown;
    let completed = false;
    const { client } = await harness.start({
      collect: makeEndpoint(echo.methods.collect, async (ctx, reqs: AsyncIterable<EchoRequest>) => {
        serverSignal = ctx.signal;
        try {
          for await (const _ of reqs);
        } catch (error) {
          readError = error;
          throw error;
        }
        completed = true;
        return {};
      }),
    });
    async function* failing() {
      yield { text: "a" };
      await sleep(20);
      throw new Error("source broke");
    }
    const error = (await rejectionOf(client.clientStream(echo.methods.collect, failing()))) as ServiceError;
    expect(error.code).toBe(Code.CANCELLED);
    expect((error.cause as Error).message).toBe("source broke");
    await waitFor(() => serverSignal?.aborted === true);
    // grpc-js reports the reset stream as a normal end first; the handler must not believe it.
    await waitFor(() => readError !== undefined);
    expect(readError).toMatchObject({ code: Code.CANCELLED });
    expect(completed).toBe(false);
  });
});
