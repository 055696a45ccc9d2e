// Tracing and propagation across two generated echo servers: a front one whose handler calls a
// back one with `parent: ctx`. Spans go to an in-memory exporter; nothing global is registered.
import { InMemorySpanExporter, SimpleSpanProcessor, TracerProvider } from "@opentelemetry/sdk-trace";
import { afterEach, describe, expect, test } from "vitest";
import {
  clientTracing,
  Code,
  logging,
  serverTracing,
  type CallContext,
  type ClientMiddleware,
  type Middleware,
} from "../../src/runtime/index.js";
import { EchoClient } from "../../generated-samples/echo/src/gen/echo/grpc-client.js";
import type { EchoRequest } from "../../generated-samples/echo/src/gen/pb/echo/v1/echo_pb.js";
import { EchoHandler } from "../../generated-samples/echo/src/handlers/echo.js";
import { LogCapture, Opened, eventually, failureOf, serveEcho } from "./harness.js";

const TRACE_ID = "4bf92f3577b34da6a3ce929d0e0e4736";
const TRACEPARENT = `00-${TRACE_ID}-00f067aa0ba902b7-01`;

/** Answers by asking the back server, passing its own call as the parent. */
class ForwardingEcho extends EchoHandler {
  seen: CallContext | undefined;
  constructor(readonly back: () => EchoClient) {
    super();
  }
  override async echo(request: EchoRequest, ctx: CallContext) {
    this.seen = ctx;
    return this.back().echo(request, { parent: ctx });
  }
}

/** Records the context each back-server call had. */
class RecordingEcho extends EchoHandler {
  readonly calls: CallContext[] = [];
  override async echo(request: EchoRequest, ctx: CallContext) {
    this.calls.push(ctx);
    return super.echo(request, ctx);
  }
}

const opened = new Opened();
afterEach(() => opened.closeAll());

/**
 * A front server whose handler calls a back server through a client with `client` middleware;
 * `frontClient` is a plain client of the front server (the test plays the traced caller).
 */
async function startPair(server: Middleware[], client: ClientMiddleware[]) {
  const back = new RecordingEcho();
  const { port: backPort } = await serveEcho(opened, back, { middleware: server });
  const backClient = opened.track(new EchoClient(`127.0.0.1:${backPort}`, { middleware: client }));
  const front = new ForwardingEcho(() => backClient);
  const { client: frontClient } = await serveEcho(opened, front, { middleware: server });
  return { back, front, frontClient };
}

describe("with the trace SDK", () => {
  test("one trace from the caller's traceparent through front server, its outgoing call and back server", async () => {
    const exporter = new InMemorySpanExporter();
    const tracerProvider = new TracerProvider({ spanProcessors: [new SimpleSpanProcessor({ exporter })] });
    const { frontClient } = await startPair([serverTracing({ tracerProvider })], [clientTracing({ tracerProvider })]);

    await frontClient.echo({ text: "hi" }, { metadata: { traceparent: TRACEPARENT } });
    await eventually(() => exporter.getFinishedSpans().length === 3);

    const spans = exporter.getFinishedSpans();
    expect(new Set(spans.map((s) => s.spanContext().traceId))).toEqual(new Set([TRACE_ID]));
    // SpanKind: SERVER = 1, CLIENT = 2.
    const front = spans.find((s) => s.kind === 1 && s.parentSpanContext?.spanId === "00f067aa0ba902b7");
    const outgoing = spans.find((s) => s.kind === 2);
    const back = spans.find((s) => s.kind === 1 && s !== front);
    expect(front).toBeDefined();
    expect(outgoing!.parentSpanContext?.spanId).toBe(front!.spanContext().spanId);
    expect(back!.parentSpanContext?.spanId).toBe(outgoing!.spanContext().spanId);
    expect(front!.name).toBe("echo.v1.Echo/Echo");
    expect(front!.attributes).toMatchObject({ "rpc.system": "grpc", "rpc.service": "echo.v1.Echo", "rpc.method": "Echo", "rpc.grpc.status_code": 0 });
  });

  test("a failed call marks server spans as errors only for server-side codes", async () => {
    const exporter = new InMemorySpanExporter();
    const tracerProvider = new TracerProvider({ spanProcessors: [new SimpleSpanProcessor({ exporter })] });
    const { client } = await serveEcho(opened, new EchoHandler(), { middleware: [serverTracing({ tracerProvider })] });
    await failureOf(client.echo({ responseStatus: { code: Code.NOT_FOUND, message: "nope" } }));
    await failureOf(client.echo({ responseStatus: { code: Code.INTERNAL, message: "broken" } }));
    await eventually(() => exporter.getFinishedSpans().length === 2);
    const [notFound, internal] = exporter.getFinishedSpans();
    expect(notFound!.attributes["rpc.grpc.status_code"]).toBe(Code.NOT_FOUND);
    expect(notFound!.status.code).toBe(0); // UNSET: the caller's mistake
    expect(internal!.status).toEqual({ code: 2, message: "broken" }); // ERROR
  });
});

describe("without an SDK (the API's no-op provider)", () => {
  test("the incoming trace id still reaches the logs and the next service", async () => {
    const logs = new LogCapture();
    const { back, frontClient } = await startPair([serverTracing(), logging({ logger: logs.logger, callsPerSecond: 0 })], [clientTracing()]);
    await frontClient.echo({ text: "hi" }, { metadata: { traceparent: TRACEPARENT } });
    expect(String(back.calls[0]!.requestMetadata.get("traceparent"))).toContain(TRACE_ID);
    const finished = logs.withMessage("call finished");
    expect(finished).toHaveLength(2);
    for (const line of finished) expect(line["trace_id"]).toBe(TRACE_ID);
  });
});

describe("deadline and cancellation propagation", () => {
  test("the outgoing call inherits the incoming deadline", async () => {
    const { front, back, frontClient } = await startPair([], []);
    await frontClient.echo({ text: "hi" }, { timeoutMs: 5000 });
    const incoming = front.seen!.deadline!.getTime();
    const outgoing = back.calls[0]!.deadline!.getTime();
    // gRPC sends a deadline as a relative timeout, which each hop turns back into a time: allow
    // for that rounding, nothing like the 5 s the caller gave.
    expect(outgoing).toBeLessThanOrEqual(incoming + 20);
    expect(outgoing).toBeGreaterThan(Date.now());
  });

  test("an expired incoming call fails the outgoing one with DEADLINE_EXCEEDED, and cancelling cancels it", async () => {
    const { back, frontClient } = await startPair([], []);
    // The back server waits longer than the caller does: the back call must end with the front one.
    const expired = await failureOf(frontClient.echo({ text: "slow", delayMs: 10_000 }, { timeoutMs: 300 }));
    expect(expired.code).toBe(Code.DEADLINE_EXCEEDED);
    await eventually(() => back.calls.length === 1 && back.calls[0]!.signal.aborted);

    const abort = new AbortController();
    const cancelled = frontClient.echo({ text: "slow", delayMs: 10_000 }, { signal: abort.signal });
    await eventually(() => back.calls.length === 2);
    abort.abort();
    expect((await failureOf(cancelled)).code).toBe(Code.CANCELLED);
    await eventually(() => back.calls[1]!.signal.aborted);
  });
});
