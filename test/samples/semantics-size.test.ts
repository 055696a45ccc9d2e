// gRPC message sizes against the generated echo sample (generated code + runtime, over a real
// socket): 300 KB payloads on every kind of call; messages exactly at the limit pass and one byte
// over it fail with RESOURCE_EXHAUSTED, for requests and responses, whichever side enforces it, at a
// small configured limit and at the default (DEFAULT_MAX_MESSAGE_BYTES).
import { create, toBinary } from "@bufbuild/protobuf";
import type { ChannelOptions, ServerOptions } from "@grpc/grpc-js";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { Code, DEFAULT_MAX_MESSAGE_BYTES, serveGrpc, ServiceError, type GrpcServerHandle } from "../../src/runtime/index.js";
import { EchoClient } from "../../generated-samples/echo/src/gen/echo/grpc-client.js";
import { registerGrpcServices } from "../../generated-samples/echo/src/gen/server.js";
import { EchoHandler, patternBytes } from "../../generated-samples/echo/src/handlers/echo.js";
import { EchoRequestSchema, EchoResponseSchema } from "../../generated-samples/echo/src/gen/pb/echo/v1/echo_pb.js";
import { collect, rejectionOf, streamOf } from "./serve.js";

const KB = 1024;
const SMALL_LIMIT = 64 * KB;

/** Limits both ways, as grpc-js options (server and channel options use the same keys). */
function limits(receive: number, send: number): ServerOptions & ChannelOptions {
  return { "grpc.max_receive_message_length": receive, "grpc.max_send_message_length": send };
}

/** Servers and clients of this file, closed at the end. */
const closers: Array<() => unknown> = [];
afterAll(async () => {
  for (const close of closers.splice(0).reverse()) await close();
});

/** Serves the echo handler with `serverOptions` and connects a client with `channelOptions`. */
async function start(serverOptions: ServerOptions = {}, channelOptions: ChannelOptions = {}): Promise<EchoClient> {
  const echo = new EchoHandler();
  const handle: GrpcServerHandle = await serveGrpc({
    host: "127.0.0.1",
    port: 0,
    serverOptions,
    register: (s) => registerGrpcServices(s, { echo }),
  });
  closers.push(() => handle.shutdown(0));
  const client = new EchoClient(`127.0.0.1:${handle.port}`, { channelOptions });
  closers.push(() => client.close());
  return client;
}

/** Bytes a varint takes. */
function varintLength(value: number): number {
  let length = 1;
  while (value >= 0x80) {
    value = Math.floor(value / 0x80);
    length++;
  }
  return length;
}

/**
 * The payload length that makes a message holding only `payload` (field 2: one tag byte, a varint
 * length, the bytes) encode to exactly `messageBytes`. EchoRequest and EchoResponse agree on it.
 */
function payloadLengthFor(messageBytes: number): number {
  for (let lengthBytes = 1; lengthBytes <= 5; lengthBytes++) {
    const payload = messageBytes - 1 - lengthBytes;
    if (varintLength(payload) === lengthBytes) return payload;
  }
  throw new Error(`no payload length encodes to ${messageBytes} bytes`);
}

/** A request of exactly `messageBytes` on the wire. */
function requestOfSize(messageBytes: number) {
  const request = create(EchoRequestSchema, { payload: patternBytes(payloadLengthFor(messageBytes)) });
  expect(toBinary(EchoRequestSchema, request).length).toBe(messageBytes);
  return request;
}

/** A small request asking for a response of exactly `messageBytes` on the wire (unary: index 0, no text). */
function askForResponseOfSize(messageBytes: number) {
  const responseSize = payloadLengthFor(messageBytes);
  expect(toBinary(EchoResponseSchema, create(EchoResponseSchema, { payload: new Uint8Array(responseSize) })).length).toBe(messageBytes);
  return { responseSize };
}

async function expectResourceExhausted(call: Promise<unknown>): Promise<ServiceError> {
  const error = (await rejectionOf(call)) as ServiceError;
  expect(error).toBeInstanceOf(ServiceError);
  expect(error.code).toBe(Code.RESOURCE_EXHAUSTED);
  return error;
}

describe("300 KB payloads pass on every kind of call", () => {
  const size = 300 * KB;
  const payload = patternBytes(size);
  let client: EchoClient;
  beforeAll(async () => {
    client = await start();
  });

  test("unary: a 300 KB request echoed back", async () => {
    expect((await client.echo({ payload })).payload).toEqual(payload);
  });

  test("server streaming: three 300 KB responses", async () => {
    const responses = await collect(client.expand({ count: 3, request: { responseSize: size } }));
    expect(responses.map((r) => r.payload)).toEqual([payload, payload, payload]);
  });

  test("client streaming: three 300 KB requests and a 300 KB response", async () => {
    const summary = await client.collect(streamOf({ payload }, { payload }, { payload, responseSize: size }));
    expect(summary.payloadBytes).toBe(BigInt(3 * size));
    expect(summary.payload).toEqual(payload);
  });

  test("bidi: three 300 KB requests each echoed back", async () => {
    const responses = await collect(client.chat(streamOf({ payload }, { payload }, { payload })));
    expect(responses.map((r) => r.payload)).toEqual([payload, payload, payload]);
  });
});

describe.each([
  { limit: SMALL_LIMIT, name: "a configured 64 KiB limit" },
  { limit: DEFAULT_MAX_MESSAGE_BYTES, name: "the default limit (4 MiB)" },
])("$name", ({ limit }) => {
  // The limit set on one side; the other side lets anything through (-1), so the side named is
  // the one that answers RESOURCE_EXHAUSTED.
  const unlimited = limits(-1, -1);
  const configured = limits(limit, limit);
  const both = limit === DEFAULT_MAX_MESSAGE_BYTES ? [{}, {}] : [configured, configured];
  let limitedServer: EchoClient;
  let limitedClient: EchoClient;
  let limitedBoth: EchoClient;
  beforeAll(async () => {
    limitedServer = await start(limit === DEFAULT_MAX_MESSAGE_BYTES ? {} : configured, unlimited);
    limitedClient = await start(unlimited, limit === DEFAULT_MAX_MESSAGE_BYTES ? {} : configured);
    limitedBoth = await start(both[0], both[1]);
  });

  test("the server takes a request of exactly the limit, refuses one byte more", async () => {
    expect((await limitedServer.echo(requestOfSize(limit))).payload.length).toBe(payloadLengthFor(limit));
    await expectResourceExhausted(limitedServer.echo(requestOfSize(limit + 1)));
  });

  test("the server sends a response of exactly the limit, refuses one byte more", async () => {
    expect((await limitedServer.echo(askForResponseOfSize(limit))).payload.length).toBe(payloadLengthFor(limit));
    await expectResourceExhausted(limitedServer.echo(askForResponseOfSize(limit + 1)));
  });

  test("the client sends a request of exactly the limit, refuses one byte more", async () => {
    expect((await limitedClient.echo(requestOfSize(limit))).payload.length).toBe(payloadLengthFor(limit));
    await expectResourceExhausted(limitedClient.echo(requestOfSize(limit + 1)));
  });

  test("the client takes a response of exactly the limit, refuses one byte more", async () => {
    expect((await limitedClient.echo(askForResponseOfSize(limit))).payload.length).toBe(payloadLengthFor(limit));
    await expectResourceExhausted(limitedClient.echo(askForResponseOfSize(limit + 1)));
  });

  test("with both sides limited, over-limit requests and responses fail either way", async () => {
    await expectResourceExhausted(limitedBoth.echo(requestOfSize(limit + 1)));
    await expectResourceExhausted(limitedBoth.echo(askForResponseOfSize(limit + 1)));
    expect((await limitedBoth.echo({ text: "still fine" })).text).toBe("still fine");
  });

  test("bidi: an over-limit request fails the call after the replies before it", async () => {
    const replies: number[] = [];
    let replied: () => void = () => {};
    // The oversized request goes out only once the first one is answered.
    async function* requests() {
      const reply = new Promise<void>((resolve) => (replied = resolve));
      yield requestOfSize(limit);
      await reply;
      yield requestOfSize(limit + 1);
    }
    await expectResourceExhausted(
      (async () => {
        for await (const response of limitedBoth.chat(requests(), { timeoutMs: 10_000 })) {
          replies.push(response.payload.length);
          replied();
        }
      })(),
    );
    expect(replies).toEqual([payloadLengthFor(limit)]);
  });

  test("server streaming: an over-limit response fails the call", async () => {
    await expectResourceExhausted(collect(limitedBoth.expand({ count: 2, request: askForResponseOfSize(limit + 1) })));
  });
});
