// makeEndpoint's unary endpoint: init objects become full messages, and a handler that throws
// synchronously (not async) still gives a rejected promise, never an exception from the call.
import { describe, expect, it } from "vitest";
import { makeEndpoint, type CallContext } from "../../src/runtime/index.js";
import { echo } from "./harness.js";

const ctx = {} as CallContext;

describe("makeEndpoint (unary)", () => {
  it("answers a full message for an init object", async () => {
    const endpoint = makeEndpoint(echo.methods.echo, async () => ({ text: "hi" }));
    await expect(endpoint(ctx, {})).resolves.toMatchObject({ $typeName: echo.methods.echo.output.typeName, text: "hi" });
  });

  it("turns a synchronous throw into a rejection", async () => {
    const failure = new Error("thrown before any await");
    const endpoint = makeEndpoint(echo.methods.echo, (() => {
      throw failure;
    }) as never);
    let result: Promise<unknown> | undefined;
    expect(() => (result = endpoint(ctx, {}))).not.toThrow();
    await expect(result).rejects.toBe(failure);
  });
});
