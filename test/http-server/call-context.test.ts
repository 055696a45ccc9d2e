/**
 * The HTTP call context's signal is made on first read (its AbortController is a measurable share
 * of a small call): these tests pin that a late reader, a `{ ...ctx }` copy and a deadline all still
 * see the abort, over real sockets with the generated echo sample's endpoints.
 */
import { afterEach, describe, expect, test } from "vitest";
import { Code, type CallContext, type Middleware } from "../../src/runtime/index.js";
import { postJson, serveEchoHttp, type EchoHttp } from "./harness.js";
import { eventually } from "../runtime-middleware/harness.js";

let running: EchoHttp | undefined;
afterEach(async () => {
  await running?.server.shutdown(0);
  running = undefined;
});

/** A middleware that hands every context to `seen` and then runs `around`. */
function recording(seen: CallContext[], around: (ctx: CallContext, call: () => Promise<unknown>) => Promise<unknown>): Middleware {
  return (next) => (ctx, input) => {
    seen.push(ctx);
    return around(ctx, () => next(ctx, input)) as Promise<never>;
  };
}

describe("the call's signal", () => {
  test("a call nobody asks the signal of is answered; one whose client left first reads as aborted (CANCELLED) when read later", async () => {
    const seen: CallContext[] = [];
    let release!: () => void;
    const released = new Promise<void>((resolve) => (release = resolve));
    const readLate: Array<{ aborted: boolean; reason: unknown }> = [];
    const middleware = recording(seen, async (ctx, call) => {
      if (seen.length === 1) return call();
      // The second call: wait, without touching ctx.signal, until the test has dropped the client.
      await released;
      readLate.push({ aborted: ctx.signal.aborted, reason: ctx.signal.reason });
      return call();
    });
    running = await serveEchoHttp({ middleware: [middleware] });
    const answered = await postJson(running.url, "/echo.v1.Echo/Echo", { text: "plain" });
    expect(answered.status).toBe(200);
    expect(await answered.json()).toEqual({ text: "plain" });

    const client = new AbortController();
    const dropped = fetch(running.url + "/echo.v1.Echo/Echo", { method: "POST", headers: { "content-type": "application/json" }, body: "{}", signal: client.signal });
    await eventually(() => seen.length === 2);
    client.abort();
    await expect(dropped).rejects.toThrow();
    // Time for the transport to see the connection close (it aborts the call then) before the
    // middleware first reads the signal; a read before that would see the abort a little later.
    await new Promise((resolve) => setTimeout(resolve, 200));
    release();
    await eventually(() => readLate.length === 1);
    expect(readLate[0]).toMatchObject({ aborted: true, reason: { code: Code.CANCELLED } });
  });

  test("a `{ ...ctx }` copy made by a middleware carries a signal that aborts when the client leaves", async () => {
    const aborted: unknown[] = [];
    const spreading: Middleware = (next) => (ctx, input) => next({ ...ctx, logger: ctx.logger }, input);
    running = await serveEchoHttp({ middleware: [spreading], handler: { onAbort: (ctx) => aborted.push(ctx.signal.reason) } });
    const client = new AbortController();
    const call = fetch(running.url + "/echo.v1.Echo/Echo", { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ delayMs: 5000 }), signal: client.signal });
    // Give the request time to reach the handler, then drop it.
    await new Promise((resolve) => setTimeout(resolve, 200));
    client.abort();
    await expect(call).rejects.toThrow();
    await eventually(() => aborted.length === 1);
    expect(aborted[0]).toMatchObject({ code: Code.CANCELLED });
  });

  test("a deadline aborts a `{ ...ctx }` copy's signal too, and the call answers 504", async () => {
    const aborted: unknown[] = [];
    const spreading: Middleware = (next) => (ctx, input) => next({ ...ctx }, input);
    running = await serveEchoHttp({ middleware: [spreading], handler: { onAbort: (ctx) => aborted.push(ctx.signal.reason) } });
    const response = await postJson(running.url, "/echo.v1.Echo/Echo", { delayMs: 5000 }, { "grpc-timeout": "100m" });
    expect(response.status).toBe(504);
    await eventually(() => aborted.length === 1);
    expect(aborted[0]).toMatchObject({ code: Code.DEADLINE_EXCEEDED });
  });
});
