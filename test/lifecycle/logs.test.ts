// The call log of the built echo service as a process: one pino JSON line on stdout per call, with
// method, peer, code, duration, request id (the client's or a new one, sent back in the header
// with REQUEST_ID_IN_RESPONSE)
// and trace id (from a W3C traceparent), at a level chosen by the status code.
import { afterAll, afterEach, beforeAll, describe, expect, test } from "vitest";
import { Code, type Metadata } from "../../src/runtime/index.js";
import { EchoClient } from "../../generated-samples/echo/src/gen/echo/grpc-client.js";
import { collect, streamOf } from "../support/streams.js";
import { buildSample, Processes, type BuiltSample, type LogLine, type ServingSample } from "./sample-process.js";

const TRACE_ID = "4bf92f3577b34da6a3ce929d0e0e4736";
const TRACEPARENT = `00-${TRACE_ID}-00f067aa0ba902b7-01`;

let echo: BuiltSample;
let service: ServingSample;
let client: EchoClient;
const processes = new Processes();

beforeAll(async () => {
  echo = buildSample("echo");
  // LOG_CALLS_PER_SECOND=0: every successful call is logged, none sampled away;
  // REQUEST_ID_IN_RESPONSE: the id goes back in the response header (off by default).
  service = await processes.startSample(echo, { LOG_CALLS_PER_SECOND: "0", REQUEST_ID_IN_RESPONSE: "true" });
  client = new EchoClient(service.address);
});
afterAll(async () => {
  client?.close();
  await processes.killAll();
  echo?.remove();
});

/** The "call finished" line of the call with `requestId`; waits (bounded) for it to be written. */
async function callLine(requestId: string): Promise<LogLine> {
  const line = await service.process.waitForLog((l) => l.msg === "call finished" && l.request_id === requestId, 15_000, `the log line of ${requestId}`);
  // One line per call: any second one would have been written with the first.
  expect(service.process.logs().filter((l) => l.request_id === requestId)).toHaveLength(1);
  return line;
}

describe("call logs", () => {
  afterEach(() => expect(service.process.exit).toBeUndefined());

  test("a unary call: method, peer, code, duration, the client's request id, the traceparent's trace id", async () => {
    let header: Metadata | undefined;
    await client.echo({ text: "hi" }, { metadata: { "x-request-id": "req-unary", traceparent: TRACEPARENT }, onHeader: (m) => (header = m) });
    const line = await callLine("req-unary");
    expect(line).toMatchObject({
      level: 30,
      name: "echo-v1",
      method: "/echo.v1.Echo/Echo",
      code: "OK",
      request_id: "req-unary",
      trace_id: TRACE_ID,
    });
    expect(line["peer"]).toMatch(/127\.0\.0\.1:\d+/);
    expect(line["duration_ms"]).toBeTypeOf("number");
    expect(line["duration_ms"]).toBeGreaterThanOrEqual(0);
    expect(header?.get("x-request-id")).toBe("req-unary");
  });

  test("without x-request-id the server makes one up, logs it and sends it back", async () => {
    let header: Metadata | undefined;
    await client.echo({ text: "anonymous" }, { onHeader: (m) => (header = m) });
    const requestId = header?.get("x-request-id");
    expect(requestId).toMatch(/^[0-9a-f-]{36}$/);
    expect(await callLine(String(requestId))).toMatchObject({ method: "/echo.v1.Echo/Echo", code: "OK", level: 30 });
  });

  test("a bidi call: one line when it ends, with the message counts", async () => {
    const responses = await collect(client.chat(streamOf({ text: "a" }, { text: "b" }, { text: "c" }), { metadata: { "x-request-id": "req-chat" } }));
    expect(responses).toHaveLength(3);
    expect(await callLine("req-chat")).toMatchObject({
      method: "/echo.v1.Echo/Chat",
      code: "OK",
      level: 30,
      messages_received: 3,
      messages_sent: 3,
    });
  });

  // pino levels: 30 info (the client's doing), 40 warn (may need a look), 50 error (a bug or loss).
  test.each([
    { code: Code.NOT_FOUND, name: "NOT_FOUND", level: 30 },
    { code: Code.INVALID_ARGUMENT, name: "INVALID_ARGUMENT", level: 30 },
    { code: Code.UNAVAILABLE, name: "UNAVAILABLE", level: 40 },
    { code: Code.FAILED_PRECONDITION, name: "FAILED_PRECONDITION", level: 40 },
    { code: Code.INTERNAL, name: "INTERNAL", level: 50 },
    { code: Code.DATA_LOSS, name: "DATA_LOSS", level: 50 },
  ])("a handler failing with $name is logged at level $level with its message", async ({ code, name, level }) => {
    const requestId = `req-${name}`;
    await expect(
      client.echo({ responseStatus: { code, message: `asked for ${name}` } }, { metadata: { "x-request-id": requestId } }),
    ).rejects.toMatchObject({ code });
    expect(await callLine(requestId)).toMatchObject({ level, code: name, error: `asked for ${name}`, method: "/echo.v1.Echo/Echo" });
  });
});
