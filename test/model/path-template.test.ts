import { describe, expect, it } from "vitest";
import { parsePathTemplate, routeKey, TemplateSyntaxError } from "../../src/runtime/http/path-template.js";

const lit = (value: string) => ({ kind: "literal", value });
const star = { kind: "wildcard" };
const deep = { kind: "deep_wildcard" };
const variable = (path: string, ...segments: object[]) => ({ kind: "variable", fieldPath: path.split("."), segments });

describe("parsePathTemplate", () => {
  it.each([
    ["/v1/books", [lit("v1"), lit("books")], undefined],
    ["/v1/{name}", [lit("v1"), variable("name", star)], undefined],
    ["/v1/{name=*}", [lit("v1"), variable("name", star)], undefined],
    ["/v1/{name=shelves/*/books/*}", [lit("v1"), variable("name", lit("shelves"), star, lit("books"), star)], undefined],
    ["/v1/{a.b.c}", [lit("v1"), variable("a.b.c", star)], undefined],
    ["/v1/*/x", [lit("v1"), star, lit("x")], undefined],
    ["/**", [deep], undefined],
    ["/files/{path=**}", [lit("files"), variable("path", deep)], undefined],
    ["/v1/books:batchGet", [lit("v1"), lit("books")], "batchGet"],
    ["/v1/{name=books/*}:publish", [lit("v1"), variable("name", lit("books"), star)], "publish"],
    ["/**:sync", [deep], "sync"],
    ["/v1/*:check", [lit("v1"), star], "check"],
    ["/", [], undefined],
  ])("parses %s", (pattern, segments, verb) => {
    expect(parsePathTemplate(pattern)).toEqual({ segments, verb });
  });

  it("reads the verb as grpc-gateway does: after a variable, from the first colon", () => {
    expect(parsePathTemplate("/v1/{uuid}:custom:custom").verb).toBe("custom:custom");
    expect(parsePathTemplate("/v1/a:b:c")).toEqual({ segments: [lit("v1"), lit("a:b")], verb: "c" });
    // A colon in an earlier segment is part of its literal.
    expect(parsePathTemplate("/v1/a:b/c").segments).toEqual([lit("v1"), lit("a:b"), lit("c")]);
  });

  it("accepts one ** before more segments (Bazel remote execution, Firestore)", () => {
    expect(parsePathTemplate("/v2/{instance_name=**}/actions:execute")).toEqual({
      segments: [lit("v2"), variable("instance_name", deep), lit("actions")],
      verb: "execute",
    });
  });

  it("accepts RFC 3986 path characters and percent escapes in literals", () => {
    expect(parsePathTemplate("/v1/a-b.c_d~e!$&'()+,;=@%2F").segments).toEqual([lit("v1"), lit("a-b.c_d~e!$&'()+,;=@%2F")]);
  });

  it.each([
    ["", 'must start with "/"'],
    ["v1/books", 'must start with "/"'],
    ["/v1/{name", 'expected "}" to close the variable "name" at the end'],
    ["/v1/{name=shelves/{id}}", "a variable must not contain another variable at offset 18"],
    ["/v1/{}", "expected a field name at offset 5"],
    ["/v1/{a..b}", "expected a field name at offset 7"],
    ["/v1/{1a}", "expected a field name at offset 5"],
    ["/v1/{name=}", "empty segment at offset 10"],
    ["/v1//books", "empty segment at offset 4"],
    ["/v1/", "empty segment at the end"],
    ["/v1/books:", "empty verb"],
    ["/:verb", "empty segment at the end"],
    ["/v1/my books", 'invalid literal "my books"'],
    ["/v1/100%", 'invalid literal "100%"'],
    ["/v1/{name}x", 'unexpected "x" at offset 10'],
    ["/v1/a}b", 'unexpected "}" at offset 5'],
    ["/v1/{name}:{verb}", 'unexpected ":" at offset 10'],
    ["/v1/**/{name=**}", '"**" may appear only once'],
    ["/v1/{name}/{name}", 'variable "name" is bound twice'],
  ])("rejects %j: %s", (pattern, message) => {
    expect(() => parsePathTemplate(pattern)).toThrow(TemplateSyntaxError);
    expect(() => parsePathTemplate(pattern)).toThrow(message);
  });
});

describe("routeKey", () => {
  it("is the shape a router sees: variables replaced by what they match", () => {
    const key = (pattern: string) => routeKey(parsePathTemplate(pattern));
    expect(key("/v1/{name}")).toBe("/v1/*");
    expect(key("/v1/{id=*}")).toBe(key("/v1/{name}"));
    expect(key("/v1/{name=shelves/*}:get")).toBe("/v1/shelves/*:get");
    expect(key("/v1/{name=shelves/*}")).not.toBe(key("/v1/{name=shelves/*}:get"));
    expect(key("/{path=**}")).toBe("/**");
  });
});
