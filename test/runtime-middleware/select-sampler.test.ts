// Method selection for middleware, and the log sampler's arithmetic.
import { afterEach, describe, expect, test } from "vitest";
import { exceptFor, onlyFor, type Middleware } from "../../src/runtime/index.js";
import { createSampler } from "../../src/runtime/middleware/sampler.js";
import { EchoHandler } from "../../generated-samples/echo/src/handlers/echo.js";
import { collect } from "../samples/serve.js";
import { Opened, serveEcho } from "./harness.js";

const opened = new Opened();
afterEach(() => opened.closeAll());

/** Middleware that records the path of every call it wraps. */
function recorder(seen: string[]): Middleware {
  return (next) => (ctx, input) => {
    seen.push(ctx.method.path);
    return next(ctx, input);
  };
}

async function callAll(middleware: Middleware[]) {
  const { client } = await serveEcho(opened, new EchoHandler(), { middleware });
  await client.echo({ text: "a" });
  await collect(client.expand({ count: 1, request: {} }));
  async function* one() {
    yield { text: "x" };
  }
  await client.collect(one());
  await collect(client.chat(one()));
}

describe("onlyFor and exceptFor", () => {
  test.each([
    [["echo.v1.Echo/Echo"], ["/echo.v1.Echo/Echo"]],
    [["/echo.v1.Echo/Chat", "echo.v1.Echo/Expand"], ["/echo.v1.Echo/Expand", "/echo.v1.Echo/Chat"]],
    [["echo.v1.Echo"], ["/echo.v1.Echo/Echo", "/echo.v1.Echo/Expand", "/echo.v1.Echo/Collect", "/echo.v1.Echo/Chat"]],
    [["other.v1.Service"], []],
  ])("onlyFor(%j) wraps %j", async (matchers, wrapped) => {
    const seen: string[] = [];
    await callAll([onlyFor(matchers, recorder(seen))]);
    expect(seen).toEqual(wrapped);
  });

  test("exceptFor wraps everything else; predicates work too", async () => {
    const seen: string[] = [];
    const streaming: string[] = [];
    await callAll([exceptFor(["echo.v1.Echo/Echo"], recorder(seen)), onlyFor([(m) => m.kind !== "unary"], recorder(streaming))]);
    expect(seen).toEqual(["/echo.v1.Echo/Expand", "/echo.v1.Echo/Collect", "/echo.v1.Echo/Chat"]);
    expect(streaming).toEqual(["/echo.v1.Echo/Expand", "/echo.v1.Echo/Collect", "/echo.v1.Echo/Chat"]);
  });
});

describe("createSampler", () => {
  test("passes the first N per second, then one in `thereafter`, and starts over each second", () => {
    let now = 0;
    const sample = createSampler({ perSecond: 3, thereafter: 4, now: () => now });
    const first = Array.from({ length: 11 }, () => sample());
    expect(first).toEqual([true, true, true, false, false, false, true, false, false, false, true]);
    now = 1000;
    expect([sample(), sample(), sample(), sample()]).toEqual([true, true, true, false]);
  });

  test("0 per second passes everything", () => {
    const sample = createSampler({ perSecond: 0, thereafter: 100, now: () => 0 });
    expect(Array.from({ length: 500 }, () => sample()).every(Boolean)).toBe(true);
  });
});
