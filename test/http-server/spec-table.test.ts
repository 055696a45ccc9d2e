/**
 * google/api/http.proto's own examples and prose rules, as a table: each row is a real HTTP
 * request to the transport serving protos/spec.proto, and the message the handler received
 * (as proto3 JSON) must be the one the spec describes.
 */
import { mkdtempSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { create, toJson, type DescService, type JsonValue, type Message } from "@bufbuild/protobuf";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { createHttpTranscoder, methodSpec, serveHttp, type Endpoint, type HttpServerHandle, type ServiceSpec } from "../../src/runtime/index.js";
import { compileModule } from "../model/compile.js";

const root = fileURLToPath(new URL("../..", import.meta.url));

/** Compiles protos/spec.proto beside the bundled google/api protos. */
function compileSpecContract(): DescService {
  const workspace = mkdtempSync(join(tmpdir(), "gensvc-http-spec-"));
  try {
    symlinkSync(join(root, "test/http-server/protos"), join(workspace, "protos"));
    symlinkSync(join(root, "proto"), join(workspace, "proto"));
    writeFileSync(join(workspace, "buf.yaml"), "version: v2\nmodules:\n  - path: protos\n  - path: proto\n");
    const service = compileModule(workspace, "protos/spec.proto").getService("spec.v1.Spec");
    if (!service) throw new Error("spec.v1.Spec not compiled");
    return service;
  } finally {
    rmSync(workspace, { recursive: true, force: true });
  }
}

/** What each handler received, by method name. */
const received = new Map<string, JsonValue>();
let server: HttpServerHandle;
let base: string;

beforeAll(async () => {
  const service = compileSpecContract();
  const methods: ServiceSpec["methods"] = {};
  const endpoints: Record<string, Endpoint> = {};
  for (const method of service.methods) {
    methods[method.localName] = methodSpec(service.typeName, method);
    endpoints[method.localName] = async (_ctx, input: Message) => {
      received.set(method.name, toJson(method.input, input));
      return create(method.output, method.name === "GetText" ? { text: "hello" } : {});
    };
  }
  const transcoder = createHttpTranscoder({ services: [{ spec: { typeName: service.typeName, methods, file: service.file }, endpoints }] });
  server = await serveHttp({ host: "127.0.0.1", port: 0, transcoder });
  base = `http://127.0.0.1:${server.port}`;
});
afterAll(() => server.shutdown(0));

interface Row {
  what: string;
  method: string;
  path: string;
  body?: unknown;
  rpc: string;
  expected: JsonValue;
}

const rows: Row[] = [
  { what: "{name=messages/*} captures the resource name", method: "GET", path: "/v1beta/messages/123456", rpc: "GetByName", expected: { name: "messages/123456" } },
  {
    what: "unbound fields from the query, nested with dots",
    method: "GET",
    path: "/v1/messages/123456?revision=2&sub.subfield=foo",
    rpc: "GetMessage",
    expected: { messageId: "123456", revision: "2", sub: { subfield: "foo" } },
  },
  { what: "additional_bindings", method: "GET", path: "/v1/users/me/messages/123456", rpc: "GetMessage", expected: { messageId: "123456", userId: "me" } },
  { what: "json names in the query too", method: "GET", path: "/v1/messages/1?userId=u", rpc: "GetMessage", expected: { messageId: "1", userId: "u" } },
  {
    what: 'body: "message" fills that field; the path fills the rest',
    method: "PATCH",
    path: "/v1/messages/123456",
    body: { text: "Hi!" },
    rpc: "UpdateMessage",
    expected: { messageId: "123456", message: { text: "Hi!" } },
  },
  { what: 'body: "*" fills every field not in the path', method: "PATCH", path: "/v2/messages/123456", body: { text: "Hi!" }, rpc: "UpdateWhole", expected: { messageId: "123456", text: "Hi!" } },
  { what: "a nested field path as a variable", method: "GET", path: "/v1/messages/7/foo", rpc: "GetSub", expected: { messageId: "7", sub: { subfield: "foo" } } },
  { what: "a single-segment variable decodes %2F", method: "GET", path: "/v1/messages/a%2Fb?revision=1", rpc: "GetMessage", expected: { messageId: "a/b", revision: "1" } },
  { what: "** captures the rest and keeps %2F encoded", method: "GET", path: "/v1/files/a/b%2Fc/d%20e", rpc: "GetDeep", expected: { name: "a/b%2Fc/d e" } },
  { what: "a trailing :verb", method: "POST", path: "/v1/messages/9:cancel", body: {}, rpc: "Cancel", expected: { name: "messages/9" } },
  { what: "a custom method kind", method: "HEAD", path: "/v1/heads/h1", rpc: "Head", expected: { name: "h1" } },
  {
    what: "repeated, enum (by name and number), bool, bytes and double query values",
    method: "GET",
    path: "/v1/search?ids=1&ids=2&color=GREEN&exact=true&token=AQI%3D&score=1.5&colors=RED&colors=2",
    rpc: "Search",
    expected: { ids: ["1", "2"], color: "GREEN", exact: true, token: "AQI=", score: 1.5, colors: ["RED", "GREEN"] },
  },
  { what: "a method without a binding at POST /<package>.<Service>/<Method>", method: "POST", path: "/spec.v1.Spec/Plain", body: { text: "p" }, rpc: "Plain", expected: { text: "p" } },
];

describe("http.proto examples over real HTTP", () => {
  test.each(rows)("$what: $method $path", async (row) => {
    received.delete(row.rpc);
    const init: RequestInit = { method: row.method };
    if (row.body !== undefined) init.body = JSON.stringify(row.body);
    if (row.body !== undefined) init.headers = { "content-type": "application/json" };
    const response = await fetch(base + row.path, init);
    expect(response.status, await response.clone().text()).toBe(200);
    expect(received.get(row.rpc)).toEqual(row.expected);
  });

  test("response_body sends the named field alone", async () => {
    const response = await fetch(base + "/v1/texts/t1");
    expect(await response.json()).toBe("hello");
  });

  test("the path wins over the body for a field bound by both", async () => {
    const response = await fetch(base + "/v2/messages/from-path", { method: "PATCH", headers: { "content-type": "application/json" }, body: JSON.stringify({ messageId: "from-body", text: "t" }) });
    expect(response.status).toBe(200);
    expect(received.get("UpdateWhole")).toEqual({ messageId: "from-path", text: "t" });
  });

  test("unknown query parameters are a 400 naming them; Google's system parameters are ignored", async () => {
    const unknown = await fetch(base + "/v1/messages/1?colour=red");
    expect(unknown.status).toBe(400);
    expect(((await unknown.json()) as { message: string }).message).toMatch(/colour/);
    expect((await fetch(base + "/v1/messages/1?$alt=json")).status).toBe(200);
  });

  test("malformed query values are 400s", async () => {
    for (const query of ["revision=abc", "revision=99999999999999999999", "sub.subfield.x=1"]) {
      const response = await fetch(`${base}/v1/messages/1?${query}`);
      expect(response.status, query).toBe(400);
    }
    for (const query of ["color=PURPLE", "exact=maybe", "token=***", "ids=1.5"]) {
      const response = await fetch(`${base}/v1/search?${query}`);
      expect(response.status, query).toBe(400);
    }
  });
});
