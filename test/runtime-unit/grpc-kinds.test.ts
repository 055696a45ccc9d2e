/** The four call kinds over real sockets, with metadata both ways. */
import { afterEach, describe, expect, it } from "vitest";
import { makeEndpoint, Metadata, type CallContext } from "../../src/runtime/index.js";
import type { EchoRequest } from "./fixtures/gen/echo_pb.js";
import { collect, echo, Harness } from "./harness.js";

const harness = new Harness();
afterEach(() => harness.closeAll());

const bytes = (...values: number[]) => new Uint8Array(values);

describe("gRPC call kinds", () => {
  it("unary: request and response messages, init objects accepted", async () => {
    const { client } = await harness.start({
      echo: makeEndpoint(echo.methods.echo, async (_ctx, req: EchoRequest) => ({ text: `hello ${req.text}`, payload: req.payload })),
    });
    const res = await client.unary(echo.methods.echo, { text: "world", payload: bytes(1, 2, 3) });
    expect(res.$typeName).toBe("gensvc.test.echo.v1.EchoResponse");
    expect(res.text).toBe("hello world");
    expect(res.payload).toEqual(bytes(1, 2, 3));
  });

  it("server streaming: every message in order", async () => {
    const { client } = await harness.start({
      expand: makeEndpoint(echo.methods.expand, async function* (_ctx, req: EchoRequest) {
        for (let i = 0; i < req.count; i++) yield { text: req.text, index: i };
      }),
    });
    const res = await collect(client.serverStream(echo.methods.expand, { text: "x", count: 5 }));
    expect(res.map((r) => r.index)).toEqual([0, 1, 2, 3, 4]);
  });

  it("client streaming: the handler reads every request", async () => {
    const { client } = await harness.start({
      collect: makeEndpoint(echo.methods.collect, async (_ctx, reqs: AsyncIterable<EchoRequest>) => {
        const texts: string[] = [];
        for await (const req of reqs) texts.push(req.text);
        return { text: texts.join(","), index: texts.length };
      }),
    });
    async function* requests() {
      for (const text of ["a", "b", "c"]) yield { text };
    }
    const res = await client.clientStream(echo.methods.collect, requests());
    expect(res).toMatchObject({ text: "a,b,c", index: 3 });
  });

  it("bidi: requests may wait for responses (ping-pong)", async () => {
    const { client } = await harness.start({
      chat: makeEndpoint(echo.methods.chat, async function* (_ctx, reqs: AsyncIterable<EchoRequest>) {
        let i = 0;
        for await (const req of reqs) yield { text: req.text.toUpperCase(), index: i++ };
      }),
    });
    const answers: string[] = [];
    let answered = () => {};
    async function* requests() {
      for (const text of ["one", "two", "three"]) {
        const answer = new Promise<void>((resolve) => (answered = resolve));
        yield { text };
        await answer; // next question only after the previous answer
      }
    }
    for await (const res of client.bidiStream(echo.methods.chat, requests())) {
      answers.push(res.text);
      answered();
    }
    expect(answers).toEqual(["ONE", "TWO", "THREE"]);
  });

  it("bidi: a handler may stop reading and keep writing", async () => {
    const { client } = await harness.start({
      chat: makeEndpoint(echo.methods.chat, async function* (_ctx, reqs: AsyncIterable<EchoRequest>) {
        for await (const req of reqs) {
          if (req.text === "stop") break;
        }
        yield { text: "after" };
      }),
    });
    async function* requests() {
      yield { text: "go" };
      yield { text: "stop" };
    }
    const res = await collect(client.bidiStream(echo.methods.chat, requests()));
    expect(res.map((r) => r.text)).toEqual(["after"]);
  });

  it("passes the context: peer, transport, method, no deadline when none is set", async () => {
    let seen: CallContext | undefined;
    const { client } = await harness.start({
      echo: makeEndpoint(echo.methods.echo, async (ctx) => {
        seen = ctx;
        return {};
      }),
    });
    await client.unary(echo.methods.echo, {});
    expect(seen?.transport).toBe("grpc");
    expect(seen?.method.path).toBe("/gensvc.test.echo.v1.EchoService/Echo");
    expect(seen?.peer).toMatch(/^127\.0\.0\.1:\d+$/);
    expect(seen?.deadline).toBeUndefined();
    expect(seen?.signal.aborted).toBe(false);
  });
});

describe("metadata", () => {
  const binary = bytes(0, 255, 7);

  it("unary: request metadata in, header and trailer out, -bin as bytes", async () => {
    let requestMetadata: Metadata | undefined;
    const { client } = await harness.start({
      echo: makeEndpoint(echo.methods.echo, async (ctx) => {
        requestMetadata = ctx.requestMetadata;
        ctx.responseHeader.set("x-header", "h").set("x-header-bin", binary);
        ctx.responseTrailer.append("x-trailer", "t1").append("x-trailer", "t2").set("x-trailer-bin", binary);
        return {};
      }),
    });
    let header: Metadata | undefined;
    let trailer: Metadata | undefined;
    await client.unary(echo.methods.echo, {}, {
      metadata: { "x-user": "ann", "x-token-bin": binary, "x-multi": ["1", "2"] },
      onHeader: (md) => (header = md),
      onTrailer: (md) => (trailer = md),
    });
    expect(requestMetadata?.get("x-user")).toBe("ann");
    expect(requestMetadata?.get("x-token-bin")).toEqual(binary);
    // HTTP/2 (Node's http2) joins repeated text headers with ", ", as HTTP allows.
    expect(requestMetadata?.getAll("x-multi")).toEqual(["1, 2"]);
    // Transport headers that grpc-js uses itself do not reach handlers.
    expect(requestMetadata?.has("grpc-timeout")).toBe(false);
    expect(requestMetadata?.has("content-type")).toBe(false);
    expect(header?.get("x-header")).toBe("h");
    expect(header?.get("x-header-bin")).toEqual(binary);
    expect(trailer?.getAll("x-trailer")).toEqual(["t1, t2"]);
    expect(trailer?.get("x-trailer-bin")).toEqual(binary);
  });

  it("server streaming: header before the first message, trailer at the end", async () => {
    const { client } = await harness.start({
      expand: makeEndpoint(echo.methods.expand, async function* (ctx) {
        ctx.responseHeader.set("x-stage", "header");
        yield { index: 0 };
        ctx.responseTrailer.set("x-count", "2");
        yield { index: 1 };
      }),
    });
    const events: string[] = [];
    const stream = client.serverStream(echo.methods.expand, {}, {
      onHeader: (md) => events.push(`header:${md.get("x-stage")}`),
      onTrailer: (md) => events.push(`trailer:${md.get("x-count")}`),
    });
    for await (const res of stream) events.push(`message:${res.index}`);
    expect(events).toEqual(["header:header", "message:0", "message:1", "trailer:2"]);
  });

  it("bidi and client streaming carry metadata too", async () => {
    const { client } = await harness.start({
      collect: makeEndpoint(echo.methods.collect, async (ctx, reqs: AsyncIterable<EchoRequest>) => {
        for await (const _ of reqs);
        ctx.responseHeader.set("x-echo", String(ctx.requestMetadata.get("x-in")));
        ctx.responseTrailer.set("x-done", "yes");
        return {};
      }),
      chat: makeEndpoint(echo.methods.chat, async function* (ctx, reqs: AsyncIterable<EchoRequest>) {
        ctx.responseHeader.set("x-echo", String(ctx.requestMetadata.get("x-in")));
        for await (const req of reqs) yield { text: req.text };
        ctx.responseTrailer.set("x-done", "yes");
      }),
    });
    async function* one() {
      yield { text: "a" };
    }
    const seen: string[] = [];
    const options = {
      metadata: { "x-in": "v" },
      onHeader: (md: Metadata) => seen.push(`h=${md.get("x-echo")}`),
      onTrailer: (md: Metadata) => seen.push(`t=${md.get("x-done")}`),
    };
    await client.clientStream(echo.methods.collect, one(), options);
    await collect(client.bidiStream(echo.methods.chat, one(), options));
    expect(seen).toEqual(["h=v", "t=yes", "h=v", "t=yes"]);
  });
});
