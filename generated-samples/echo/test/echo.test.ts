// Tests for echo.v1.Echo: a real server on a free port, called through the generated client.
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { Code, Metadata, ServiceError, serveGrpc, type GrpcServerHandle } from "gen-svc/runtime";
import { EchoClient } from "../src/gen/echo/grpc-client.js";
import { registerGrpcServices } from "../src/gen/server.js";
import { EchoHandler, MAX_RESPONSE_SIZE, patternBytes } from "../src/handlers/echo.js";

let server: GrpcServerHandle;
let client: EchoClient;
const started: string[] = [];
const aborted: string[] = [];

before(async () => {
  const echo = new EchoHandler({
    onCall: (ctx) => started.push(ctx.method.name),
    onAbort: (ctx) => aborted.push(ctx.method.name),
  });
  server = await serveGrpc({ host: "127.0.0.1", port: 0, register: (s) => registerGrpcServices(s, { echo }) });
  client = new EchoClient(`127.0.0.1:${server.port}`);
});

after(async () => {
  client.close();
  await server.shutdown(0);
});

async function collect<T>(stream: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const item of stream) out.push(item);
  return out;
}

/** Waits (at most about a second) until `done` holds. */
async function waitFor(done: () => boolean): Promise<void> {
  for (let i = 0; i < 100 && !done(); i++) await new Promise((resolve) => setTimeout(resolve, 10));
  assert.ok(done(), "condition not met within a second");
}

async function* streamOf<T>(...items: T[]): AsyncGenerator<T> {
  yield* items;
}

test("Echo answers with the request's text and payload", async () => {
  const response = await client.echo({ text: "hi", payload: new Uint8Array([1, 2, 3]) });
  assert.equal(response.text, "hi");
  assert.deepEqual([...response.payload], [1, 2, 3]);
});

test("Echo answers with the payload size a request asks for", async () => {
  const response = await client.echo({ responseSize: 1000 });
  assert.deepEqual(response.payload, patternBytes(1000));
});

test("Echo refuses to make a payload above MAX_RESPONSE_SIZE", async () => {
  await assert.rejects(client.echo({ responseSize: MAX_RESPONSE_SIZE + 1 }), (error) => error instanceof ServiceError && error.code === Code.INVALID_ARGUMENT);
});

test("Echo fails with the status a request asks for", async () => {
  await assert.rejects(client.echo({ responseStatus: { code: Code.NOT_FOUND, message: "no such thing" } }), (error) => {
    assert.ok(error instanceof ServiceError);
    assert.equal(error.code, Code.NOT_FOUND);
    assert.equal(error.message, "no such thing");
    return true;
  });
});

test("x-echo-* request metadata comes back in the header and the trailer", async () => {
  let header: Metadata | undefined;
  let trailer: Metadata | undefined;
  const token = new Uint8Array([0, 255, 7]);
  await client.echo({}, {
    metadata: { "x-echo-user": "ann", "x-echo-token-bin": token, "x-other": "kept here" },
    onHeader: (md) => (header = md),
    onTrailer: (md) => (trailer = md),
  });
  for (const md of [header, trailer]) {
    assert.equal(md?.get("x-echo-user"), "ann");
    assert.deepEqual(md?.get("x-echo-token-bin"), token);
    assert.equal(md?.has("x-other"), false);
  }
});

test("Expand streams count responses, and none for a count of 0", async () => {
  const responses = await collect(client.expand({ count: 3, request: { text: "x" } }));
  assert.deepEqual(responses.map((r) => [r.text, r.index]), [["x", 0], ["x", 1], ["x", 2]]);
  assert.deepEqual(await collect(client.expand({ count: 0 })), []);
});

test("Collect sums up the requests, and answers zero requests", async () => {
  const summary = await client.collect(streamOf({ text: "a", payload: new Uint8Array(5) }, { text: "b", payload: new Uint8Array(7) }));
  assert.equal(summary.messageCount, 2);
  assert.equal(summary.payloadBytes, 12n);
  assert.equal(summary.text, "ab");
  assert.equal((await client.collect(streamOf())).messageCount, 0);
});

test("Chat answers each request before the next one is sent", async () => {
  const events: string[] = [];
  let replied: () => void = () => {};
  async function* requests() {
    for (const text of ["one", "two"]) {
      const reply = new Promise<void>((resolve) => (replied = resolve));
      events.push(`sent ${text}`);
      yield { text };
      await reply;
    }
  }
  for await (const response of client.chat(requests(), { timeoutMs: 5000 })) {
    events.push(`got ${response.text}`);
    replied();
  }
  assert.deepEqual(events, ["sent one", "got one", "sent two", "got two"]);
});

test("a cancelled call aborts its handler", async () => {
  const [startedBefore, abortedBefore] = [started.length, aborted.length];
  const controller = new AbortController();
  const call = client.echo({ delayMs: 60_000 }, { signal: controller.signal });
  await waitFor(() => started.length > startedBefore);
  controller.abort();
  await assert.rejects(call, (error) => error instanceof ServiceError && error.code === Code.CANCELLED);
  await waitFor(() => aborted.length > abortedBefore);
  assert.deepEqual(aborted.slice(abortedBefore), ["Echo"]);
});
