// Large bytes fields in canonical JSON go through Buffer's base64 (json-bytes.ts): the text written
// and the messages read must be exactly protobuf-es's own, for every field shape around them.
import { create, fromJson, toJsonString, type DescMessage, type Message } from "@bufbuild/protobuf";
import { BytesValueSchema } from "@bufbuild/protobuf/wkt";
import { describe, expect, test } from "vitest";
import { fromJsonWithNativeBytes, toJsonWithNativeBytes } from "../../src/runtime/http/json-bytes.js";
import { EchoRequestSchema } from "../../generated-samples/echo/src/gen/pb/echo/v1/echo_pb.js";

/** Bytes of every value 0-255 (so every base64 character and padding appear), `size` long. */
function bytesOf(size: number, seed = 7): Uint8Array {
  return Uint8Array.from({ length: size }, (_, i) => (i * 31 + seed) % 256);
}

const sizes = [0, 1, 127, 128, 129, 130, 3072, 4097];
const cases: Array<[string, DescMessage, (size: number) => Message]> = [
  ["EchoRequest.payload (implicit presence, beside a string)", EchoRequestSchema, (size) => create(EchoRequestSchema, { text: "héllo \"quoted\"", payload: bytesOf(size) })],
  ["google.protobuf.BytesValue (a WKT written as a bare string)", BytesValueSchema, (size) => create(BytesValueSchema, { value: bytesOf(size) })],
];

describe("bytes fields through Buffer's base64", () => {
  test.each(cases)("%s: the same text as toJsonString, and it reads back the same", (_name, schema, make) => {
    for (const size of sizes) {
      const message = make(size);
      const text = JSON.stringify(toJsonWithNativeBytes(schema, message, undefined));
      expect(text).toBe(toJsonString(schema, message));
      const read = fromJsonWithNativeBytes(schema, JSON.parse(text), undefined);
      expect(read).toEqual(fromJson(schema, JSON.parse(text)));
    }
  });

  test("the message written is not changed, and what is read holds plain Uint8Arrays", () => {
    const message = create(EchoRequestSchema, { text: "t", payload: bytesOf(3072) });
    const before = message.payload;
    toJsonWithNativeBytes(EchoRequestSchema, message, undefined);
    expect(message.payload).toBe(before);
    const json = JSON.parse(toJsonString(EchoRequestSchema, message));
    const read = fromJsonWithNativeBytes(EchoRequestSchema, json, undefined) as typeof message;
    expect(Buffer.isBuffer(read.payload)).toBe(false);
    expect(read.payload).toEqual(before);
    expect(json.payload).toBe(toJsonString(EchoRequestSchema, message).match(/"payload":"([^"]+)"/)![1]);
  });

  test("other base64 forms (URL-safe, unpadded, with white space) read as protobuf-es reads them", () => {
    const bytes = bytesOf(3000);
    const std = Buffer.from(bytes).toString("base64");
    const forms = [std.replaceAll("+", "-").replaceAll("/", "_").replace(/=+$/, ""), std.replace(/=+$/, ""), `${std.slice(0, 400)}\n${std.slice(400)}`];
    for (const payload of forms) {
      const json = { text: "x", payload };
      expect(fromJsonWithNativeBytes(EchoRequestSchema, json, undefined)).toEqual(fromJson(EchoRequestSchema, json));
    }
  });

  test("invalid base64 fails as protobuf-es fails, and the proto field name is read too", () => {
    const bad = { payload: `${"A".repeat(200)}!!!!` };
    expect(() => fromJsonWithNativeBytes(EchoRequestSchema, bad, undefined)).toThrow(/base64/);
    const std = Buffer.from(bytesOf(512)).toString("base64");
    const byProtoName = fromJsonWithNativeBytes(EchoRequestSchema, { payload: std, text: "n" }, undefined);
    expect(byProtoName).toEqual(fromJson(EchoRequestSchema, { payload: std, text: "n" }));
  });
});
