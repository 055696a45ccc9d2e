/**
 * The HTTP transport end to end over real sockets: the generated echo sample's endpoints on its
 * default `POST /echo.v1.Echo/<Method>` routes: JSON and binary bodies, metadata headers,
 * deadlines, error statuses, NDJSON and SSE streams, WebSocket streams, and every transport-level
 * refusal answered with a google.rpc.Status body.
 */
import { create, fromBinary, toBinary } from "@bufbuild/protobuf";
import { afterEach, describe, expect, test } from "vitest";
import { WebSocket } from "ws";
import { trace } from "@opentelemetry/api";
import { InMemorySpanExporter, SimpleSpanProcessor, TracerProvider } from "@opentelemetry/sdk-trace";
import { Code, serverTracing, type CallContext } from "../../src/runtime/index.js";
import { EchoRequestSchema, EchoResponseSchema } from "../../generated-samples/echo/src/gen/pb/echo/v1/echo_pb.js";
import { postJson, readNdjson, readServerSentEvents, serveEchoHttp, type EchoHttp } from "./harness.js";
import { eventually } from "../runtime-middleware/harness.js";

let running: EchoHttp | undefined;
afterEach(async () => {
  await running?.server.shutdown(0);
  running = undefined;
});

async function serve(options: Parameters<typeof serveEchoHttp>[0] = {}): Promise<string> {
  running = await serveEchoHttp(options);
  return running.url;
}

describe("unary calls", () => {
  test("JSON in, canonical JSON out", async () => {
    const url = await serve();
    const response = await postJson(url, "/echo.v1.Echo/Echo", { text: "hi", payload: "AAEC" });
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toMatch(/^application\/json/);
    expect(await response.json()).toEqual({ text: "hi", payload: "AAEC" });
  });

  test("binary protobuf in and out when the client asks for it", async () => {
    const url = await serve();
    const body = toBinary(EchoRequestSchema, create(EchoRequestSchema, { text: "bin" }));
    const response = await fetch(url + "/echo.v1.Echo/Echo", { method: "POST", headers: { "content-type": "application/x-protobuf", accept: "application/x-protobuf" }, body });
    expect(response.headers.get("content-type")).toMatch(/^application\/x-protobuf/);
    expect(fromBinary(EchoResponseSchema, new Uint8Array(await response.arrayBuffer())).text).toBe("bin");
  });

  test("Grpc-Metadata-* headers become metadata; response header and trailer metadata come back as headers", async () => {
    const seen: CallContext[] = [];
    const url = await serve({ handler: { onCall: (ctx) => seen.push(ctx) } });
    const response = await postJson(url, "/echo.v1.Echo/Echo", { text: "m" }, { "grpc-metadata-x-echo-color": "blue", "x-request-id": "req-1", cookie: "secret=1" });
    expect(response.status).toBe(200);
    expect(seen[0]?.requestMetadata.get("x-echo-color")).toBe("blue");
    expect(seen[0]?.requestMetadata.get("x-request-id")).toBe("req-1");
    expect(seen[0]?.requestMetadata.has("cookie")).toBe(false);
    expect(seen[0]?.transport).toBe("http");
    expect(response.headers.get("grpc-metadata-x-echo-color")).toBe("blue");
    expect(response.headers.get("grpc-trailer-x-echo-color")).toBe("blue");
  });

  test("an HTTP traceparent header continues the caller's trace in the server span", async () => {
    const exporter = new InMemorySpanExporter();
    const tracerProvider = new TracerProvider({ spanProcessors: [new SimpleSpanProcessor({ exporter })] });
    const seen: CallContext[] = [];
    const url = await serve({ middleware: [serverTracing({ tracerProvider })], handler: { onCall: (ctx) => seen.push(ctx) } });
    const traceId = "4bf92f3577b34da6a3ce929d0e0e4736";
    const response = await postJson(url, "/echo.v1.Echo/Echo", {}, { traceparent: `00-${traceId}-00f067aa0ba902b7-01` });
    expect(response.status).toBe(200);
    expect(trace.getSpanContext(seen[0]!.traceContext!)?.traceId).toBe(traceId);
    expect(exporter.getFinishedSpans().map((span) => [span.name, span.spanContext().traceId])).toEqual([["echo.v1.Echo/Echo", traceId]]);
  });

  test("a ServiceError answers with the code's HTTP status and a google.rpc.Status body", async () => {
    const url = await serve();
    const response = await postJson(url, "/echo.v1.Echo/Echo", { responseStatus: { code: "NOT_FOUND", message: "no such thing" } });
    expect(response.status).toBe(404);
    expect(await response.json()).toEqual({ code: Code.NOT_FOUND, message: "no such thing" });
  });

  test("Grpc-Timeout sets the deadline: the call is cut at it with 504 DEADLINE_EXCEEDED and the handler sees the abort", async () => {
    const aborted: unknown[] = [];
    const url = await serve({ handler: { onAbort: (ctx) => aborted.push(ctx.signal.reason) } });
    const started = Date.now();
    const response = await postJson(url, "/echo.v1.Echo/Echo", { delayMs: 5000 }, { "grpc-timeout": "150m" });
    expect(response.status).toBe(504);
    expect(((await response.json()) as { code: number }).code).toBe(Code.DEADLINE_EXCEEDED);
    expect(Date.now() - started).toBeLessThan(3000);
    await eventually(() => aborted.length === 1);
    expect(aborted[0]).toMatchObject({ code: Code.DEADLINE_EXCEEDED });
  });

  test("X-Request-Timeout-Ms sets the deadline too; malformed timeouts are 400", async () => {
    const url = await serve();
    expect((await postJson(url, "/echo.v1.Echo/Echo", { delayMs: 5000 }, { "x-request-timeout-ms": "100" })).status).toBe(504);
    const malformed: Array<Record<string, string>> = [{ "grpc-timeout": "soon" }, { "x-request-timeout-ms": "-1" }, { "grpc-timeout": "123456789S" }];
    for (const headers of malformed) {
      const response = await postJson(url, "/echo.v1.Echo/Echo", {}, headers);
      expect(response.status).toBe(400);
      expect(((await response.json()) as { code: number }).code).toBe(Code.INVALID_ARGUMENT);
    }
  });
});

describe("transport-level refusals", () => {
  test("404, 405 with Allow, 415, 400 for malformed JSON and unknown fields, 426 for request streams", async () => {
    const url = await serve();
    const notFound = await fetch(url + "/nope");
    expect(notFound.status).toBe(404);
    expect(await notFound.json()).toMatchObject({ code: Code.NOT_FOUND });
    const wrongMethod = await fetch(url + "/echo.v1.Echo/Echo");
    expect(wrongMethod.status).toBe(405);
    expect(wrongMethod.headers.get("allow")).toBe("POST");
    const textPlain = await fetch(url + "/echo.v1.Echo/Echo", { method: "POST", headers: { "content-type": "text/plain" }, body: "hi" });
    expect(textPlain.status).toBe(415);
    const malformed = await fetch(url + "/echo.v1.Echo/Echo", { method: "POST", headers: { "content-type": "application/json" }, body: "{" });
    expect(malformed.status).toBe(400);
    const unknown = await postJson(url, "/echo.v1.Echo/Echo", { nope: 1 });
    expect(unknown.status).toBe(400);
    expect(((await unknown.json()) as { message: string }).message).toMatch(/nope/);
    const stream = await postJson(url, "/echo.v1.Echo/Collect", {});
    expect(stream.status).toBe(426);
    expect(stream.headers.get("upgrade")).toBe("websocket");
  });

  test("a body over the message limit is 413 RESOURCE_EXHAUSTED", async () => {
    const url = await serve({ maxMessageBytes: 1024 });
    const response = await postJson(url, "/echo.v1.Echo/Echo", { text: "x".repeat(4096) });
    expect(response.status).toBe(413);
    expect(await response.json()).toMatchObject({ code: Code.RESOURCE_EXHAUSTED });
  });

  test("fixed documents are served beside the routes", async () => {
    const url = await serve({ documents: { "/openapi.yaml": { contentType: "application/yaml", body: "openapi: 3.1.0\n" } } });
    const response = await fetch(url + "/openapi.yaml");
    expect(response.headers.get("content-type")).toBe("application/yaml");
    expect(await response.text()).toBe("openapi: 3.1.0\n");
  });
});

describe("server streaming", () => {
  test("NDJSON by default: one result line per message, then the status line", async () => {
    const url = await serve();
    const response = await postJson(url, "/echo.v1.Echo/Expand", { count: 3, request: { text: "s" } });
    expect(response.headers.get("content-type")).toBe("application/x-ndjson");
    expect(await readNdjson(response)).toEqual([{ result: { text: "s" } }, { result: { text: "s", index: 1 } }, { result: { text: "s", index: 2 } }, { status: { code: 0 } }]);
  });

  test("Server-Sent Events when Accept asks for text/event-stream", async () => {
    const url = await serve();
    const response = await postJson(url, "/echo.v1.Echo/Expand", { count: 2, request: { text: "e" } }, { accept: "text/event-stream" });
    expect(response.headers.get("content-type")).toBe("text/event-stream");
    const events = await readServerSentEvents(response);
    expect(events.map((e) => [e.event, JSON.parse(e.data)])).toEqual([
      ["message", { text: "e" }],
      ["message", { text: "e", index: 1 }],
      ["status", { code: 0 }],
    ]);
  });

  test("a failure after the first message is the final status frame; before it, an HTTP error", async () => {
    const url = await serve();
    const midway = await postJson(url, "/echo.v1.Echo/Expand", { count: 1, request: { responseStatus: { code: "ABORTED", message: "stop" } } });
    expect(midway.status).toBe(200);
    expect((await readNdjson(midway)).at(-1)).toEqual({ status: { code: Code.ABORTED, message: "stop" } });
    const before = await postJson(url, "/echo.v1.Echo/Expand", { count: 0, request: { responseStatus: { code: "ABORTED", message: "stop" } } });
    expect(before.status).toBe(409);
    expect(await before.json()).toEqual({ code: Code.ABORTED, message: "stop" });
  });

  test("a quiet stream opens (200, headers flushed) before its first message", async () => {
    const url = await serve();
    const started = Date.now();
    const response = await postJson(url, "/echo.v1.Echo/Expand", { count: 1, request: { text: "late", delayMs: 1500 } });
    expect(response.status).toBe(200);
    expect(Date.now() - started).toBeLessThan(1200);
    expect(await readNdjson(response)).toEqual([{ result: { text: "late" } }, { status: { code: 0 } }]);
  });

  test("a client that disconnects cancels the handler's stream", async () => {
    const aborted: unknown[] = [];
    const url = await serve({ handler: { onAbort: (ctx) => aborted.push(ctx.signal.reason) } });
    const response = await postJson(url, "/echo.v1.Echo/Expand", { count: 1000, request: { delayMs: 20 } });
    const reader = (response.body as ReadableStream<Uint8Array>).getReader();
    await reader.read();
    // Cancelling the body makes undici drop the connection mid-response.
    await reader.cancel();
    await eventually(() => aborted.length === 1);
    expect(aborted[0]).toMatchObject({ code: Code.CANCELLED });
  });
});

describe("WebSocket streams", () => {
  /** Opens a socket to a path and collects its frames until it closes. */
  function open(url: string, path: string): { ws: WebSocket; frames: Promise<{ frames: unknown[]; code: number }> } {
    const ws = new WebSocket(url.replace("http:", "ws:") + path);
    const frames = new Promise<{ frames: unknown[]; code: number }>((resolve, reject) => {
      const received: unknown[] = [];
      ws.on("message", (data) => received.push(JSON.parse(String(data))));
      ws.on("close", (code) => resolve({ frames: received, code }));
      ws.on("error", reject);
    });
    return { ws, frames };
  }

  test("bidi: a response per request as it arrives, an empty frame half-closes, then the status and a normal close", async () => {
    const url = await serve();
    const { ws, frames } = open(url, "/echo.v1.Echo/Chat");
    await new Promise((resolve) => ws.once("open", resolve));
    const first = new Promise((resolve) => ws.once("message", (data) => resolve(JSON.parse(String(data)))));
    ws.send(JSON.stringify({ text: "a" }));
    expect(await first).toEqual({ result: { text: "a" } });
    ws.send(JSON.stringify({ text: "b" }));
    ws.send("");
    expect(await frames).toEqual({ frames: [{ result: { text: "a" } }, { result: { text: "b", index: 1 } }, { status: { code: 0 } }], code: 1000 });
  });

  test("client streaming: one result after the half-close; a bad frame ends the call with INVALID_ARGUMENT", async () => {
    const url = await serve();
    const good = open(url, "/echo.v1.Echo/Collect");
    good.ws.once("open", () => {
      for (const text of ["x", "y", "z"]) good.ws.send(JSON.stringify({ text }));
      good.ws.send("");
    });
    expect((await good.frames).frames).toEqual([{ result: { messageCount: 3, text: "xyz" } }, { status: { code: 0 } }]);
    const bad = open(url, "/echo.v1.Echo/Collect");
    bad.ws.once("open", () => bad.ws.send("{not json"));
    const { frames } = await bad.frames;
    expect(frames).toEqual([{ status: expect.objectContaining({ code: Code.INVALID_ARGUMENT }) }]);
  });

  test("the drain waits for open sessions, then ends the ones left with UNAVAILABLE", async () => {
    const url = await serve();
    const finishing = open(url, "/echo.v1.Echo/Chat");
    const lingering = open(url, "/echo.v1.Echo/Chat");
    await Promise.all([finishing, lingering].map(({ ws }) => new Promise((resolve) => ws.once("open", resolve))));
    const started = Date.now();
    const drained = running!.server.shutdown(1500);
    // One session finishes on its own while the server drains; the other outlasts the grace period.
    finishing.ws.send(JSON.stringify({ text: "last" }));
    finishing.ws.send("");
    expect((await finishing.frames).frames).toEqual([{ result: { text: "last" } }, { status: { code: 0 } }]);
    await drained;
    expect(Date.now() - started).toBeGreaterThanOrEqual(1400);
    expect(await lingering.frames).toEqual({ frames: [{ status: { code: Code.UNAVAILABLE, message: "server shutting down" } }], code: 1001 });
    running = undefined;
  });

  test("an upgrade to a path without a streaming method is refused with a Status body", async () => {
    const url = await serve();
    const ws = new WebSocket(url.replace("http:", "ws:") + "/nope");
    const status = await new Promise<number>((resolve) => ws.on("unexpected-response", (_request, response) => resolve(response.statusCode ?? 0)));
    expect(status).toBe(404);
  });
});
