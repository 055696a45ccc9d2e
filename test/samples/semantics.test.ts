// gRPC semantics to the letter, against the generated echo sample (generated code + runtime, over a
// real socket): metadata echo, status messages, bidi pacing, empty streams, cancellation, deadlines.
// Message sizes are in semantics-size.test.ts.
import { afterAll, afterEach, beforeAll, describe, expect, test } from "vitest";
import { Code, Metadata, ServiceError, type CallContext, type CallOptions } from "../../src/runtime/index.js";
import { EchoClient } from "../../generated-samples/echo/src/gen/echo/grpc-client.js";
import { registerGrpcServices } from "../../generated-samples/echo/src/gen/server.js";
import { EchoHandler } from "../../generated-samples/echo/src/handlers/echo.js";
import type { EchoRequest, EchoResponse } from "../../generated-samples/echo/src/gen/pb/echo/v1/echo_pb.js";
import { collect, Opened, rejectionOf, streamOf } from "./serve.js";

type RequestInit = Partial<Pick<EchoRequest, "text" | "payload" | "responseSize" | "delayMs">> & {
  responseStatus?: { code: Code; message: string };
};

/** What the server side saw of each call, keyed by the `x-call-id` request metadata tests send. */
class ServerView {
  readonly #calls = new Map<string, CallContext>();
  readonly #aborted = new Map<string, unknown>();
  readonly handler = new EchoHandler({
    onCall: (ctx) => this.#calls.set(callId(ctx), ctx),
    onAbort: (ctx) => this.#aborted.set(callId(ctx), ctx.signal.reason),
  });
  started(id: string): boolean {
    return this.#calls.has(id);
  }
  abortReason(id: string): unknown {
    return this.#aborted.get(id);
  }
}

function callId(ctx: CallContext): string {
  return String(ctx.requestMetadata.get("x-call-id"));
}

/** Request streams that send their items and then stay open until the test releases them. */
class OpenStreams {
  #release = new AbortController();
  async *of(...items: RequestInit[]): AsyncGenerator<RequestInit> {
    const released = this.#release.signal;
    yield* items;
    await new Promise((resolve) => released.addEventListener("abort", resolve, { once: true }));
  }
  releaseAll(): void {
    this.#release.abort();
    this.#release = new AbortController();
  }
}

/** One way of calling each method, so a check can run on all four kinds. */
type Kind = "unary" | "server streaming" | "client streaming" | "bidi";
const KINDS: Kind[] = ["unary", "server streaming", "client streaming", "bidi"];

/** Makes one call of `kind` that answers (or fails) as `request` asks; resolves to the responses. */
function callKind(client: EchoClient, kind: Kind, request: RequestInit, options: CallOptions): Promise<Array<{ text: string }>> {
  switch (kind) {
    case "unary":
      return client.echo(request, options).then((r) => [r]);
    case "server streaming":
      return collect(client.expand({ count: 2, request }, options));
    case "client streaming":
      return client.collect(streamOf(request), options).then((r) => [r]);
    case "bidi":
      return collect(client.chat(streamOf(request), options));
  }
}

let ids = 0;
const nextId = () => `call-${++ids}`;

const opened = new Opened();
const server = new ServerView();
const streams = new OpenStreams();
let client: EchoClient;

beforeAll(async () => {
  const port = await opened.serve((s) => registerGrpcServices(s, { echo: server.handler }));
  client = opened.track(new EchoClient(`127.0.0.1:${port}`));
});
afterEach(() => streams.releaseAll());
afterAll(() => opened.closeAll());

describe("request metadata is echoed into the header and the trailer", () => {
  // Bytes that are not UTF-8 and include NUL, so a text round trip would show.
  const blob = new Uint8Array([0, 1, 0xfe, 0xff, 0xc3, 0x28, 10, 13]);
  const sent = { "x-echo-text": "plain value, with spaces", "x-echo-blob-bin": blob, "x-not-echoed": "stays" };

  test.each(KINDS)("%s: text and -bin keys, header before the first message", async (kind) => {
    const events: string[] = [];
    let header: Metadata | undefined;
    let trailer: Metadata | undefined;
    const responses = await callKind(client, kind, { text: "m" }, {
      metadata: sent,
      onHeader: (md) => {
        header = md;
        events.push("header");
      },
      onTrailer: (md) => {
        trailer = md;
        events.push("trailer");
      },
    });
    for (const md of [header, trailer]) {
      expect(md?.get("x-echo-text")).toBe("plain value, with spaces");
      expect(md?.get("x-echo-blob-bin")).toEqual(blob);
      expect(md?.has("x-not-echoed")).toBe(false);
    }
    expect(events).toEqual(["header", "trailer"]);
    expect(responses.length).toBeGreaterThan(0);
  });

  test("several values of a -bin key come back as separate values, in order", async () => {
    let trailer: Metadata | undefined;
    const values = [new Uint8Array([1]), new Uint8Array([2, 2]), new Uint8Array([])];
    await client.echo({}, { metadata: { "x-echo-many-bin": values }, onTrailer: (md) => (trailer = md) });
    expect(trailer?.getAll("x-echo-many-bin")).toEqual(values);
  });

  test("a failing call still sends the echoed header, and the trailer with its status", async () => {
    let header: Metadata | undefined;
    const error = (await rejectionOf(
      client.echo({ responseStatus: { code: Code.ABORTED, message: "no" } }, { metadata: sent, onHeader: (md) => (header = md) }),
    )) as ServiceError;
    expect(error.code).toBe(Code.ABORTED);
    expect(header?.get("x-echo-text")).toBe(sent["x-echo-text"]);
    expect(error.metadata.get("x-echo-text")).toBe(sent["x-echo-text"]);
    expect(error.metadata.get("x-echo-blob-bin")).toEqual(blob);
  });
});

describe("a status message arrives intact", () => {
  const MESSAGES = {
    whitespace: "  two leading spaces, a\ttab,  double  spaces, two trailing  ",
    "CR and LF": "line one\r\nline two\nline three\rend\r\n",
    BMP: "ошибка – ✓ € 中文 ÿ Ā",
    "non-BMP": "🚀 𝄞 😀 𠜎 (astral plane)",
    "percent signs": "100% done, %41 is not A, %%, %",
    everything: " \t 🚀 ошибка\r\n✓ %20 ",
  };

  test.each(KINDS)("%s: whitespace, CR/LF, BMP and non-BMP Unicode, percent signs", async (kind) => {
    for (const [what, message] of Object.entries(MESSAGES)) {
      const error = (await rejectionOf(callKind(client, kind, { responseStatus: { code: Code.FAILED_PRECONDITION, message } }, {}))) as ServiceError;
      expect(error, what).toBeInstanceOf(ServiceError);
      expect(error.code, what).toBe(Code.FAILED_PRECONDITION);
      expect(error.message, what).toBe(message);
    }
  });

  test("a server stream sends its messages before the status", async () => {
    const received: EchoResponse[] = [];
    const stream = client.expand({ count: 3, request: { text: "x", responseStatus: { code: Code.DATA_LOSS, message: MESSAGES.everything } } });
    const error = (await rejectionOf((async () => {
      for await (const response of stream) received.push(response);
    })())) as ServiceError;
    expect(received.map((r) => r.index)).toEqual([0, 1, 2]);
    expect([error.code, error.message]).toEqual([Code.DATA_LOSS, MESSAGES.everything]);
  });
});

test("bidi: each message is answered as it comes, before the client sends the next", async () => {
  const events: string[] = [];
  let replied: () => void = () => {};
  async function* requests(): AsyncGenerator<RequestInit> {
    for (const text of ["one", "two", "three"]) {
      const reply = new Promise<void>((resolve) => (replied = resolve));
      events.push(`sent ${text}`);
      yield { text };
      // Were the server waiting for the half-close, this would wait until the deadline below.
      await reply;
    }
    events.push("half-close");
  }
  for await (const response of client.chat(requests(), { timeoutMs: 5000 })) {
    events.push(`got ${response.text}`);
    replied();
  }
  expect(events).toEqual(["sent one", "got one", "sent two", "got two", "sent three", "got three", "half-close"]);
});

describe("an empty stream ends OK", () => {
  /** Call options that record the header and trailer, and carry one echoed key. */
  function recorded() {
    const seen: { header?: Metadata; trailer?: Metadata } = {};
    const options: CallOptions = { metadata: { "x-echo-k": "v" }, onHeader: (md) => (seen.header = md), onTrailer: (md) => (seen.trailer = md) };
    return { seen, options };
  }

  test("server streaming that returns nothing: no messages, header and trailer still sent", async () => {
    const { seen, options } = recorded();
    expect(await collect(client.expand({ count: 0 }, options))).toEqual([]);
    expect([seen.header?.get("x-echo-k"), seen.trailer?.get("x-echo-k")]).toEqual(["v", "v"]);
  });

  test("client streaming with zero messages", async () => {
    const { seen, options } = recorded();
    const summary = await client.collect(streamOf<RequestInit>(), options);
    expect([summary.messageCount, summary.payloadBytes, summary.text, summary.payload.length]).toEqual([0, 0n, "", 0]);
    expect([seen.header?.get("x-echo-k"), seen.trailer?.get("x-echo-k")]).toEqual(["v", "v"]);
  });

  test("bidi with no messages either way", async () => {
    const { seen, options } = recorded();
    expect(await collect(client.chat(streamOf<RequestInit>(), options))).toEqual([]);
    expect([seen.header?.get("x-echo-k"), seen.trailer?.get("x-echo-k")]).toEqual(["v", "v"]);
  });
});

describe("a cancelled call stops the handler: its abort signal fires", () => {
  /** Starts a call of `kind` whose handler is certain to be running and waiting when `ready` holds. */
  function hangingCall(kind: Kind, options: CallOptions): { done: Promise<unknown>; ready?: () => Promise<unknown> } {
    switch (kind) {
      case "unary":
        return { done: client.echo({ delayMs: 60_000 }, options) };
      case "server streaming":
        return { done: collect(client.expand({ count: 1, request: { delayMs: 60_000 } }, options)) };
      case "client streaming":
        return { done: client.collect(streams.of({ text: "a" }), options) };
      case "bidi": {
        // The handler answered the first message and waits for the next, which never comes.
        const replies = client.chat(streams.of({ text: "a" }), options)[Symbol.asyncIterator]();
        return { done: replies.next().then(() => replies.next()) };
      }
    }
  }

  test.each(KINDS)("%s", async (kind) => {
    const id = nextId();
    const controller = new AbortController();
    const call = hangingCall(kind, { metadata: { "x-call-id": id }, signal: controller.signal });
    const outcome = rejectionOf(call.done);
    await expect.poll(() => server.started(id), { timeout: 2000 }).toBe(true);
    controller.abort();
    expect(((await outcome) as ServiceError).code).toBe(Code.CANCELLED);
    await expect.poll(() => server.abortReason(id), { timeout: 2000 }).toBeDefined();
    expect((server.abortReason(id) as ServiceError).code).toBe(Code.CANCELLED);
  });
});

describe("deadlines", () => {
  test.each(KINDS)("%s: a 1 ms deadline gives DEADLINE_EXCEEDED", async (kind) => {
    const started = Date.now();
    const options = { timeoutMs: 1 };
    const call =
      kind === "unary" ? client.echo({ delayMs: 1000 }, options)
      : kind === "server streaming" ? collect(client.expand({ count: 1, request: { delayMs: 1000 } }, options))
      : kind === "client streaming" ? client.collect(streams.of({}), options)
      : collect(client.chat(streams.of({}), options));
    const error = (await rejectionOf(call)) as ServiceError;
    expect(error).toBeInstanceOf(ServiceError);
    expect(error.code).toBe(Code.DEADLINE_EXCEEDED);
    expect(Date.now() - started).toBeLessThan(1000);
  });

  test("a deadline that passes while the handler runs aborts it with DEADLINE_EXCEEDED", async () => {
    const id = nextId();
    const error = (await rejectionOf(client.echo({ delayMs: 60_000 }, { timeoutMs: 300, metadata: { "x-call-id": id } }))) as ServiceError;
    expect(error.code).toBe(Code.DEADLINE_EXCEEDED);
    expect(server.started(id)).toBe(true);
    await expect.poll(() => server.abortReason(id), { timeout: 2000 }).toBeDefined();
    expect((server.abortReason(id) as ServiceError).code).toBe(Code.DEADLINE_EXCEEDED);
  });
});
