// Go kit's addsvc as a generated sample: results and business errors with ErrorInfo details.
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { Code, ErrorInfoSchema, ServiceError } from "../../src/runtime/index.js";
import { AddClient } from "../../generated-samples/addsvc/src/gen/add/grpc-client.js";
import { registerGrpcServices } from "../../generated-samples/addsvc/src/gen/server.js";
import { AddHandler, ERROR_DOMAIN } from "../../generated-samples/addsvc/src/handlers/add.js";
import { Opened, rejectionOf } from "./serve.js";

describe("addsvc sample", () => {
  const opened = new Opened();
  let client: AddClient;

  beforeAll(async () => {
    const port = await opened.serve((s) => registerGrpcServices(s, { add: new AddHandler() }));
    client = opened.track(new AddClient(`127.0.0.1:${port}`));
  });
  afterAll(() => opened.closeAll());

  async function businessError(call: Promise<unknown>): Promise<{ code: Code; reason: string; domain: string; message: string }> {
    const error = await rejectionOf(call);
    expect(error).toBeInstanceOf(ServiceError);
    const info = (error as ServiceError).findDetail(ErrorInfoSchema);
    return { code: (error as ServiceError).code, reason: info?.reason ?? "", domain: info?.domain ?? "", message: (error as ServiceError).message };
  }

  test("Sum and Concat answer", async () => {
    expect((await client.sum({ a: 2n, b: 40n })).v).toBe(42n);
    expect((await client.sum({ a: -5n, b: 0n })).v).toBe(-5n);
    expect((await client.concat({ a: "foo", b: "bar" })).v).toBe("foobar");
  });

  test("two zeroes are refused with INVALID_ARGUMENT and reason TWO_ZEROES", async () => {
    expect(await businessError(client.sum({ a: 0n, b: 0n }))).toEqual({
      code: Code.INVALID_ARGUMENT,
      reason: "TWO_ZEROES",
      domain: ERROR_DOMAIN,
      message: "can't sum two zeroes",
    });
  });

  test("an int64 overflow is OUT_OF_RANGE with reason INT_OVERFLOW", async () => {
    const result = await businessError(client.sum({ a: 2n ** 63n - 1n, b: 1n }));
    expect([result.code, result.reason]).toEqual([Code.OUT_OF_RANGE, "INT_OVERFLOW"]);
  });

  test("a too long concatenation is MAX_SIZE_EXCEEDED", async () => {
    const result = await businessError(client.concat({ a: "x".repeat(1000), b: "y".repeat(25) }));
    expect([result.code, result.reason]).toEqual([Code.INVALID_ARGUMENT, "MAX_SIZE_EXCEEDED"]);
    expect((await client.concat({ a: "x".repeat(1000), b: "y".repeat(24) })).v).toHaveLength(1024);
  });
});
