/**
 * ctx.signal, whenever a handler reads it (late, in a copy, after the call), says what happened
 * to the call: aborted with why when it was cancelled or expired, never after a normal finish.
 */
import { afterEach, describe, expect, it } from "vitest";
import { Code, makeEndpoint, ServiceError, type CallContext } from "../../src/runtime/index.js";
import { echo, Harness, rejectionOf, sleep, waitFor } from "./harness.js";

const harness = new Harness();
afterEach(() => harness.closeAll());

describe("ctx.signal", () => {
  it("read after the deadline passed: aborted, with DEADLINE_EXCEEDED", async () => {
    let signal: AbortSignal | undefined;
    const { client } = await harness.start({
      echo: makeEndpoint(echo.methods.echo, async (ctx: CallContext) => {
        await sleep(300);
        signal = ctx.signal;
        return {};
      }),
    });
    const error = await rejectionOf(client.unary(echo.methods.echo, {}, { timeoutMs: 100 }));
    expect((error as ServiceError).code).toBe(Code.DEADLINE_EXCEEDED);
    await waitFor(() => signal !== undefined);
    expect(signal!.aborted).toBe(true);
    expect(signal!.reason).toMatchObject({ code: Code.DEADLINE_EXCEEDED });
  });

  it("read in a copy made before the cancellation: aborts when the client cancels", async () => {
    let copy: CallContext | undefined;
    const { client } = await harness.start({
      echo: makeEndpoint(echo.methods.echo, async (ctx: CallContext) => {
        copy = { ...ctx };
        await sleep(60_000, copy.signal);
        return {};
      }),
    });
    const controller = new AbortController();
    const call = rejectionOf(client.unary(echo.methods.echo, {}, { signal: controller.signal }));
    await waitFor(() => copy !== undefined);
    expect(copy!.signal.aborted).toBe(false);
    controller.abort();
    await call;
    await waitFor(() => copy!.signal.aborted);
    expect(copy!.signal.reason).toMatchObject({ code: Code.CANCELLED });
  });

  it("read after the call finished normally: not aborted", async () => {
    let kept: CallContext | undefined;
    const { client } = await harness.start({
      echo: makeEndpoint(echo.methods.echo, async (ctx: CallContext) => {
        kept = ctx;
        return { text: "ok" };
      }),
    });
    await expect(client.unary(echo.methods.echo, {})).resolves.toMatchObject({ text: "ok" });
    // grpc-js reports a finished call as "cancelled" a tick later; the signal must not see it.
    await sleep(50);
    expect(kept!.signal.aborted).toBe(false);
  });
});
