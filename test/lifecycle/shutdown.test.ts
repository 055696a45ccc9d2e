// SIGTERM against the generated echo service running as a process: calls in flight finish, the
// service says it is draining (/readyz, grpc.health.v1), new calls are refused, and the process
// exits 0; calls that outlast the grace period are cancelled and the exit still comes promptly.
import { afterAll, afterEach, beforeAll, describe, expect, test } from "vitest";
import { Code, codeName, ServiceError } from "../../src/runtime/index.js";
import { EchoClient } from "../../generated-samples/echo/src/gen/echo/grpc-client.js";
import { collect } from "../support/streams.js";
import { healthCheck, HealthWatch, httpGet, metricSum } from "./probes.js";
import { buildSample, Processes, waitUntil, type BuiltSample, type ServingSample } from "./sample-process.js";

let echo: BuiltSample;
const processes = new Processes();
const closers: Array<() => void> = [];

beforeAll(() => {
  echo = buildSample("echo");
});
afterEach(async () => {
  for (const close of closers.splice(0)) close();
  await processes.killAll();
});
afterAll(() => echo?.remove());

/** A client closed after the test. */
function clientOf(service: ServingSample): EchoClient {
  const client = new EchoClient(service.address);
  closers.push(() => client.close());
  return client;
}

/** A promise the test resolves when the request streams it gates may go on. */
class Gate {
  readonly opened: Promise<void>;
  open!: () => void;
  constructor() {
    this.opened = new Promise((resolve) => (this.open = resolve));
  }
}

/** Waits (bounded) until the service's /metrics says `count` calls are in flight. */
async function waitForInFlight(service: ServingSample, count: number): Promise<void> {
  let seen = -1;
  await waitUntil(
    async () => {
      const metrics = await httpGet(`${service.adminUrl}/metrics`);
      seen = "body" in metrics ? metricSum(metrics.body, "grpc_server_in_flight") : -1;
      return seen === count;
    },
    30_000,
    () => `${count} calls in flight (last seen ${seen})\n${service.process.describe("in-flight calls")}`,
    50,
  );
}

/**
 * Makes a new call on a new connection every so often until one fails; returns its code. Calls
 * made before the server stops accepting (during SHUTDOWN_DELAY_MS) succeed, as they should.
 */
async function firstRefusedCall(service: ServingSample): Promise<Code> {
  let code: Code | undefined;
  await waitUntil(
    async () => {
      const client = new EchoClient(service.address);
      try {
        await client.echo({ text: "late" }, { timeoutMs: 5_000 });
      } catch (error) {
        code = error instanceof ServiceError ? error.code : Code.UNKNOWN;
      } finally {
        client.close();
      }
      return code !== undefined;
    },
    30_000,
    () => service.process.describe("a new call to be refused"),
    50,
  );
  return code!;
}

/** The error code a call failed with, or "OK" if it did not fail. */
async function outcome(call: Promise<unknown>): Promise<string> {
  try {
    await call;
    return "OK";
  } catch (error) {
    return error instanceof ServiceError ? codeName(error.code) : String(error);
  }
}

/** The request id sent with the i-th call, to find its log line. */
const requestId = (i: number) => `inflight-${i}`;

/**
 * Starts call `i` of the 50: each kind in turn, each running well past SIGTERM and the shutdown
 * delay (timed ones take 7.5 s or more, so a slow machine still gets all 50 in flight first).
 */
function startCall(client: EchoClient, i: number, gate: Gate): Promise<unknown> {
  const options = { metadata: { "x-request-id": requestId(i) } };
  const text = `call-${i}`;
  switch (i % 4) {
    case 0: // unary: answers after a delay longer than the way to SIGTERM and the shutdown delay
      return client.echo({ text, delayMs: 8_000 }, options).then((response) => expect(response.text).toBe(text));
    case 1: // server streaming: three answers, 2.5 s apart
      return collect(client.expand({ count: 3, request: { text, delayMs: 2_500 } }, options)).then((responses) =>
        expect(responses.map((r) => [r.text, r.index])).toEqual([[text, 0], [text, 1], [text, 2]]),
      );
    case 2: // client streaming: the last request only goes once the server is draining
      return client
        .collect(
          (async function* () {
            yield { text: "a" };
            yield { text: "b" };
            await gate.opened;
            yield { text: "c" };
          })(),
          options,
        )
        .then((response) => expect([response.messageCount, response.text]).toEqual([3, "abc"]));
    default: // bidi: one answer now, the second request only once the server is draining
      return collect(
        client.chat(
          (async function* () {
            yield { text: `${text}/1` };
            await gate.opened;
            yield { text: `${text}/2` };
          })(),
          options,
        ),
      ).then((responses) => expect(responses.map((r) => r.text)).toEqual([`${text}/1`, `${text}/2`]));
  }
}

describe("SIGTERM", () => {
  test("during 50 calls in flight: none is lost, the service drains, new calls are refused, exit 0", { timeout: 120_000 }, async () => {
    const GRACE_PERIOD_MS = 30_000;
    const service = await processes.startSample(echo, {
      GRACE_PERIOD_MS: String(GRACE_PERIOD_MS),
      SHUTDOWN_DELAY_MS: "1500",
      LOG_CALLS_PER_SECOND: "0",
    });
    const client = clientOf(service);
    const gate = new Gate();
    const calls = Array.from({ length: 50 }, (_, i) => startCall(client, i, gate));
    const settled = Promise.allSettled(calls);
    await waitForInFlight(service, 50);

    const sigtermAt = performance.now();
    service.process.signal("SIGTERM");
    await waitUntil(
      async () => {
        const ready = await httpGet(`${service.adminUrl}/readyz`);
        return "error" in ready || ready.status === 503;
      },
      10_000,
      () => service.process.describe("/readyz to answer 503"),
    );
    expect(await healthCheck(service.address)).toSatisfy(
      (result) => ("status" in result ? result.status === "NOT_SERVING" : result.code === Code.UNAVAILABLE),
      "health Check is NOT_SERVING or refused while draining",
    );
    expect(codeName(await firstRefusedCall(service))).toBe("UNAVAILABLE");
    // The server stopped accepting calls and still waits for the 50: let the streams finish.
    expect(service.process.exit).toBeUndefined();
    gate.open();

    const results = await settled;
    expect(results.filter((r) => r.status === "rejected").map((r) => String((r as PromiseRejectedResult).reason))).toEqual([]);
    const exit = await service.process.waitForExit(GRACE_PERIOD_MS);
    expect(exit).toMatchObject({ code: 0, signal: null });
    expect(performance.now() - sigtermAt).toBeLessThan(GRACE_PERIOD_MS);

    const logs = service.process.logs();
    expect(logs.map((line) => line.msg)).toEqual(expect.arrayContaining(["shutting down", "stopped"]));
    for (let i = 0; i < 50; i++) {
      expect(logs.filter((line) => line.request_id === requestId(i)).map((line) => [line.msg, line.code])).toEqual([["call finished", "OK"]]);
    }
  });

  test("calls that outlast GRACE_PERIOD_MS are cancelled, and the process still exits 0 promptly", { timeout: 60_000 }, async () => {
    const service = await processes.startSample(echo, { GRACE_PERIOD_MS: "300" });
    const client = clientOf(service);
    const gate = new Gate(); // never opened: the streams would wait for ever
    closers.push(() => gate.open());
    const calls = [
      ...Array.from({ length: 5 }, (_, i) => client.echo({ text: `slow-${i}`, delayMs: 120_000 })),
      ...Array.from({ length: 5 }, (_, i) =>
        collect(
          client.chat(
            (async function* () {
              yield { text: `open-${i}` };
              await gate.opened;
            })(),
          ),
        ),
      ),
    ].map(outcome);
    await waitForInFlight(service, 10);

    const sigtermAt = performance.now();
    service.process.signal("SIGTERM");
    const exit = await service.process.waitForExit(20_000);
    const exitAfterMs = performance.now() - sigtermAt;
    expect(exit).toMatchObject({ code: 0, signal: null });
    // 300 ms of grace, then the exit: a loaded machine gets seconds of slack, not the calls' 120 s.
    expect(exitAfterMs).toBeLessThan(10_000);
    const outcomes = await Promise.all(calls);
    expect(outcomes.filter((code) => code !== "CANCELLED" && code !== "UNAVAILABLE")).toEqual([]);
    expect(service.process.logs().map((line) => line.msg)).toEqual(expect.arrayContaining(["shutting down", "stopped"]));
  });

  test("an open health Watch sees NOT_SERVING and does not hold the drain for the grace period", { timeout: 60_000 }, async () => {
    const service = await processes.startSample(echo, { GRACE_PERIOD_MS: "30000" });
    const watch = new HealthWatch(service.address);
    closers.push(() => watch.close());
    await waitUntil(() => watch.statuses.includes("SERVING"), 10_000, () => `Watch to see SERVING (saw ${watch.statuses})`);

    const sigtermAt = performance.now();
    service.process.signal("SIGTERM");
    await waitUntil(() => watch.statuses.includes("NOT_SERVING"), 10_000, () => `Watch to see NOT_SERVING (saw ${watch.statuses})`);
    const exit = await service.process.waitForExit(30_000);
    expect(exit).toMatchObject({ code: 0, signal: null });
    expect(performance.now() - sigtermAt).toBeLessThan(10_000);
    expect(watch.statuses).toEqual(["SERVING", "NOT_SERVING"]);
    // It is ended (UNAVAILABLE, so the client retries elsewhere) rather than left to be cancelled.
    await waitUntil(() => watch.end !== undefined, 10_000, () => "the Watch call to end");
    expect(watch.end?.code).toBe(Code.UNAVAILABLE);
  });
});
