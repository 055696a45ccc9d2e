// Request building of the HTTP client: path expansion, body and query for the bindings of
// protos/library.proto, in the wire contract's canonical text forms.
import { describe, expect, test } from "vitest";
import { Code } from "../../src/runtime/code.js";
import { ServiceError } from "../../src/runtime/errors.js";
import { buildRequest, clientBinding } from "../../src/runtime/http/client-request.js";
import { encodeSegment } from "../../src/runtime/http/url.js";
import { compileLibrary, librarySpecs } from "./library.js";

const specs = librarySpecs(compileLibrary());

function build(method: string, init: unknown, binary = false) {
  const spec = specs[method]!;
  return buildRequest(clientBinding(spec), spec.input.create(init) as object, binary);
}

function invalidArgument(run: () => unknown): string {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(ServiceError);
    expect((error as ServiceError).code).toBe(Code.INVALID_ARGUMENT);
    return (error as ServiceError).message;
  }
  throw new Error("expected INVALID_ARGUMENT");
}

describe("path expansion", () => {
  test("a multi-segment variable keeps its slashes; the first binding is used", () => {
    expect(build("GetBook", { name: "shelves/1/books/2" })).toEqual({ method: "GET", target: "/v1/shelves/1/books/2", body: undefined, contentType: undefined });
  });

  test("each segment of a multi-segment variable is percent-encoded", () => {
    expect(build("GetBook", { name: "shelves/a b/books/ü?#" }).target).toBe("/v1/shelves/a%20b/books/%C3%BC%3F%23");
  });

  test("a single-segment variable encodes everything but unreserved, '/' included", () => {
    expect(build("Search", { query: "a/b c!*'()~._-" }).target).toBe("/v1/search/a%2Fb%20c%21%2A%27%28%29~._-");
    expect(encodeSegment("%:@&=+$,;")).toBe("%25%3A%40%26%3D%2B%24%2C%3B");
  });

  test("a value not matching the variable's template is refused locally", () => {
    expect(invalidArgument(() => build("GetBook", { name: "shelves/1" }))).toContain("shelves/*/books/*");
    expect(invalidArgument(() => build("GetBook", { name: "shelves/1/novels/2" }))).toContain("does not match");
    expect(invalidArgument(() => build("GetBook", { name: "shelves//books/2" }))).toContain("does not match");
  });

  test("a missing path field is INVALID_ARGUMENT", () => {
    expect(invalidArgument(() => build("GetBook", {}))).toContain('"name" is not set');
    expect(invalidArgument(() => build("UpdateBook", { book: { title: "t" } }))).toContain('"book.name"');
  });

  test("** takes any number of segments, also with segments after it", () => {
    expect(build("GetFile", { path: "a/b/c.txt" }).target).toBe("/v1/files/a/b/c.txt");
    expect(build("GetTail", { path: "x/y", id: "7" }).target).toBe("/v1/x/y/tail/7");
  });

  test("a verb follows the path", () => {
    const request = build("PublishBook", { name: "shelves/1/books/2" });
    expect(request.target).toBe("/v1/shelves/1/books/2:publish");
    expect(JSON.parse(request.body as string)).toEqual({ name: "shelves/1/books/2" });
  });

  test("a nested field fills a variable", () => {
    const request = build("UpdateBook", { book: { name: "shelves/1/books/2", title: "T" }, updateMask: { paths: ["title"] } });
    expect(request.method).toBe("PATCH");
    expect(request.target).toBe("/v1/shelves/1/books/2?updateMask=title");
    expect(JSON.parse(request.body as string)).toEqual({ name: "shelves/1/books/2", title: "T" });
  });
});

describe("body", () => {
  test("body: field sends that field's JSON; the rest goes to the query", () => {
    const request = build("CreateBook", { parent: "shelves/1", book: { title: "Dune", pages: 412n, kind: 1 }, requestId: "r-1" });
    expect(request).toMatchObject({ method: "POST", target: "/v1/shelves/1/books?requestId=r-1", contentType: "application/json" });
    expect(JSON.parse(request.body as string)).toEqual({ title: "Dune", pages: "412", kind: "NOVEL" });
  });

  test("a scalar body field is its JSON value", () => {
    const request = build("SetTitle", { name: "shelves/1/books/2", title: "New" });
    expect(request.body).toBe('"New"');
  });

  test("body * sends the whole message, nothing in the query", () => {
    const request = build("Echo", { name: "n", title: "t" });
    expect(request).toMatchObject({ method: "POST", target: "/clienttest.v1.Library/Echo" });
    expect(JSON.parse(request.body as string)).toEqual({ name: "n", title: "t" });
  });

  test("binary sends protobuf for message bodies", () => {
    const request = build("CreateBook", { parent: "shelves/1", book: { title: "Dune" } }, true);
    expect(request.contentType).toBe("application/x-protobuf");
    expect(request.body).toBeInstanceOf(Uint8Array);
    expect(specs["Echo"]!.input.decode(request.body as Uint8Array)).toMatchObject({ title: "Dune" });
  });
});

describe("query", () => {
  test("every set field in canonical text form: nested, repeated, enums, int64, bytes, WKTs", () => {
    const request = build("ListBooks", {
      parent: "shelves/1",
      pageSize: 10,
      filter: { titlePrefix: "Du", pages: { min: 100, max: 500 } },
      ids: [1n, 9007199254740993n],
      kind: 2,
      kinds: [1, 2],
      token: new Uint8Array([251, 255, 0]),
      after: { seconds: 1700000000n, nanos: 500_000_000 },
      maxAge: { seconds: 1n, nanos: 500_000_000 },
      readMask: { paths: ["title", "published.seconds"] },
      author: "Herbert",
      onlyNew: true,
      big: 18446744073709551615n,
      ratio: 0.25,
    });
    const [path, search] = request.target.split("?");
    expect(path).toBe("/v1/shelves/1/books");
    expect([...new URLSearchParams(search)]).toEqual([
      ["pageSize", "10"],
      ["filter.titlePrefix", "Du"],
      ["filter.pages.min", "100"],
      ["filter.pages.max", "500"],
      ["ids", "1"],
      ["ids", "9007199254740993"],
      ["kind", "POETRY"],
      ["token", "+/8A"],
      ["after", "2023-11-14T22:13:20.500Z"],
      ["maxAge", "1.500s"],
      ["readMask", "title,published.seconds"],
      ["author", "Herbert"],
      ["onlyNew", "true"],
      ["kinds", "NOVEL"],
      ["kinds", "POETRY"],
      ["big", "18446744073709551615"],
      ["ratio", "0.25"],
    ]);
    expect(request.body).toBeUndefined();
  });

  test("default values are not sent", () => {
    expect(build("ListBooks", { parent: "shelves/1", pageSize: 0, onlyNew: false }).target).toBe("/v1/shelves/1/books");
  });

  test("maps, Struct and repeated messages cannot be query parameters", () => {
    expect(invalidArgument(() => build("ListBooks", { parent: "shelves/1", labels: { a: "b" } }))).toContain('"labels"');
    expect(invalidArgument(() => build("ListBooks", { parent: "shelves/1", filters: [{ titlePrefix: "x" }] }))).toContain('"filters"');
    expect(invalidArgument(() => build("ListBooks", { parent: "shelves/1", extra: { fields: { a: { kind: { case: "numberValue", value: 1 } } } } }))).toContain('"extra"');
  });
});
