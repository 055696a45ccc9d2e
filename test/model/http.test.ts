import { describe, expect, it } from "vitest";
import { buildApiModel } from "../../src/model/build.js";
import type { HttpBinding } from "../../src/model/types.js";
import { compileFixture } from "./compile.js";
import { formattedError } from "./formatted-error.js";

const library = buildApiModel(compileFixture("library.proto"), ["library.proto"], []);
const bindings = (name: string): Array<Omit<HttpBinding, "template"> & { template?: unknown }> =>
  library.packages[0]!.services.flatMap((s) => s.methods).find((m) => m.name === name)!.http;
const lit = (value: string) => ({ kind: "literal", value });
const star = { kind: "wildcard" };
const deep = { kind: "deep_wildcard" };
const variable = (path: string, ...segments: object[]) => ({ kind: "variable", fieldPath: path.split("."), segments });
const at = (line: number, column: number) => ({ file: "library.proto", line, column });

describe("google.api.http bindings", () => {
  it("reads a rule and its additional bindings, custom HEAD included", () => {
    expect(bindings("GetBook")).toEqual([
      {
        method: "GET",
        pattern: "/v1/{name=shelves/*/books/*}",
        template: { segments: [lit("v1"), variable("name", lit("shelves"), star, lit("books"), star)], verb: undefined },
        body: undefined,
        responseBody: undefined,
        location: at(62, 12),
      },
      {
        method: "GET",
        pattern: "/v1/authors/{author.address.city}/books",
        template: { segments: [lit("v1"), lit("authors"), variable("author.address.city", star), lit("books")], verb: undefined },
        body: undefined,
        responseBody: undefined,
        location: at(64, 7),
      },
      {
        method: "HEAD",
        pattern: "/v1/{name=shelves/*/books/*}",
        template: { segments: [lit("v1"), variable("name", lit("shelves"), star, lit("books"), star)], verb: undefined },
        body: undefined,
        responseBody: undefined,
        location: at(65, 7),
      },
    ]);
  });

  it("reads body fields, nested ones too (grpc-gateway)", () => {
    expect(bindings("CreateBook").map((b) => [b.method, b.pattern, b.body])).toEqual([
      ["POST", "/v1/{parent=shelves/*}/books", "book"],
      ["POST", "/v1/authors:create", "book.author"],
    ]);
    expect(bindings("RunAction")[0]!.body).toBe("*");
  });

  it("reads response_body and verbs", () => {
    expect(bindings("ListBooks")[0]).toMatchObject({
      method: "GET",
      template: { segments: [lit("v1"), lit("books")], verb: "list" },
      responseBody: "books",
    });
  });

  it("reads ** at the end, before a verb, and before more segments", () => {
    expect(bindings("ServeFiles")[0]!.template).toEqual({ segments: [lit("files"), variable("path", deep)], verb: undefined });
    expect(bindings("CatchAll")[0]).toMatchObject({ method: "PUT", template: { segments: [deep], verb: "sync" }, body: "*" });
    expect(bindings("RunAction")[0]!.template).toEqual({ segments: [lit("v2"), variable("path", deep), lit("actions")], verb: "run" });
  });

  it("accepts DELETE with a body (discouraged, not forbidden)", () => {
    expect(bindings("Delete")[0]).toMatchObject({ method: "DELETE", pattern: "/v1/{name}", body: "*" });
  });

  it("accepts repeated scalars (grpc-gateway) and wrapper types in path variables", () => {
    expect(bindings("Batch").map((b) => b.pattern)).toEqual(["/v1/batch/{ids}", "/v1/shelves/{shelf}:batch"]);
  });

  it("gives methods without a rule no bindings", () => {
    expect(bindings("WatchBooks")).toEqual([]);
  });
});

describe("google.api.http errors", () => {
  const registry = compileFixture("http_errors.proto");
  it.each([
    ["UnclosedVariable", "http_errors.proto:31:34: google.api.http of test.httperrors.UnclosedVariable.M: path template \"/v1/{name\": expected \"}\" to close the variable \"name\" at the end"],
    ["NoLeadingSlash", "http_errors.proto:37:34: google.api.http of test.httperrors.NoLeadingSlash.M: path template \"v1/books\": must start with \"/\""],
    ["DeepWildcardTwice", "http_errors.proto:43:34: google.api.http of test.httperrors.DeepWildcardTwice.M: path template \"/v1/{name=**}/**\": \"**\" may appear only once"],
    ["NestedVariable", "http_errors.proto:49:34: google.api.http of test.httperrors.NestedVariable.M: path template \"/v1/{name=shelves/{tags}}\": a variable must not contain another variable at offset 18"],
    ["UnknownVariableField", "http_errors.proto:55:34: google.api.http of test.httperrors.UnknownVariableField.M: path variable \"nme\": test.httperrors.Req has no field \"nme\""],
    ["UnknownNestedField", "http_errors.proto:61:34: google.api.http of test.httperrors.UnknownNestedField.M: path variable \"author.adress.city\": test.httperrors.Author has no field \"adress\""],
    ["ScalarHasNoFields", "http_errors.proto:67:34: google.api.http of test.httperrors.ScalarHasNoFields.M: path variable \"name.first\": test.httperrors.Req.name is not a singular message field, so it has no field \"first\""],
    ["MessageVariable", "http_errors.proto:73:34: google.api.http of test.httperrors.MessageVariable.M: path variable \"author\" must be a scalar or enum field, but test.httperrors.Req.author is a message (test.httperrors.Author)"],
    ["MapVariable", "http_errors.proto:79:34: google.api.http of test.httperrors.MapVariable.M: path variable \"labels\" must be a scalar or enum field, but test.httperrors.Req.labels is a map"],
    ["RepeatedMessageVariable", "http_errors.proto:85:34: google.api.http of test.httperrors.RepeatedMessageVariable.M: path variable \"authors\" must be a scalar or enum field, but test.httperrors.Req.authors is a repeated message field"],
    ["DuplicateVariable", "http_errors.proto:91:34: google.api.http of test.httperrors.DuplicateVariable.M: path template \"/v1/{name}/{name}\": variable \"name\" is bound twice"],
    ["EmptyVerb", "http_errors.proto:97:34: google.api.http of test.httperrors.EmptyVerb.M: path template \"/v1/books:\": empty verb"],
    ["BadLiteral", "http_errors.proto:103:34: google.api.http of test.httperrors.BadLiteral.M: path template \"/v1/my books\": invalid literal \"my books\" (allowed: letters, digits, -._~!$&'()*+,;=:@ and %XX escapes)"],
    ["UnknownBody", "http_errors.proto:111:7: google.api.http of test.httperrors.UnknownBody.M: body \"bok\": test.httperrors.Req has no field \"bok\""],
    ["UnknownNestedBody", "http_errors.proto:120:7: google.api.http of test.httperrors.UnknownNestedBody.M: body \"author.nope\": test.httperrors.Author has no field \"nope\""],
    ["BadBodyPath", "http_errors.proto:127:52: google.api.http of test.httperrors.BadBodyPath.M: body \"author..id\" is not a field path"],
    ["UnknownResponseBody", "http_errors.proto:135:7: google.api.http of test.httperrors.UnknownResponseBody.M: response_body \"nope\": test.httperrors.Res has no field \"nope\""],
    ["NestedAdditionalBindings", "http_errors.proto:144:7: google.api.http of test.httperrors.NestedAdditionalBindings.M: additional_bindings must not contain additional_bindings (nesting is one level deep)"],
    ["BadAdditionalBinding", "http_errors.proto:156:7: google.api.http of test.httperrors.BadAdditionalBinding.M: path variable \"missing\": test.httperrors.Req has no field \"missing\""],
    ["NoPattern", "http_errors.proto:163:12: google.api.http of test.httperrors.NoPattern.M: has no pattern: set one of get, put, post, delete, patch or custom"],
    ["BadCustomKind", "http_errors.proto:170:17: google.api.http of test.httperrors.BadCustomKind.M: custom kind \"NOT A METHOD\" is not an HTTP method name"],
    ["ProtocStyleOption", "http_errors.proto:192:5: google.api.http of test.httperrors.ProtocStyleOption.M: path variable \"nope\": test.httperrors.Req has no field \"nope\""],

  ])("%s", (service, expected) => {
    expect(formattedError(() => buildApiModel(registry, ["http_errors.proto"], [service]))).toBe(expected);
  });
});

describe("bindings that match the same requests", () => {
  const registry = compileFixture("http_errors.proto");

  it("keeps the first, drops the later one and warns naming both methods", () => {
    const model = buildApiModel(registry, ["http_errors.proto"], ["ShadowFirst", "ShadowSecond"]);
    const [first, second] = model.packages[0]!.services;
    expect(first!.methods[0]!.http.map((b) => b.pattern)).toEqual(["/v1/things/{name}"]);
    expect(second!.methods[0]!.http.map((b) => b.pattern)).toEqual(["/v2/things/{name}"]);
    expect(model.warnings).toEqual([
      {
        message:
          'HTTP binding GET "/v1/things/{name=*}" of test.httperrors.ShadowSecond.Fetch matches the same requests as ' +
          'GET "/v1/things/{name}" of test.httperrors.ShadowFirst.Get (http_errors.proto:177:12), which is declared first; ' +
          "it is left out of the HTTP routes (the gRPC method is unaffected)",
        location: { file: "http_errors.proto", line: 185, column: 7 },
      },
    ]);
  });

  it("does not compare bindings of services left out by the filter", () => {
    expect(buildApiModel(registry, ["http_errors.proto"], ["ShadowSecond"]).warnings).toEqual([]);
  });
});
