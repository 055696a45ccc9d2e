/** Back-pressure, message size limits and graceful shutdown over real sockets. */
import { afterEach, describe, expect, it } from "vitest";
import { Code, DEFAULT_MAX_MESSAGE_BYTES, makeEndpoint, type ServiceError } from "../../src/runtime/index.js";
import type { EchoRequest } from "./fixtures/gen/echo_pb.js";
import { echo, Harness, rejectionOf, sleep, waitFor } from "./harness.js";

const harness = new Harness();
afterEach(() => harness.closeAll());

const MiB = 1024 * 1024;

describe("back-pressure", () => {
  it("server streaming 10k messages to a slow reader buffers a bounded amount", async () => {
    let produced = 0;
    const { client } = await harness.start({
      expand: makeEndpoint(echo.methods.expand, async function* (_ctx, req: EchoRequest) {
        for (let i = 0; i < req.count; i++) {
          produced++;
          yield { index: i, payload: new Uint8Array(req.payloadSize) };
        }
      }),
    });
    const total = 10_000;
    let received = 0;
    let aheadWhileStalled = 0;
    for await (const res of client.serverStream(echo.methods.expand, { count: total, payloadSize: 1024 })) {
      expect(res.index).toBe(received);
      received++;
      if (received === 100) {
        // The reader stops; an unbounded writer would produce all 10k meanwhile.
        await sleep(300);
        aheadWhileStalled = produced - received;
      }
    }
    expect(received).toBe(total);
    // What HTTP/2 flow-control windows and stream buffers hold: well under the 10k total.
    expect(aheadWhileStalled).toBeGreaterThan(0);
    expect(aheadWhileStalled).toBeLessThan(3000);
  });

  it("client streaming to a slow handler buffers a bounded amount", async () => {
    let sent = 0;
    let consumed = 0;
    let aheadWhileStalled = 0;
    const { client } = await harness.start({
      collect: makeEndpoint(echo.methods.collect, async (_ctx, reqs: AsyncIterable<EchoRequest>) => {
        for await (const _ of reqs) {
          consumed++;
          if (consumed === 100) {
            await sleep(300);
            aheadWhileStalled = sent - consumed;
          }
        }
        return { index: consumed };
      }),
    });
    async function* requests() {
      for (let i = 0; i < 10_000; i++) {
        sent++;
        yield { text: String(i), payload: new Uint8Array(1024) };
      }
    }
    const res = await client.clientStream(echo.methods.collect, requests());
    expect(res.index).toBe(10_000);
    expect(aheadWhileStalled).toBeGreaterThan(0);
    expect(aheadWhileStalled).toBeLessThan(3000);
  });
});

describe("message size", () => {
  it("a 1 MiB message travels both ways", async () => {
    const { client } = await harness.start({
      echo: makeEndpoint(echo.methods.echo, async (_ctx, req: EchoRequest) => ({ payload: req.payload.map((b) => b ^ 0xff) })),
    });
    const payload = new Uint8Array(MiB).map((_, i) => i % 251);
    const res = await client.unary(echo.methods.echo, { payload });
    expect(res.payload.length).toBe(MiB);
    expect(res.payload[1000]).toBe((1000 % 251) ^ 0xff);
  });

  it("a message over the limit fails with RESOURCE_EXHAUSTED, either way", async () => {
    const { client } = await harness.start({
      echo: makeEndpoint(echo.methods.echo, async (_ctx, req: EchoRequest) => ({ payload: new Uint8Array(req.payloadSize) })),
    });
    const tooBig = DEFAULT_MAX_MESSAGE_BYTES + 1;
    const outgoing = await rejectionOf(client.unary(echo.methods.echo, { payload: new Uint8Array(tooBig) }));
    expect((outgoing as ServiceError).code).toBe(Code.RESOURCE_EXHAUSTED);
    const incoming = await rejectionOf(client.unary(echo.methods.echo, { payloadSize: tooBig }));
    expect((incoming as ServiceError).code).toBe(Code.RESOURCE_EXHAUSTED);
  });
});

describe("shutdown", () => {
  it("lets an in-flight call finish within the grace period and refuses new ones", async () => {
    let started = 0;
    const { handle, client } = await harness.start({
      echo: makeEndpoint(echo.methods.echo, async (_ctx, req: EchoRequest) => {
        started++;
        await sleep(200);
        return { text: `done ${req.text}` };
      }),
    });
    const inFlight = client.unary(echo.methods.echo, { text: "a" });
    await waitFor(() => started === 1);
    const begun = Date.now();
    await handle.shutdown(5000);
    expect(Date.now() - begun).toBeLessThan(2000);
    await expect(inFlight).resolves.toMatchObject({ text: "done a" });
    const late = await rejectionOf(client.unary(echo.methods.echo, { text: "b" }, { timeoutMs: 1000 }));
    expect((late as ServiceError).code).toBe(Code.UNAVAILABLE);
  });

  it.each([2 ** 31, Infinity])("a grace period of %d, more than a timer holds, waits instead of cancelling at once", async (gracePeriodMs) => {
    let started = 0;
    const { handle, client } = await harness.start({
      echo: makeEndpoint(echo.methods.echo, async (ctx) => {
        started++;
        await sleep(150, ctx.signal);
        return { text: "finished" };
      }),
    });
    const inFlight = client.unary(echo.methods.echo, {});
    await waitFor(() => started === 1);
    await handle.shutdown(gracePeriodMs);
    await expect(inFlight).resolves.toMatchObject({ text: "finished" });
  });

  it("cancels calls still running when the grace period ends", async () => {
    let signal: AbortSignal | undefined;
    const { handle, client } = await harness.start({
      echo: makeEndpoint(echo.methods.echo, async (ctx) => {
        signal = ctx.signal;
        await sleep(60_000, ctx.signal);
        return {};
      }),
    });
    const inFlight = rejectionOf(client.unary(echo.methods.echo, {}));
    await waitFor(() => signal !== undefined);
    const begun = Date.now();
    await handle.shutdown(100);
    const elapsed = Date.now() - begun;
    expect(elapsed).toBeGreaterThanOrEqual(90);
    expect(elapsed).toBeLessThan(2000);
    expect((await inFlight) as ServiceError).toMatchObject({ code: expect.any(Number) });
    await waitFor(() => signal?.aborted === true);
  });

  it("closing a client lets its calls in flight finish; later calls fail with UNAVAILABLE", async () => {
    const { handle } = await harness.start({
      echo: makeEndpoint(echo.methods.echo, async () => {
        await sleep(100);
        return { text: "ok" };
      }),
    });
    const client = harness.connect(handle.port);
    const inFlight = client.unary(echo.methods.echo, {});
    await sleep(30);
    client.close();
    await expect(inFlight).resolves.toMatchObject({ text: "ok" });
    const late = await rejectionOf(client.unary(echo.methods.echo, {}));
    expect(late).toMatchObject({ code: Code.UNAVAILABLE, message: "connection closed" });
    const lateStream = await rejectionOf(client.serverStream(echo.methods.expand, {}).next());
    expect(lateStream).toMatchObject({ code: Code.UNAVAILABLE });
  });
});
