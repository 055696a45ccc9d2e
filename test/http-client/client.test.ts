// HttpConnection end to end against FakeHttpTranscoder (a node:http server on 127.0.0.1:0 that
// answers as the wire contract says): unary calls, headers and metadata, errors, deadlines,
// NDJSON server streams, WebSocket client/bidi streams, client middleware.
import { afterEach, describe, expect, test } from "vitest";
import { Code } from "../../src/runtime/code.js";
import { RemoteServiceError, ServiceError } from "../../src/runtime/errors.js";
import { ErrorInfoSchema } from "../../src/runtime/gen/google/rpc/error_details_pb.js";
import { HttpConnection } from "../../src/runtime/http/client.js";
import { Metadata } from "../../src/runtime/metadata.js";
import type { ClientMiddleware } from "../../src/runtime/outgoing.js";
import { FakeHttpTranscoder, sendJson } from "./fake-transcoder.js";
import { compileLibrary, librarySpecs } from "./library.js";

const specs = librarySpecs(compileLibrary());
const m = (name: string) => specs[name]!;
const running: FakeHttpTranscoder[] = [];
const connections: HttpConnection[] = [];

afterEach(async () => {
  connections.splice(0).forEach((c) => c.close());
  await Promise.all(running.splice(0).map((f) => f.close()));
});

async function fake(...args: Parameters<typeof FakeHttpTranscoder.start>): Promise<FakeHttpTranscoder> {
  const server = await FakeHttpTranscoder.start(...args);
  running.push(server);
  return server;
}

function connect(server: FakeHttpTranscoder, options: ConstructorParameters<typeof HttpConnection>[1] = {}): HttpConnection {
  const connection = new HttpConnection(server.url, options);
  connections.push(connection);
  return connection;
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

async function collect<T>(stream: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const item of stream) out.push(item);
  return out;
}

async function* from<T>(...items: T[]): AsyncGenerator<T> {
  yield* items;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe("unary", () => {
  test("sends the binding's request with metadata headers and decodes the JSON response", async () => {
    const server = await fake((_req, res) =>
      sendJson(res, 200, { name: "shelves/1/books/2", title: "Dune", pages: "412", kind: "NOVEL", extra: 1 }, {
        "grpc-metadata-served-by": "fake",
        "grpc-trailer-cost": "3",
      }),
    );
    const headers: Metadata[] = [];
    const trailers: Metadata[] = [];
    const book = await connect(server, { headers: { "x-default": "d" } }).unary(m("GetBook"), { name: "shelves/1/books/2" }, {
      metadata: { "x-tenant": "acme", authorization: "Bearer t", "trace-bin": new Uint8Array([1, 2]) },
      timeoutMs: 5000,
      onHeader: (md) => headers.push(md),
      onTrailer: (md) => trailers.push(md),
    });
    expect(book).toMatchObject({ name: "shelves/1/books/2", title: "Dune", pages: 412n, kind: 1 });
    const [request] = server.requests;
    expect(request).toMatchObject({ method: "GET", url: "/v1/shelves/1/books/2" });
    expect(request!.headers).toMatchObject({ "grpc-metadata-x-tenant": "acme", authorization: "Bearer t", "grpc-metadata-trace-bin": "AQI=", "x-default": "d", accept: "application/json" });
    expect(request!.headers["grpc-timeout"]).toMatch(/^(49\d\d|5000)m$/);
    expect(headers[0]?.get("served-by")).toBe("fake");
    expect(trailers[0]?.get("cost")).toBe("3");
  });

  test("a google.rpc.Status body becomes a RemoteServiceError with code, message and details", async () => {
    const server = await fake((_req, res) =>
      sendJson(res, 404, { code: 5, message: "no book 2", details: [{ "@type": "type.googleapis.com/google.rpc.ErrorInfo", reason: "NO_SUCH_BOOK", domain: "example.com" }] }, { "grpc-trailer-why": "gone" }),
    );
    const error = await failure(connect(server).unary(m("GetBook"), { name: "shelves/1/books/2" }));
    expect(error).toBeInstanceOf(RemoteServiceError);
    expect(error).toMatchObject({ code: Code.NOT_FOUND, message: "no book 2" });
    expect(error.findDetail(ErrorInfoSchema)).toMatchObject({ reason: "NO_SUCH_BOOK", domain: "example.com" });
    expect(error.metadata.get("why")).toBe("gone");
  });

  test("details of an unknown type do not hide the status", async () => {
    const server = await fake((_req, res) => sendJson(res, 400, { code: 3, message: "bad", details: [{ "@type": "type.googleapis.com/x.Unknown", a: 1 }] }));
    expect(await failure(connect(server).unary(m("Echo"), {}))).toMatchObject({ code: Code.INVALID_ARGUMENT, message: "bad" });
  });

  test.each([
    [404, Code.UNIMPLEMENTED],
    [401, Code.UNAUTHENTICATED],
    [403, Code.PERMISSION_DENIED],
    [429, Code.UNAVAILABLE],
    [502, Code.UNAVAILABLE],
    [503, Code.UNAVAILABLE],
    [504, Code.UNAVAILABLE],
    [500, Code.UNKNOWN],
    [418, Code.UNKNOWN],
  ])("HTTP %i without a Status body -> code %i", async (status, code) => {
    const server = await fake((_req, res) => {
      res.writeHead(status, { "content-type": "text/html" });
      res.end("<h1>proxy says no</h1>");
    });
    const error = await failure(connect(server).unary(m("Echo"), {}));
    expect(error.code).toBe(code);
    expect(error.message).toContain(`HTTP ${status}`);
  });

  test("the deadline ends a call the server never answers with DEADLINE_EXCEEDED", async () => {
    const server = await fake(() => {});
    const started = Date.now();
    const error = await failure(connect(server).unary(m("Echo"), {}, { timeoutMs: 150 }));
    expect(error.code).toBe(Code.DEADLINE_EXCEEDED);
    expect(Date.now() - started).toBeLessThan(2000);
  });

  test("aborting the signal cancels the call with CANCELLED", async () => {
    const server = await fake(() => {});
    const controller = new AbortController();
    const call = connect(server).unary(m("Echo"), {}, { signal: controller.signal });
    setTimeout(() => controller.abort(new Error("user left")), 50);
    const error = await failure(call);
    expect(error).toMatchObject({ code: Code.CANCELLED });
    expect(error.message).toContain("user left");
  });

  test("a refused connection is UNAVAILABLE; a closed connection refuses calls", async () => {
    const server = await fake(() => {});
    const url = server.url;
    await server.close();
    running.length = 0;
    const connection = new HttpConnection(url);
    expect((await failure(connection.unary(m("Echo"), {}))).code).toBe(Code.UNAVAILABLE);
    connection.close();
    expect(await failure(connection.unary(m("Echo"), {}))).toMatchObject({ code: Code.UNAVAILABLE, message: "connection closed" });
  });

  test("client middleware sees HTTP calls with the base URL as target", async () => {
    const server = await fake((_req, res) => sendJson(res, 200, { title: "x" }));
    const seen: string[] = [];
    const record: ClientMiddleware = (next) => async (call, input) => {
      seen.push(`${call.method.path} -> ${call.target}`);
      return next({ ...call, options: { ...call.options, metadata: { "x-mw": "1" } } }, input);
    };
    await connect(server, { middleware: [record] }).unary(m("Echo"), { title: "x" });
    expect(seen).toEqual([`/clienttest.v1.Library/Echo -> ${server.url}`]);
    expect(server.requests[0]?.headers["grpc-metadata-x-mw"]).toBe("1");
  });

  test("binary mode sends and reads application/x-protobuf", async () => {
    const server = await fake((req, res) => {
      const book = m("Echo").input.decode(req.body) as { title: string };
      res.writeHead(200, { "content-type": "application/x-protobuf" });
      res.end(m("Echo").output.encode(m("Echo").output.create({ title: book.title + "!" })));
    });
    const book = await connect(server, { binary: true }).unary(m("Echo"), { title: "bin" });
    expect(book).toMatchObject({ title: "bin!" });
    expect(server.requests[0]?.headers["content-type"]).toBe("application/x-protobuf");
  });

  test("an HttpBody response carries the raw bytes and content type; response_body fills one field", async () => {
    const server = await fake((req, res) => {
      if (req.url.endsWith("/cover")) {
        res.writeHead(200, { "content-type": "image/png" });
        return void res.end(Buffer.from([137, 80, 78, 71]));
      }
      sendJson(res, 200, "Just the title");
    });
    const cover = (await connect(server).unary(m("Cover"), { name: "shelves/1/books/2" })) as { contentType: string; data: Uint8Array };
    expect(cover.contentType).toBe("image/png");
    expect([...cover.data]).toEqual([137, 80, 78, 71]);
    expect(await connect(server).unary(m("Title"), { name: "shelves/1/books/2" })).toMatchObject({ title: "Just the title", name: "" });
  });

  test("a response over maxMessageBytes is RESOURCE_EXHAUSTED", async () => {
    const server = await fake((_req, res) => sendJson(res, 200, { title: "x".repeat(2000) }));
    expect((await failure(connect(server, { maxMessageBytes: 1000 }).unary(m("Echo"), {}))).code).toBe(Code.RESOURCE_EXHAUSTED);
  });
});

describe("server streaming (NDJSON)", () => {
  test("yields each result as it arrives and ends at the status line", async () => {
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    const server = await fake(async (_req, res) => {
      res.writeHead(200, { "content-type": "application/x-ndjson" });
      res.write(JSON.stringify({ result: { title: "one" } }) + "\n");
      await held;
      res.write(JSON.stringify({ result: { title: "two" } }) + "\n" + JSON.stringify({ status: { code: 0 } }) + "\n");
      res.end();
    });
    const titles: string[] = [];
    for await (const book of connect(server).serverStream(m("WatchBooks"), { parent: "shelves/1", pageSize: 2 })) {
      titles.push((book as { title: string }).title);
      // The first message arrived while the server still holds the rest: nothing was buffered.
      if (titles.length === 1) release();
    }
    expect(titles).toEqual(["one", "two"]);
    expect(server.requests[0]).toMatchObject({ method: "GET", url: "/v1/shelves/1/books:watch?pageSize=2" });
    expect(server.requests[0]?.headers.accept).toBe("application/x-ndjson");
  });

  test("a failing status line ends the stream with its error", async () => {
    const server = await fake((_req, res) => {
      res.writeHead(200, { "content-type": "application/x-ndjson" });
      res.end(`{"result":{"title":"a"}}\n{"status":{"code":8,"message":"slow down"}}\n`);
    });
    const seen: unknown[] = [];
    const error = await failure((async () => {
      for await (const book of connect(server).serverStream(m("WatchBooks"), { parent: "shelves/1" })) seen.push(book);
    })());
    expect(seen).toHaveLength(1);
    expect(error).toMatchObject({ code: Code.RESOURCE_EXHAUSTED, message: "slow down" });
  });

  test("a body ending without a status line is UNAVAILABLE", async () => {
    const server = await fake((_req, res) => {
      res.writeHead(200, { "content-type": "application/x-ndjson" });
      res.end(`{"result":{"title":"a"}}\n`);
    });
    const error = await failure(collect(connect(server).serverStream(m("WatchBooks"), { parent: "shelves/1" })));
    expect(error).toMatchObject({ code: Code.UNAVAILABLE, message: "stream ended without status" });
  });

  test("an error before the first message is a normal error response", async () => {
    const server = await fake((_req, res) => sendJson(res, 403, { code: 7, message: "not yours" }));
    expect(await failure(collect(connect(server).serverStream(m("WatchBooks"), { parent: "shelves/1" })))).toMatchObject({ code: Code.PERMISSION_DENIED });
  });

  test("leaving the loop early closes the response", async () => {
    const server = await fake(async (_req, res) => {
      res.writeHead(200, { "content-type": "application/x-ndjson" });
      for (let i = 0; i < 200 && !res.destroyed; i++) {
        res.write(JSON.stringify({ result: { title: `n${i}` } }) + "\n");
        await sleep(10);
      }
      res.end();
    });
    for await (const _ of connect(server).serverStream(m("WatchBooks"), { parent: "shelves/1" })) break;
    await server.clientGone;
  });
});

describe("client and bidi streaming (WebSocket)", () => {
  test("bidi: one text frame per request, an empty frame half-closes, results then status", async () => {
    const received: string[] = [];
    const server = await fake(
      () => {},
      (socket) => {
        socket.on("message", (data) => {
          const text = String(data);
          received.push(text);
          if (text === "") {
            socket.send(JSON.stringify({ status: { code: 0 } }));
            return socket.close(1000);
          }
          socket.send(JSON.stringify({ result: { title: (JSON.parse(text) as { title: string }).title.toUpperCase() } }));
        });
      },
    );
    const replies = await collect(connect(server).bidiStream(m("Chat"), from({ title: "a" }, { title: "b" }), { metadata: { "x-tenant": "acme" } }));
    expect(replies).toMatchObject([{ title: "A" }, { title: "B" }]);
    expect(received).toEqual(['{"title":"a"}', '{"title":"b"}', ""]);
    expect(server.requests[0]).toMatchObject({ method: "GET", url: "/clienttest.v1.Library/Chat" });
    expect(server.requests[0]?.headers["grpc-metadata-x-tenant"]).toBe("acme");
  });

  test("client streaming: the path comes from the first request, the body rule picks the field", async () => {
    const received: string[] = [];
    const server = await fake(
      () => {},
      (socket) => {
        socket.on("message", (data) => {
          received.push(String(data));
          if (String(data) !== "") return;
          socket.send(JSON.stringify({ result: { books: received.filter((t) => t !== "").map((t) => JSON.parse(t)) } }));
          socket.send(JSON.stringify({ status: { code: 0 } }));
          socket.close(1000);
        });
      },
    );
    const response = await connect(server).clientStream(m("ImportBooks"), from({ parent: "shelves/7", book: { title: "x" } }, { parent: "shelves/7", book: { title: "y" } }));
    expect(response).toMatchObject({ books: [{ title: "x" }, { title: "y" }] });
    expect(server.requests[0]?.url).toBe("/v1/shelves/7/books:import");
  });

  test("a refused upgrade maps its Status body", async () => {
    const server = await fake(() => {});
    expect(await failure(collect(connect(server).bidiStream(m("Chat"), from<object>())))).toMatchObject({ code: Code.NOT_FOUND, message: "no route for GET /clienttest.v1.Library/Chat" });
  });

  test("a failing status frame is the call's error", async () => {
    const server = await fake(
      () => {},
      (socket) => {
        socket.send(JSON.stringify({ status: { code: 9, message: "not now" } }));
        socket.close(1000);
      },
    );
    expect(await failure(collect(connect(server).bidiStream(m("Chat"), from<object>())))).toMatchObject({ code: Code.FAILED_PRECONDITION, message: "not now" });
  });

  test("leaving a bidi loop early closes the socket", async () => {
    let closed!: () => void;
    const socketClosed = new Promise<void>((resolve) => (closed = resolve));
    const server = await fake(
      () => {},
      (socket) => {
        socket.on("close", () => closed());
        socket.send(JSON.stringify({ result: { title: "first" } }));
      },
    );
    for await (const _ of connect(server).bidiStream(m("Chat"), from<object>())) break;
    await socketClosed;
  });
});
