// HttpConnection against the real HTTP transport (createHttpTranscoder + serveHttp over the
// generated echo sample's handler on 127.0.0.1:0): all four call kinds, metadata both ways,
// error statuses, deadlines, and leaving a stream early cancelling the handler.
import { afterEach, expect, test } from "vitest";
import { Code } from "../../src/runtime/code.js";
import { ServiceError } from "../../src/runtime/errors.js";
import { HttpConnection } from "../../src/runtime/http/client.js";
import type { Metadata } from "../../src/runtime/metadata.js";
import { echoSpec } from "../../generated-samples/echo/src/gen/echo/service.js";
import { serveEchoHttp, type EchoHttp } from "../http-server/harness.js";

const servers: EchoHttp[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.server.shutdown(0)));
});

async function start(options: Parameters<typeof serveEchoHttp>[0] = {}): Promise<HttpConnection> {
  const echo = await serveEchoHttp(options);
  servers.push(echo);
  return new HttpConnection(echo.url);
}

async function* from<T>(...items: T[]): AsyncGenerator<T> {
  yield* items;
}

async function failure(promise: Promise<unknown>): Promise<ServiceError> {
  try {
    await promise;
  } catch (error) {
    expect(error).toBeInstanceOf(ServiceError);
    return error as ServiceError;
  }
  throw new Error("expected the call to fail");
}

test("unary with metadata both ways", async () => {
  const client = await start();
  const headers: Metadata[] = [];
  const trailers: Metadata[] = [];
  const response = await client.unary(echoSpec.methods.echo, { text: "hi", payload: new Uint8Array([1, 2, 3]) }, {
    metadata: { "x-echo-tag": "t1" },
    onHeader: (md) => headers.push(md),
    onTrailer: (md) => trailers.push(md),
  });
  expect(response).toMatchObject({ text: "hi", payload: new Uint8Array([1, 2, 3]) });
  expect(headers[0]?.get("x-echo-tag")).toBe("t1");
  expect(trailers[0]?.get("x-echo-tag")).toBe("t1");
});

test("a handler's ServiceError arrives with its code and message", async () => {
  const client = await start();
  const error = await failure(client.unary(echoSpec.methods.echo, { responseStatus: { code: Code.FAILED_PRECONDITION, message: "not yet" } }));
  expect(error).toMatchObject({ code: Code.FAILED_PRECONDITION, message: "not yet" });
});

test("the deadline travels as Grpc-Timeout and ends a slow call with DEADLINE_EXCEEDED", async () => {
  const client = await start();
  expect((await failure(client.unary(echoSpec.methods.echo, { delayMs: 5000 }, { timeoutMs: 100 }))).code).toBe(Code.DEADLINE_EXCEEDED);
});

test("server streaming over NDJSON, ending with the handler's status", async () => {
  const client = await start();
  const texts: string[] = [];
  for await (const r of client.serverStream(echoSpec.methods.expand, { count: 3, request: { text: "x" } })) texts.push(`${r.text}${r.index}`);
  expect(texts).toEqual(["x0", "x1", "x2"]);
  const seen: number[] = [];
  const error = await failure((async () => {
    for await (const r of client.serverStream(echoSpec.methods.expand, { count: 2, request: { responseStatus: { code: Code.ABORTED, message: "stop" } } })) seen.push(r.index);
  })());
  expect(seen).toEqual([0, 1]);
  expect(error).toMatchObject({ code: Code.ABORTED, message: "stop" });
});

test("leaving a server stream early cancels the handler", async () => {
  let aborted!: () => void;
  const handlerAborted = new Promise<void>((resolve) => (aborted = resolve));
  const client = await start({ handler: { onAbort: () => aborted() } });
  for await (const _ of client.serverStream(echoSpec.methods.expand, { count: 1000, request: { delayMs: 10 } })) break;
  await handlerAborted;
});

test("client streaming and bidi over WebSocket", async () => {
  const client = await start();
  const collected = await client.clientStream(echoSpec.methods.collect, from({ text: "a", payload: new Uint8Array(2) }, { text: "b" }));
  expect(collected).toMatchObject({ messageCount: 2, payloadBytes: 2n, text: "ab" });
  const replies: string[] = [];
  for await (const r of client.bidiStream(echoSpec.methods.chat, from({ text: "p" }, { text: "q" }))) replies.push(r.text);
  expect(replies).toEqual(["p", "q"]);
  const error = await failure((async () => {
    for await (const _ of client.bidiStream(echoSpec.methods.chat, from({ text: "p" }, { responseStatus: { code: Code.OUT_OF_RANGE, message: "too far" } })));
  })());
  expect(error).toMatchObject({ code: Code.OUT_OF_RANGE, message: "too far" });
});
