/**
 * protovalidate rules enforced before the handler, over real gRPC and HTTP calls: each rule kind
 * rejects bad input with INVALID_ARGUMENT / 400 and one google.rpc.BadRequest listing every
 * violated field (proto names over gRPC, JSON names over HTTP); valid input reaches the handler.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { BadRequestSchema, Code, hasValidationRules, ServiceError, type MethodSpec, type RpcConnection } from "../../src/runtime/index.js";
import { field, message, oneof } from "@bufbuild/protovalidate/gen/buf/validate/validate_pb.js";
import { VALIDATE_OPTION_NUMBER } from "../../src/runtime/validate/rules.js";
import { serveChecks, type ChecksServers } from "./harness.js";

let servers: ChecksServers;
beforeAll(async () => {
  servers = await serveChecks();
});
afterAll(() => servers.close());

const valid = {
  displayName: "Ada",
  sku: "ABC-1234",
  contactEmail: "ada@example.com",
  requestId: "8c6d3c0e-2f7b-4d7e-9a55-2f3b6c9d0e11",
  quantity: 3,
  unitPrice: 9.5,
  tags: ["a", "b"],
  shippingAddress: { city: "Oslo" },
  color: 1,
  payment: { case: "cardToken", value: "tok_1" },
  startDay: 1,
  endDay: 2,
  nickname: "ada",
} as const;

/** Breaks every rule of CreateOrderRequest at once. */
const everythingWrong = {
  displayName: "A",
  sku: "abc-1",
  contactEmail: "not an email",
  requestId: "not-a-uuid",
  quantity: 101,
  unitPrice: 0,
  tags: [],
  color: 7,
  startDay: 5,
  endDay: 4,
  nickname: "a b",
  branches: { north: { city: "" } },
};

/** [proto path, JSON path, protovalidate rule id] of each violation everythingWrong causes. */
const expectedViolations: Array<[string, string, string]> = [
  ["display_name", "displayName", "string.min_len"],
  ["sku", "sku", "string.pattern"],
  ["contact_email", "contactEmail", "string.email"],
  ["request_id", "requestId", "string.uuid"],
  ["quantity", "quantity", "int32.gte_lte"],
  ["unit_price", "unitPrice", "double.gt"],
  ["tags", "tags", "repeated.min_items"],
  ["shipping_address", "shippingAddress", "required"],
  ["color", "color", "enum.defined_only"],
  ["payment", "payment", "required"],
  ["nickname", "nickname", "nickname.no_spaces"],
  ['branches["north"].city', 'branches["north"].city', "string.min_len"],
  ["", "", "days.ordered"],
];

/** The call's error, which must be a ServiceError. */
async function failure(call: Promise<unknown>): Promise<ServiceError> {
  const error = await call.then(
    () => undefined,
    (thrown: unknown) => thrown,
  );
  expect(error).toBeInstanceOf(ServiceError);
  return error as ServiceError;
}

/** [field, reason] of every FieldViolation in the error's one BadRequest detail, sorted. */
function violationsOf(error: ServiceError): Array<[string, string]> {
  expect(error.findDetails(BadRequestSchema)).toHaveLength(1);
  const badRequest = error.findDetail(BadRequestSchema)!;
  for (const violation of badRequest.fieldViolations) expect(violation.description).not.toBe("");
  return badRequest.fieldViolations.map((v): [string, string] => [v.field, v.reason]).sort();
}

const transports: Array<{ name: string; style: 0 | 1; client: () => RpcConnection }> = [
  { name: "gRPC", style: 0, client: () => servers.grpc },
  { name: "HTTP", style: 1, client: () => servers.http },
];

const method = (name: string): MethodSpec => servers.methods[name]!;

describe.each(transports)("over $name", ({ style, client }) => {
  it("passes a valid request to the handler", async () => {
    const before = servers.handled.get("createOrder") ?? 0;
    await expect(client().unary(method("createOrder"), valid)).resolves.toMatchObject({ items: 1 });
    expect(servers.handled.get("createOrder")).toBe(before + 1);
  });

  it("lists every violated rule kind in one BadRequest, and the handler never runs", async () => {
    const before = servers.handled.get("createOrder") ?? 0;
    const error = await failure(client().unary(method("createOrder"), everythingWrong));
    expect(error.code).toBe(Code.INVALID_ARGUMENT);
    const expected = expectedViolations.map((row): [string, string] => [row[style], row[2]]).sort();
    expect(violationsOf(error)).toEqual(expected);
    expect(servers.handled.get("createOrder") ?? 0).toBe(before);
  });

  it("checks repeated max_items and unique", async () => {
    const tooMany = await failure(client().unary(method("createOrder"), { ...valid, tags: ["a", "b", "c", "d"] }));
    expect(violationsOf(tooMany)).toEqual([["tags", "repeated.max_items"]]);
    const repeated = await failure(client().unary(method("createOrder"), { ...valid, tags: ["a", "a"] }));
    expect(violationsOf(repeated)).toEqual([["tags", "repeated.unique"]]);
  });

  it("checks string max_len and int32 below the range", async () => {
    const error = await failure(client().unary(method("createOrder"), { ...valid, displayName: "Ada Lovelace!", quantity: 0 }));
    expect(violationsOf(error)).toEqual(
      [
        [["display_name", "displayName"][style]!, "string.max_len"],
        ["quantity", "int32.gte_lte"],
      ].sort(),
    );
  });

  it("checks every message of a request stream as the handler reads it", async () => {
    const before = servers.handled.get("uploadItems") ?? 0;
    async function* items() {
      yield { name: "first" };
      yield { name: "" };
      yield { name: "never read" };
    }
    const error = await failure(client().clientStream(method("uploadItems"), items()));
    expect(error.code).toBe(Code.INVALID_ARGUMENT);
    expect(violationsOf(error)).toEqual([["name", "string.min_len"]]);
    // The first item reached the handler; the bad one and those after it did not.
    expect(servers.handled.get("uploadItems")).toBe(before + 1);
  });

  it("passes a valid request stream", async () => {
    async function* items() {
      yield { name: "a" };
      yield { name: "b" };
    }
    await expect(client().clientStream(method("uploadItems"), items())).resolves.toMatchObject({ items: 2 });
  });
});

describe("over HTTP with fetch", () => {
  it("answers 400 with a google.rpc.Status body whose BadRequest uses JSON field names", async () => {
    const response = await fetch(`${servers.httpUrl}/v1/orders`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ ...valid, payment: undefined, cardToken: "t", displayName: "A", contactEmail: "x" }),
    });
    expect(response.status).toBe(400);
    const body = (await response.json()) as { code: number; details: Array<{ "@type": string; fieldViolations: Array<{ field: string; reason: string }> }> };
    expect(body.code).toBe(Code.INVALID_ARGUMENT);
    expect(body.details).toHaveLength(1);
    expect(body.details[0]!["@type"]).toBe("type.googleapis.com/google.rpc.BadRequest");
    expect(body.details[0]!.fieldViolations.map((v) => [v.field, v.reason]).sort()).toEqual([
      ["contactEmail", "string.email"],
      ["displayName", "string.min_len"],
    ]);
  });
});

describe("which methods are validated", () => {
  it("finds rules on the message, on a oneof, on fields and through map values", () => {
    const messages = servers.service.file.messages;
    const byName = (name: string) => messages.find((m) => m.name === name)!;
    expect(hasValidationRules(byName("CreateOrderRequest"))).toBe(true);
    expect(hasValidationRules(byName("Item"))).toBe(true);
    expect(hasValidationRules(byName("PingRequest"))).toBe(false);
  });

  it("looks for the field number of protovalidate's message, oneof and field options", () => {
    // rules.ts tests the number itself so that a start-up does not load validate_pb.js.
    expect([message, oneof, field].map((option) => [option.number, option.extendee.typeName])).toEqual([
      [VALIDATE_OPTION_NUMBER, "google.protobuf.MessageOptions"],
      [VALIDATE_OPTION_NUMBER, "google.protobuf.OneofOptions"],
      [VALIDATE_OPTION_NUMBER, "google.protobuf.FieldOptions"],
    ]);
  });

  it("lets a method without rules through on both transports", async () => {
    await expect(servers.grpc.unary(method("ping"), { text: "" })).resolves.toMatchObject({ items: 1 });
    await expect(servers.http.unary(method("ping"), { text: "" })).resolves.toMatchObject({ items: 1 });
  });
});
