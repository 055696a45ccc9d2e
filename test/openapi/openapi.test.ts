// The OpenAPI document of a contract written for it (test/openapi/fixtures/shop): what each
// binding becomes, the schemas' proto3 JSON forms, Redocly's verdict, and the generated files.
import { create } from "@bufbuild/protobuf";
import { CodeGeneratorRequestSchema } from "@bufbuild/protobuf/wkt";
import { beforeAll, describe, expect, it } from "vitest";
import { parse } from "yaml";
import { generate } from "../../src/core/generate.js";
import { parseOptions } from "../../src/core/options.js";
import { buildApiModel } from "../../src/model/build.js";
import { openApiYaml } from "../../src/openapi/files.js";
import { singular } from "../../src/openapi/path.js";
import { compileOpenApiFixture } from "./compile.js";
import { lintOpenApi } from "./validate.js";

type Doc = { [key: string]: any };

const file = "shop/v1/shop.proto";
const registry = compileOpenApiFixture([file]);
const model = buildApiModel(registry, [file], []);
const text = openApiYaml(model.packages[0]!, { version: "0.1.0" });
const doc = parse(text) as Doc;
const op = (path: string, method: string) => doc.paths[path][method] as Doc;
const param = (operation: Doc, name: string) => (operation.parameters as Doc[]).find((p) => p.name === name);
const schema = (name: string) => doc.components.schemas[name] as Doc;

describe("the shop contract's document", () => {
  it("validates under Redocly's recommended rules with no error", async () => {
    expect(await lintOpenApi(text)).toEqual([]);
  });

  it("is OpenAPI 3.1.0 with info from the package", () => {
    expect(doc.openapi).toBe("3.1.0");
    expect(doc.info.title).toBe("shop.v1: Shop, Items");
    expect(doc.info.version).toBe("0.1.0");
    expect(doc.info.description).toContain("Shop: The shop.");
    expect(doc.tags).toEqual([
      { name: "Shop", description: "The shop." },
      { name: "Items", description: "The shop.v1.Items service." },
    ]);
  });

  it("expands multi-segment variables into the path and keeps the template", () => {
    const get = op("/v1/shelves/{shelf}/books/{book}", "get");
    expect(get.operationId).toBe("Shop_GetBook");
    expect(get.summary).toBe("Gets a book.");
    expect(get.tags).toEqual(["Shop"]);
    expect(get["x-gen-svc-template"]).toBe("/v1/{name=shelves/*/books/*}");
    expect(param(get, "shelf")).toMatchObject({ in: "path", required: true, schema: { type: "string", pattern: "^[^/]+$" } });
    expect(param(get, "book")?.description).toContain("A segment of `name`");
    // Not bound by the path: the field mask goes into the query, by json name.
    expect(param(get, "readMask")).toMatchObject({ in: "query", schema: { $ref: "#/components/schemas/google.protobuf.FieldMask" } });
  });

  it("names additional bindings' operations with a suffix", () => {
    const byIsbn = op("/v1/isbn/{name}", "get");
    expect(byIsbn.operationId).toBe("Shop_GetBook_1");
    expect(param(byIsbn, "name")).toMatchObject({ in: "path", schema: { type: "string" } });
  });

  it("puts unbound scalars, enums, repeated fields and nested fields in the query", () => {
    const list = op("/v1/shelves/{shelf}/books", "get");
    expect((list.parameters as Doc[]).map((p) => `${p.in}:${p.name}`)).toEqual([
      "path:shelf", "query:pageSize", "query:pageToken", "query:genres", "query:filter.author", "query:since",
    ]);
    expect(param(list, "genres")).toMatchObject({ style: "form", explode: true, schema: { type: "array", items: { $ref: "#/components/schemas/shop.v1.Genre" } } });
    expect(list.requestBody).toBeUndefined();
  });

  it("sends a body field as the request body and the other fields in the query", () => {
    const createBook = op("/v1/shelves/{shelf}/books", "post");
    expect(createBook.requestBody.content["application/json"].schema).toEqual({ $ref: "#/components/schemas/shop.v1.Book" });
    expect(createBook.requestBody.content["application/x-protobuf"].schema).toEqual({ type: "string", format: "binary" });
    expect((createBook.parameters as Doc[]).map((p) => p.name)).toEqual(["shelf", "requestId"]);
  });

  it("answers the response_body field only, and a custom verb stays in the path", () => {
    const publish = op("/v1/shelves/{shelf}/books/{book}:publish", "post");
    expect(publish.requestBody.content["application/json"].schema).toEqual({ $ref: "#/components/schemas/shop.v1.PublishBookRequest" });
    expect(publish.responses["200"].content).toEqual({ "application/json": { schema: { type: "string" } } });
    expect(publish.responses.default).toEqual({ $ref: "#/components/responses/Error" });
    expect(doc.components.responses.Error.content["application/json"].schema).toEqual({ $ref: "#/components/schemas/google.rpc.Status" });
  });

  it("gives paths that differ only in names one name (OpenAPI forbids both)", () => {
    const getItem = op("/v1/items/{item_id}", "get");
    expect(getItem["x-gen-svc-template"]).toBe("/v1/items/{id}");
    expect(param(getItem, "item_id")).toMatchObject({ schema: { type: "string", format: "int64" } });
    expect(param(getItem, "item_id")?.description).toContain("`id` in this operation's template");
    expect(op("/v1/items/{item_id}", "delete").operationId).toBe("Shop_DeleteItem");
  });

  it("describes server streaming as NDJSON and Server-Sent Events", () => {
    const content = op("/v1/shelves/{shelf}/books:watch", "get").responses["200"].content;
    expect(Object.keys(content)).toEqual(["application/x-ndjson", "text/event-stream"]);
    expect(content["application/x-ndjson"].schema.properties).toEqual({
      result: { $ref: "#/components/schemas/shop.v1.Book" },
      status: { $ref: "#/components/schemas/google.rpc.Status" },
    });
  });

  it("describes client and bidi streaming as WebSocket, unannotated methods at their default route", () => {
    const importBooks = op("/v1/books:import", "post");
    expect(importBooks["x-gen-svc-websocket"]).toBe(true);
    expect(importBooks.description).toContain("WebSocket");
    expect(importBooks.requestBody).toBeUndefined();
    expect(Object.keys(importBooks.responses)).toEqual(["101", "4XX", "default"]);
    const chat = op("/shop.v1.Shop/Chat", "post");
    expect(chat).toMatchObject({ operationId: "Shop_Chat", "x-gen-svc-default-route": true, "x-gen-svc-websocket": true });
    expect(op("/shop.v1.Shop/Ping", "post").requestBody.content["application/json"].schema).toEqual({ $ref: "#/components/schemas/google.protobuf.Value" });
  });

  it("passes HttpBody responses and '**' variables through", () => {
    const getFile = op("/v1/files/{name}", "get");
    expect(getFile.responses["200"].content).toEqual({ "*/*": { schema: { type: "string", format: "binary" } } });
    expect(param(getFile, "name")?.schema).toEqual({ type: "string", pattern: "^[^/].*$" });
    expect(doc.components.schemas["google.api.HttpBody"]).toBeUndefined();
  });

  it("maps message fields to their proto3 JSON forms", () => {
    const book = schema("shop.v1.Book");
    const p = book.properties as Doc;
    expect(Object.keys(p)).toContain("copiesSold");
    expect(p.pages).toMatchObject({ type: "string", format: "int64" });
    expect(p.copiesSold).toMatchObject({ type: "string", format: "uint64" });
    expect(p.cover).toMatchObject({ type: "string", format: "byte" });
    expect(p.price).toEqual({ type: "number", format: "double" });
    expect(p.ratings).toEqual({ type: "object", additionalProperties: { type: "integer", format: "int32" } });
    expect(p.related.additionalProperties).toEqual({ $ref: "#/components/schemas/shop.v1.Book" });
    expect(p.sequels).toEqual({ type: "array", items: { $ref: "#/components/schemas/shop.v1.Book" }, description: "Sequels, recursively." });
    expect(p.isbn.deprecated).toBe(true);
    expect(p.createTime).toEqual({ $ref: "#/components/schemas/google.protobuf.Timestamp", readOnly: true });
    expect(book.required).toEqual(["title"]);
    expect(book["x-gen-svc-oneofs"]).toEqual({ origin: ["publisher", "selfPublishedBy"] });
    expect(book.description).toContain("Oneof `origin`: at most one of `publisher`, `selfPublishedBy` may be set.");
    expect(p.publisher.description).toContain("Member of oneof `origin`");
  });

  it("maps enums to their names and well-known types to their JSON forms", () => {
    expect(schema("shop.v1.Genre")).toMatchObject({ type: "string", enum: ["GENRE_UNSPECIFIED", "GENRE_FICTION", "GENRE_HISTORY"] });
    expect(schema("shop.v1.Genre").description).toContain("- `GENRE_FICTION` (1): Made up.");
    expect(schema("google.protobuf.Timestamp")).toMatchObject({ type: "string", format: "date-time" });
    expect(schema("google.protobuf.Duration")).toMatchObject({ type: "string", pattern: "^-?[0-9]+(\\.[0-9]{1,9})?s$" });
    expect(schema("google.protobuf.StringValue")).toEqual({ type: ["string", "null"] });
    expect(schema("google.protobuf.Struct")).toMatchObject({ type: "object", additionalProperties: true });
    expect(schema("google.protobuf.Any")).toMatchObject({ type: "object", required: ["@type"] });
  });

  it("is the same text every time", () => {
    const again = buildApiModel(compileOpenApiFixture([file]), [file], []);
    expect(openApiYaml(again.packages[0]!, { version: "0.1.0" })).toBe(text);
    expect(text).not.toMatch(/[&*]a\d/); // no YAML anchors or aliases
  });
});

describe("the generated files", () => {
  let files: Map<string, string>;

  beforeAll(async () => {
    const request = create(CodeGeneratorRequestSchema, { fileToGenerate: [file], protoFile: [...registry.files].map((f) => f.proto) });
    files = new Map((await generate(request, parseOptions([], "^0.0.0"))).map((f) => [f.path, f.content]));
  });

  it("are openapi.yaml and src/gen/openapi.ts with the same text", async () => {
    const yaml = files.get("openapi.yaml")!;
    expect(yaml.startsWith("# Code generated by gen-svc. DO NOT EDIT.\n# source: shop/v1/shop.proto\nopenapi: 3.1.0\n")).toBe(true);
    expect(parse(yaml)).toEqual(doc);
    const source = files.get("src/gen/openapi.ts")!;
    // Run the module as JavaScript (its one type annotation removed): prettier may have chosen
    // either quote style for the literal.
    const js = source.replace("export const openApiYaml: string =", "export const openApiYaml =");
    expect(js).not.toBe(source);
    const module = (await import(`data:text/javascript,${encodeURIComponent(js)}`)) as { openApiYaml: string };
    expect(module.openApiYaml).toBe(yaml);
  });
});

describe("singular", () => {
  it.each([["shelves", "shelf"], ["books", "book"], ["policies", "policy"], ["addresses", "address"], ["status", "statu"], ["data", "data"]])("%s -> %s", (word, expected) => {
    expect(singular(word)).toBe(expected);
  });
});
