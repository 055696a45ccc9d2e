import { create, equals, fromBinary, toBinary, toJson, type DescMessage, type Message } from "@bufbuild/protobuf";
import { anyPack } from "@bufbuild/protobuf/wkt";
import { describe, expect, it } from "vitest";
import { Code } from "../../src/runtime/code.js";
import { ServiceError } from "../../src/runtime/errors.js";
import { ErrorInfoSchema } from "../../src/runtime/gen/google/rpc/error_details_pb.js";
import { HttpStatusError } from "../../src/runtime/http/http-error.js";
import { HttpRouter } from "../../src/runtime/http/router.js";
import { annotatedRules, type HttpRuleSpec } from "../../src/runtime/http/rules.js";
import { decodeRequest, encodeResponse, jsonRegistry, messageFromJsonText, messageToJsonText } from "../../src/runtime/http/transcode.js";
import { compileContract, messageOf, methodOf } from "./compile.js";

/** A response body as text: JSON comes as a string, binary bodies as bytes. */
const bodyText = (body: Uint8Array | string) => (typeof body === "string" ? body : new TextDecoder().decode(body));

const files = compileContract();
const registry = jsonRegistry([messageOf(files, "Kitchen").file]);
const utf8 = new TextEncoder();

/** Routes a request among the bindings of one method and decodes its message, as the server will. */
function call(methodName: string, httpMethod: string, url: string, body?: string | Uint8Array, contentType?: string): Message {
  const method = methodOf(files, methodName);
  const router = new HttpRouter<HttpRuleSpec>(annotatedRules(method).map((rule) => ({ httpMethod: rule.method, pattern: rule.pattern, target: rule })));
  const parsed = new URL(url, "http://localhost");
  const match = router.match(httpMethod, parsed.pathname);
  if (match.kind !== "found") throw new Error(`no route: ${match.kind}`);
  const bytes = typeof body === "string" ? utf8.encode(body) : body;
  return decodeRequest(method, match.target, { variables: match.variables, query: parsed.searchParams, body: bytes, contentType }, registry);
}

function expectMessage(schema: DescMessage, got: Message, init: Record<string, unknown>): void {
  const expected = create(schema, init as never);
  expect(toJson(schema, got, { registry })).toEqual(toJson(schema, expected, { registry }));
  expect(equals(schema, got, expected)).toBe(true);
}

function failure(run: () => unknown): ServiceError {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(ServiceError);
    return error as ServiceError;
  }
  throw new Error("expected a failure");
}

function expectInvalid(run: () => unknown, mentions: string | RegExp): void {
  const error = failure(run);
  expect(error.code).toBe(Code.INVALID_ARGUMENT);
  expect(error.message).toMatch(mentions);
  expect(error.message).not.toMatch(/\n\s+at /);
}

describe("the examples of http.proto", () => {
  const GetMessageRequest = messageOf(files, "GetMessageRequest");

  it("GET /v1/messages/123456?revision=2&sub.subfield=foo", () => {
    expectMessage(GetMessageRequest, call("GetMessage", "GET", "/v1/messages/123456?revision=2&sub.subfield=foo"), { messageId: "123456", revision: 2n, sub: { subfield: "foo" } });
  });

  it("additional_bindings: GET /v1/users/me/messages/123456", () => {
    expectMessage(GetMessageRequest, call("GetMessage", "GET", "/v1/users/me/messages/123456"), { userId: "me", messageId: "123456" });
  });

  it("nested path variable: /v1/messages/{message_id}/{sub.subfield}", () => {
    expectMessage(GetMessageRequest, call("GetMessage", "GET", "/v1/messages/123456/foo"), { messageId: "123456", sub: { subfield: "foo" } });
  });

  it("GET /v1/{name=messages/*}", () => {
    expectMessage(messageOf(files, "GetByNameRequest"), call("GetByName", "GET", "/v1/messages/123456"), { name: "messages/123456" });
  });

  it("PATCH /v1/messages/123456 with body: message", () => {
    expectMessage(messageOf(files, "UpdateMessageRequest"), call("UpdateMessage", "PATCH", "/v1/messages/123456", '{ "text": "Hi!" }'), { messageId: "123456", message: { text: "Hi!" } });
  });

  it("PATCH with body: * (path variables win over the body)", () => {
    const Message = messageOf(files, "Message");
    expectMessage(Message, call("UpdateWhole", "PATCH", "/v2/messages/123456", '{ "text": "Hi!" }'), { messageId: "123456", text: "Hi!" });
    expectMessage(Message, call("UpdateWhole", "PATCH", "/v2/messages/123456", '{ "messageId": "other", "text": "Hi!" }'), { messageId: "123456", text: "Hi!" });
  });

  it("rule 2: with body * there are no query parameters", () => {
    expectInvalid(() => call("UpdateWhole", "PATCH", "/v2/messages/1?text=x", "{}"), /query parameter "text".*body/);
  });

  it("rule 1: a query parameter may not target the body field or a path-bound field", () => {
    expectInvalid(() => call("UpdateMessage", "PATCH", "/v1/messages/1?message.text=x", "{}"), /"message.text".*body/);
    expectInvalid(() => call("GetMessage", "GET", "/v1/messages/1?messageId=2"), /bound by the URL path/);
  });

  it("an empty body is no body", () => {
    expectMessage(messageOf(files, "UpdateMessageRequest"), call("UpdateMessage", "PATCH", "/v1/messages/1"), { messageId: "1" });
  });
});

describe("query parameters", () => {
  const Kitchen = messageOf(files, "Kitchen");
  const get = (query: string): Message => call("Everything", "GET", `/v1/kitchen/kitchens/a/b?${query}`);

  it("every scalar kind by json and proto names, in canonical JSON text", () => {
    const q = "i32=-5&i64=-9007199254740993&u64=18446744073709551615&s32=7&f64=12&flt=1.5&dbl=-Infinity&flag=true&data=-_8&color=GREEN&w_double=Infinity&wInt64=5&w_bool=false&w_string=s&w_bytes=AQID";
    expectMessage(Kitchen, get(q), {
      name: "kitchens/a/b", i32: -5, i64: -9007199254740993n, u64: 18446744073709551615n, s32: 7, f64: 12n, flt: 1.5, dbl: -Infinity, flag: true,
      data: new Uint8Array([0xfb, 0xff]), color: 2, wDouble: Infinity, wInt64: 5n, wBool: false, wString: "s", wBytes: new Uint8Array([1, 2, 3]),
    });
  });

  it("NaN and float specials", () => {
    const got = get("dbl=NaN&flt=Infinity&w_float=-Infinity") as unknown as { dbl: number; flt: number; wFloat: number };
    expect(Number.isNaN(got.dbl)).toBe(true);
    expect([got.flt, got.wFloat]).toEqual([Infinity, -Infinity]);
  });

  it("enums by number, repeated keys, WKTs in their JSON text form, nested fields", () => {
    const q = "color=1&ids=1&ids=2&colors=RED&colors=2&tags=a&tags=b&at=2024-01-02T03:04:05.5Z&ttl=1.5s&mask=a,b.c&child.name=c&child.child.i32=3&times=1970-01-01T00:00:01Z&data=AQID";
    expectMessage(Kitchen, get(q), {
      name: "kitchens/a/b", color: 1, ids: [1, 2], colors: [1, 2], tags: ["a", "b"], at: { seconds: 1704164645n, nanos: 500_000_000 }, ttl: { seconds: 1n, nanos: 500_000_000 },
      mask: { paths: ["a", "b.c"] }, child: { name: "c", child: { i32: 3 } }, times: [{ seconds: 1n }], data: new Uint8Array([1, 2, 3]),
    });
  });

  it("system parameters are ignored; unknown ones are 400", () => {
    expectMessage(Kitchen, get("$fields=x&alt=json&key=k&access_token=t&callback=c"), { name: "kitchens/a/b" });
    expectInvalid(() => get("nope=1"), /unknown query parameter "nope"/);
  });

  it("each malformed value is INVALID_ARGUMENT naming the parameter", () => {
    const cases: Array<[string, RegExp]> = [
      ["i32=abc", /i32/],
      ["i32=2147483648", /i32/],
      ["u64=-1", /u64/],
      ["flag=yes", /flag/],
      ["color=PURPLE", /color/],
      ["at=yesterday", /at/],
      ["ttl=5", /ttl/],
      ["data=***", /data/],
      ["i32=1&i32=2", /given 2 times/],
      ["counts=1", /map/],
      ["meta=1", /Struct/],
      ["child=1", /Kitchen/],
      ["children.name=x", /not a singular message field/],
      ["choice_text=a&choice_number=1", /oneof/],
      ["name=x", /bound by the URL path/],
    ];
    for (const [query, mentions] of cases) expectInvalid(() => get(query), mentions);
  });
});

describe("path variables", () => {
  it("a repeated field bound by a path variable splits on commas (grpc-gateway's choice)", () => {
    const method = methodOf(files, "Everything");
    const rule: HttpRuleSpec = { method: "GET", pattern: "/k/{tags}/{ids}", body: undefined, responseBody: undefined, isDefault: false };
    const variables = [{ fieldPath: ["tags"], value: "a,b" }, { fieldPath: ["ids"], value: "1,2" }];
    const got = decodeRequest(method, rule, { variables, query: new URLSearchParams(), body: undefined, contentType: undefined }, registry);
    expectMessage(messageOf(files, "Kitchen"), got, { tags: ["a", "b"], ids: [1, 2] });
  });

  it("a path value is typed like a query value", () => {
    const method = methodOf(files, "Everything");
    const rule: HttpRuleSpec = { method: "GET", pattern: "/k/{i64}", body: undefined, responseBody: undefined, isDefault: false };
    const decode = (value: string): Message => decodeRequest(method, rule, { variables: [{ fieldPath: ["i64"], value }], query: new URLSearchParams(), body: undefined, contentType: undefined }, registry);
    expectMessage(messageOf(files, "Kitchen"), decode("-12"), { i64: -12n });
    expectInvalid(() => decode("x"), /path variable "i64"/);
  });
});

describe("bodies and content types", () => {
  const Message = messageOf(files, "Message");

  it("binary protobuf in, for body * and a message body field", () => {
    const bytes = toBinary(Message, create(Message, { text: "bin" }));
    for (const type of ["application/x-protobuf", "application/proto"]) {
      expectMessage(Message, call("UpdateWhole", "PATCH", "/v2/messages/1", bytes, type), { messageId: "1", text: "bin" });
      expectMessage(messageOf(files, "UpdateMessageRequest"), call("UpdateMessage", "PATCH", "/v1/messages/1", bytes, type), { messageId: "1", message: { text: "bin" } });
    }
  });

  it("JSON with a charset; no Content-Type is JSON; others are 415", () => {
    expectMessage(Message, call("UpdateWhole", "PATCH", "/v2/messages/1", '{"text":"é"}', "application/json; charset=UTF-8"), { messageId: "1", text: "é" });
    expectMessage(Message, call("UpdateWhole", "PATCH", "/v2/messages/1", '{"text":"x"}'), { messageId: "1", text: "x" });
    for (const type of ["text/plain", "application/octet-stream", "application/json; charset=latin1"]) {
      const error = failure(() => call("UpdateWhole", "PATCH", "/v2/messages/1", "{}", type));
      expect(error).toBeInstanceOf(HttpStatusError);
      expect((error as HttpStatusError).httpStatus).toBe(415);
    }
  });

  it("google.api.HttpBody passes raw, as the whole request or a body field", () => {
    const raw = call("Raw", "POST", "/v1/raw", new Uint8Array([0, 1, 255]), "image/png") as unknown as { contentType: string; data: Uint8Array };
    expect(raw.contentType).toBe("image/png");
    expect([...raw.data]).toEqual([0, 1, 255]);
    const upload = call("Upload", "POST", "/v1/files/f.txt", "hello", "text/plain") as unknown as { name: string; file: { contentType: string; data: Uint8Array } };
    expect(upload.name).toBe("f.txt");
    expect(upload.file.contentType).toBe("text/plain");
    expect(new TextDecoder().decode(upload.file.data)).toBe("hello");
  });

  it("malformed JSON bodies are INVALID_ARGUMENT saying what and where", () => {
    const patch = (body: string): Message => call("UpdateWhole", "PATCH", "/v2/messages/1", body);
    expectInvalid(() => patch("{"), /not valid JSON/);
    expectInvalid(() => patch('{"nope": 1}'), /nope/);
    expectInvalid(() => patch('{"text": 5}'), /text/);
    expectInvalid(() => patch("[]"), /Message/);
    expectInvalid(() => call("UpdateWhole", "PATCH", "/v2/messages/1", new Uint8Array([0x7b, 0xff, 0x7d])), /UTF-8/);
    expectInvalid(() => call("UpdateWhole", "PATCH", "/v2/messages/1", new Uint8Array([0xff, 0xff]), "application/x-protobuf"), /protobuf/);
    expectInvalid(() => call("UpdateMessage", "PATCH", "/v1/messages/1", '{"text": [1]}'), /text/);
  });
});

describe("JSON of every well-known type", () => {
  const Kitchen = messageOf(files, "Kitchen");
  const full = create(Kitchen, {
    i64: -1n, u64: 18446744073709551615n, color: 2, data: new Uint8Array([1, 2]),
    at: { seconds: 1704164645n, nanos: 5 }, ttl: { seconds: -3n, nanos: -500_000_000 }, mask: { paths: ["a", "b.c_d"] },
    meta: { s: "x", n: null }, // protobuf-es holds Struct fields as JSON objects
    value: { kind: { case: "listValue", value: { values: [{ kind: { case: "numberValue", value: 1.5 } }, { kind: { case: "boolValue", value: true } }] } } },
    list: { values: [{ kind: { case: "structValue", value: { fields: {} } } }] },
    any: anyPack(ErrorInfoSchema, create(ErrorInfoSchema, { reason: "R", domain: "d", metadata: { k: "v" } })),
    empty: {}, wDouble: 0.5, wFloat: 2, wInt64: -7n, wUint64: 7n, wInt32: -1, wUint32: 1,
    wBool: false, wString: "", wBytes: new Uint8Array([255]), counts: { a: 1 },
    child: { any: anyPack(messageOf(files, "Message"), create(messageOf(files, "Message"), { text: "inner" })) },
  } as never);

  it("round-trips through canonical JSON text", () => {
    const text = messageToJsonText(Kitchen, full, registry);
    const json = JSON.parse(text) as Record<string, unknown>;
    expect(json).toMatchObject({
      i64: "-1", u64: "18446744073709551615", color: "GREEN", at: "2024-01-02T03:04:05.000000005Z", ttl: "-3.500s", mask: "a,b.cD",
      meta: { s: "x", n: null }, value: [1.5, true], list: [{}], empty: {}, wInt64: "-7", wBool: false, wString: "", wBytes: "/w==",
      any: { "@type": "type.googleapis.com/google.rpc.ErrorInfo", reason: "R" }, child: { any: { "@type": "type.googleapis.com/httpcore.v1.Message", text: "inner" } },
    });
    expect(equals(Kitchen, messageFromJsonText(Kitchen, text, registry), full)).toBe(true);
  });

  it("malformed inputs: wrong types, out of range, duplicate oneof members, bad timestamps, unknown Any types", () => {
    const cases: Array<[string, RegExp]> = [
      ['{"i32": "x"}', /i32/],
      ['{"i32": 4294967296}', /i32/],
      ['{"u64": "-1"}', /u64/],
      ['{"flt": 1e40}', /flt/],
      ['{"choiceText": "a", "choiceNumber": 1}', /oneof/],
      ['{"at": "2024-13-01T00:00:00Z"}', /field "at".*RFC 3339/],
      ['{"at": "2024-01-01"}', /field "at"/],
      ['{"child": {"children": [{}, {"ttl": "1h"}]}}', /field "child.children\[1\].ttl".*Duration/],
      ['{"flag": "true"}', /flag/],
      ['{"color": "PURPLE"}', /color/],
      ['{"any": {"@type": "type.googleapis.com/x.Unknown"}}', /field "any".*x\.Unknown/],
      ['{"unknownField": 1}', /unknownField/],
      ["{'single': 1}", /not valid JSON/],
    ];
    for (const [text, mentions] of cases) expectInvalid(() => messageFromJsonText(Kitchen, text, registry), mentions);
  });
});

describe("responses", () => {
  const Kitchen = messageOf(files, "Kitchen");
  const everything = methodOf(files, "Everything");
  const rule = annotatedRules(everything)[0]!;
  const message = create(Kitchen, { i64: 5n, color: 1, name: "n" } as never);

  it("JSON by default: json names, int64 as strings, enums by name, no defaults", () => {
    for (const accept of [undefined, "*/*", "application/json", "text/html", "application/json, application/x-protobuf;q=0.5"]) {
      const out = encodeResponse(everything, rule, message, accept, registry);
      expect(out.contentType).toBe("application/json");
      expect(JSON.parse(bodyText(out.body))).toEqual({ name: "n", i64: "5", color: "RED" });
    }
  });

  it("binary when Accept prefers protobuf", () => {
    for (const accept of ["application/x-protobuf", "application/proto", "application/json;q=0.5, application/proto", "*/*, application/x-protobuf"]) {
      const out = encodeResponse(everything, rule, message, accept, registry);
      expect(out.contentType).toBe(accept.includes("x-protobuf") ? "application/x-protobuf" : "application/proto");
      expect(equals(Kitchen, fromBinary(Kitchen, out.body as Uint8Array), message)).toBe(true);
    }
  });

  it("response_body sends that field only, a scalar as its JSON value", () => {
    const method = methodOf(files, "UpdateWhole");
    const Message = messageOf(files, "Message");
    const out = encodeResponse(method, annotatedRules(method)[0]!, create(Message, { messageId: "1", text: "Hi!" }), undefined, registry);
    expect(bodyText(out.body)).toBe('"Hi!"');
    const empty = encodeResponse(method, annotatedRules(method)[0]!, create(Message), "application/x-protobuf", registry);
    expect(bodyText(empty.body)).toBe('""');
  });

  it("response_body of each field kind", () => {
    const full = create(Kitchen, { i64: 5n, tags: ["a", "b"], at: { seconds: 1n }, child: { name: "c" }, colors: [2], wInt32: 3 } as never);
    const send = (field: string, accept?: string): string => {
      const custom: HttpRuleSpec = { ...rule, responseBody: field };
      return bodyText(encodeResponse(everything, custom, full, accept, registry).body);
    };
    expect(send("i64")).toBe('"5"');
    expect(send("tags")).toBe('["a","b"]');
    expect(send("colors")).toBe('["GREEN"]');
    expect(send("at")).toBe('"1970-01-01T00:00:01Z"');
    expect(send("w_int32")).toBe("3");
    expect(send("child")).toBe('{"name":"c"}');
    expect(send("flag")).toBe("false");
    expect(send("empty")).toBe("{}");
    const binary = encodeResponse(everything, { ...rule, responseBody: "child" }, full, "application/x-protobuf", registry);
    expect((fromBinary(Kitchen, binary.body as Uint8Array) as unknown as { name: string }).name).toBe("c");
  });

  it("google.api.HttpBody responses pass raw with their content type", () => {
    const method = methodOf(files, "Upload");
    const body = create(method.output, { contentType: "text/csv", data: utf8.encode("a,b") } as never);
    const out = encodeResponse(method, annotatedRules(method)[0]!, body, "application/x-protobuf", registry);
    expect(out.contentType).toBe("text/csv");
    expect(bodyText(out.body)).toBe("a,b");
  });
});
