// Recovery and logging around the generated echo server: what callers see, what the logs say.
import { afterEach, describe, expect, test } from "vitest";
import { Code, logging, recovery, ServiceError, type CallContext } from "../../src/runtime/index.js";
import { EchoHandler } from "../../generated-samples/echo/src/handlers/echo.js";
import type { EchoRequest, ExpandRequest } from "../../generated-samples/echo/src/gen/pb/echo/v1/echo_pb.js";
import { collect } from "../samples/serve.js";
import { LogCapture, Opened, eventually, failureOf, serveEcho } from "./harness.js";

/** Fails with a plain Error (a bug) when asked to, so recovery has something to catch. */
class FaultyEcho extends EchoHandler {
  override async echo(request: EchoRequest, ctx: CallContext) {
    ctx.logger.info("handler ran");
    if (request.text === "bug") throw new Error("db password=hunter2 leaked");
    return super.echo(request, ctx);
  }
  override async *expand(request: ExpandRequest, ctx: CallContext) {
    yield { text: "first" };
    if (request.request?.text === "bug") throw new TypeError("cannot read properties of undefined");
    yield* super.expand(request, ctx);
  }
}

const opened = new Opened();
afterEach(() => opened.closeAll());

async function start(callsPerSecond = 0, sendRequestId = true) {
  const logs = new LogCapture();
  const middleware = [logging({ logger: logs.logger, callsPerSecond, sendRequestId }), recovery()];
  const { client } = await serveEcho(opened, new FaultyEcho(), { middleware, logger: logs.logger });
  return { logs, client };
}

describe("recovery", () => {
  test("a thrown Error answers INTERNAL with a fixed message; the cause is logged, never sent", async () => {
    const { logs, client } = await start();
    const error = await failureOf(client.echo({ text: "bug" }));
    expect(error).toBeInstanceOf(ServiceError);
    expect(error.code).toBe(Code.INTERNAL);
    expect(error.message).toBe("internal error");
    expect(JSON.stringify(error)).not.toContain("hunter2");
    const [failure] = logs.withMessage("handler failed");
    expect(failure).toMatchObject({ level: 50, method: "/echo.v1.Echo/Echo", err: { type: "Error", message: "db password=hunter2 leaked" } });
    // Logged once: the transport does not log the cause again.
    expect(logs.lines.filter((line) => JSON.stringify(line).includes("hunter2"))).toHaveLength(1);
  });

  test("a stream that fails half-way ends with INTERNAL after the messages already sent", async () => {
    const { logs, client } = await start();
    const received: string[] = [];
    const error = await failureOf(
      (async () => {
        for await (const response of client.expand({ count: 3, request: { text: "bug" } })) received.push(response.text);
      })(),
    );
    expect(received).toEqual(["first"]);
    expect(error.code).toBe(Code.INTERNAL);
    expect(error.message).toBe("internal error");
    expect(logs.withMessage("handler failed")[0]).toMatchObject({ err: { type: "TypeError" } });
  });

  test("a ServiceError passes through unchanged", async () => {
    const { client } = await start();
    const error = await failureOf(client.echo({ text: "x", responseStatus: { code: Code.NOT_FOUND, message: "no such echo" } }));
    expect([error.code, error.message]).toEqual([Code.NOT_FOUND, "no such echo"]);
  });
});

describe("logging", () => {
  test("one line per call with method, peer, code, duration and request id; handler lines share the id", async () => {
    const { logs, client } = await start();
    let header: string | undefined;
    await client.echo({ text: "hi" }, { metadata: { "x-request-id": "req-42" }, onHeader: (md) => (header = String(md.get("x-request-id"))) });
    const [line] = logs.withMessage("call finished");
    expect(line).toMatchObject({ level: 30, method: "/echo.v1.Echo/Echo", code: "OK", request_id: "req-42", transport: "grpc" });
    expect(String(line!["peer"])).toMatch(/^127\.0\.0\.1:\d+$/);
    expect(typeof line!["duration_ms"]).toBe("number");
    expect(logs.withMessage("handler ran")[0]).toMatchObject({ request_id: "req-42", method: "/echo.v1.Echo/Echo" });
    expect(header).toBe("req-42");
  });

  test("by default the response carries no x-request-id; a made-up id is in the lines only", async () => {
    const { logs, client } = await start(0, false);
    const headers: Array<unknown> = [];
    await client.echo({ text: "hi" }, { onHeader: (md) => headers.push(md.get("x-request-id")) });
    await client.echo({ text: "hi" }, { metadata: { "x-request-id": "req-7" }, onHeader: (md) => headers.push(md.get("x-request-id")) });
    expect(headers).toEqual([undefined, undefined]);
    const ids = logs.withMessage("call finished").map((line) => line["request_id"]);
    expect(ids[0]).toMatch(/^[0-9a-f-]{36}$/);
    expect(ids[1]).toBe("req-7");
    // The handler's lines carry the same made-up id as the call's line.
    expect(logs.withMessage("handler ran")[0]).toMatchObject({ request_id: ids[0] });
  });

  test("with sendRequestId, a request without an id gets one, and it is sent back", async () => {
    const { logs, client } = await start();
    let header: unknown;
    await client.echo({ text: "hi" }, { onHeader: (md) => (header = md.get("x-request-id")) });
    const id = logs.withMessage("call finished")[0]!["request_id"];
    expect(id).toMatch(/^[0-9a-f-]{36}$/);
    expect(header).toBe(id);
  });

  test.each([
    [Code.NOT_FOUND, 30],
    [Code.INVALID_ARGUMENT, 30],
    [Code.DEADLINE_EXCEEDED, 40],
    [Code.UNAVAILABLE, 40],
    [Code.INTERNAL, 50],
    [Code.DATA_LOSS, 50],
  ])("code %i is logged at level %i", async (code, level) => {
    const { logs, client } = await start();
    await failureOf(client.echo({ responseStatus: { code, message: "m" } }));
    expect(logs.withMessage("call finished")[0]).toMatchObject({ level, error: "m" });
  });

  test("streams log message counts both ways when they end", async () => {
    const { logs, client } = await start();
    async function* three() {
      yield { text: "a" };
      yield { text: "b" };
      yield { text: "c" };
    }
    expect(await collect(client.chat(three()))).toHaveLength(3);
    await eventually(() => logs.withMessage("call finished").length === 1);
    expect(logs.withMessage("call finished")[0]).toMatchObject({ method: "/echo.v1.Echo/Chat", code: "OK", messages_received: 3, messages_sent: 3 });
  });

  test("under load, successful calls are sampled; failures are always logged", async () => {
    const { logs, client } = await start(5);
    await Promise.all(Array.from({ length: 40 }, () => client.echo({ text: "x" })));
    await Promise.all(Array.from({ length: 3 }, () => failureOf(client.echo({ responseStatus: { code: Code.INTERNAL, message: "m" } }))));
    const finished = logs.withMessage("call finished");
    // The 40 successes fit in one or two one-second windows: 5 each, plus 1 in 100 after that.
    expect(finished.filter((line) => line["code"] === "OK").length).toBeLessThanOrEqual(10);
    expect(finished.filter((line) => line["code"] === "OK").length).toBeGreaterThanOrEqual(5);
    expect(finished.filter((line) => line["code"] === "INTERNAL")).toHaveLength(3);
  });
});
