// The bookstore sample over HTTP/JSON with plain fetch: every google.api.http binding of the
// contract (query filters of each kind, body field, PATCH with a FieldMask, :publish, additional
// binding, response_body HttpBody, NDJSON and SSE watch), the canonical JSON forms, and errors as
// HTTP statuses with google.rpc.Status bodies.
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { BookstoreHandler } from "../../generated-samples/bookstore/src/handlers/bookstore.js";
import { serveBookstoreHttp, tickingClock } from "./bookstore-setup.js";
import { Opened } from "./serve.js";
import { readNdjson, readServerSentEvents } from "../http-server/harness.js";

// Response bodies are checked field by field against literal expectations.
type Json = Record<string, any>;

const opened = new Opened();
let base: string;

beforeAll(async () => {
  base = await serveBookstoreHttp(opened, new BookstoreHandler({ now: tickingClock() }));
});
afterAll(() => opened.closeAll());

/** One request; resolves to the status, the JSON body (or undefined) and the response. */
async function call(method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<{ status: number; json: Json; response: Response }> {
  const init: RequestInit = { method, headers: { ...(body === undefined ? {} : { "content-type": "application/json" }), ...headers } };
  if (body !== undefined) init.body = JSON.stringify(body);
  const response = await fetch(base + path, init);
  const text = await response.text();
  return { status: response.status, json: text === "" ? {} : (JSON.parse(text) as Json), response };
}

const RFC3339 = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$/;

describe("shelves", () => {
  test("GET /v1/shelves: canonical JSON (int64 as a string, Timestamp in RFC 3339, json names)", async () => {
    const { status, json, response } = await call("GET", "/v1/shelves");
    expect([status, response.headers.get("content-type")]).toEqual([200, expect.stringContaining("application/json")]);
    expect(json.shelves.map((s: Json) => [s.name, s.theme, s.bookCount])).toEqual([["shelves/computing", "Computing", "1"], ["shelves/science-fiction", "Science fiction", "3"]]);
    expect(json.shelves[0].createTime).toMatch(RFC3339);
    expect(json).not.toHaveProperty("nextPageToken");
  });

  test("paging by query: pageSize (json name) and page_token (proto name)", async () => {
    const first = await call("GET", "/v1/shelves?pageSize=1");
    expect(first.json.shelves.map((s: Json) => s.name)).toEqual(["shelves/computing"]);
    const second = await call("GET", `/v1/shelves?page_size=1&page_token=${encodeURIComponent(first.json.nextPageToken)}`);
    expect([second.json.shelves.map((s: Json) => s.name), second.json.nextPageToken]).toEqual([["shelves/science-fiction"], undefined]);
  });

  test("POST /v1/shelves with body \"shelf\" and shelfId in the query; 409 ALREADY_EXISTS with a ResourceInfo", async () => {
    const created = await call("POST", "/v1/shelves?shelfId=poetry", { theme: "Poetry" });
    expect([created.status, created.json.name, created.json.theme]).toEqual([200, "shelves/poetry", "Poetry"]);
    expect((await call("GET", "/v1/shelves/poetry")).json).toEqual(created.json);
    const again = await call("POST", "/v1/shelves?shelf_id=poetry", { theme: "Poetry" });
    expect(again.status).toBe(409);
    expect(again.json).toEqual({
      code: 6,
      message: "shelves/poetry already exists",
      details: [{ "@type": "type.googleapis.com/google.rpc.ResourceInfo", resourceType: "bookstore.v1.Shelf", resourceName: "shelves/poetry" }],
    });
  });

  test("errors: 404 NOT_FOUND, 400 with a BadRequest, FAILED_PRECONDITION then DELETE with ?force=true", async () => {
    expect([(await call("GET", "/v1/shelves/nope")).status, (await call("GET", "/v1/shelves/nope")).json.code]).toEqual([404, 5]);
    const bad = await call("GET", "/v1/shelves/Upper_Case");
    expect([bad.status, bad.json.code, bad.json.details[0]["@type"], bad.json.details[0].fieldViolations[0].field]).toEqual([400, 3, "type.googleapis.com/google.rpc.BadRequest", "name"]);
    await call("POST", "/v1/shelves?shelfId=full", { theme: "Full" });
    await call("POST", "/v1/shelves/full/books", { title: "One" });
    const refused = await call("DELETE", "/v1/shelves/full");
    expect([refused.status, refused.json.code, refused.json.details[0].violations[0].type]).toEqual([400, 9, "NOT_EMPTY"]);
    const deleted = await call("DELETE", "/v1/shelves/full?force=true");
    expect([deleted.status, deleted.json]).toEqual([200, {}]);
  });

  test("405 with Allow for a known path under another method; the default POST route works", async () => {
    const wrong = await call("PUT", "/v1/shelves");
    expect(wrong.status).toBe(405);
    expect(wrong.response.headers.get("allow")).toMatch(/GET/);
    const viaDefault = await call("POST", "/bookstore.v1.BookstoreService/GetShelf", { name: "shelves/computing" });
    expect([viaDefault.status, viaDefault.json.name]).toEqual([200, "shelves/computing"]);
  });
});

describe("books", () => {
  test("ListBooks filters from the query: string, enum by name and number, int32, optional bool, Timestamp, repeated int64 and string", async () => {
    const query = [
      "author=Ursula%20K.%20Le%20Guin",
      "genre=GENRE_SCIENCE_FICTION",
      "minPages=300",
      "published=true",
      "publishedAfter=1970-01-01T00:00:00Z",
      "isbns=9780060512750&isbns=9780441478125",
      "tags=hugo",
    ].join("&");
    const { status, json } = await call("GET", `/v1/shelves/science-fiction/books?${query}`);
    expect(status).toBe(200);
    expect(json.books.map((b: Json) => b.name)).toEqual(["shelves/science-fiction/books/the-dispossessed"]);
    expect(json.totalSize).toBe("1");
    const [book] = json.books;
    expect([book.isbn, book.genre, book.pageCount, book.published, book.publishTime, book.tags]).toEqual(["9780060512750", "GENRE_SCIENCE_FICTION", 387, true, "1974-05-01T00:00:00Z", ["classic", "hugo", "nebula"]]);
    expect((await call("GET", "/v1/shelves/science-fiction/books?genre=2&published=false")).json.books.map((b: Json) => b.title)).toEqual(["A Draft Nobody Has Read"]);
  });

  test("bad query values and unknown parameters are 400; $-parameters are ignored", async () => {
    for (const query of ["genre=GENRE_NOPE", "minPages=many", "isbns=12x", "publishedAfter=yesterday", "nope=1"]) {
      const { status, json } = await call("GET", `/v1/shelves/science-fiction/books?${query}`);
      expect([query, status, json.code]).toEqual([query, 400, 3]);
    }
    expect((await call("GET", "/v1/shelves/science-fiction/books?$fields=x")).status).toBe(200);
  });

  test("GetBook under /v1 and its additional binding /v2 answer the same; implicit defaults are omitted", async () => {
    const v1 = await call("GET", "/v1/shelves/science-fiction/books/draft");
    const v2 = await call("GET", "/v2/shelves/science-fiction/books/draft");
    expect([v1.status, v2.status]).toEqual([200, 200]);
    expect(v2.json).toEqual(v1.json);
    expect(v1.json).not.toHaveProperty("published");
    expect(v1.json).not.toHaveProperty("isbn");
  });

  test("create with body \"book\", PATCH with updateMask, :publish, cover via response_body, delete", async () => {
    await call("POST", "/v1/shelves?shelfId=http", { theme: "HTTP" });
    const cover = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 255]);
    const created = await call("POST", "/v1/shelves/http/books?bookId=dune", {
      title: "Dune", author: "Frank Herbert", genre: "GENRE_SCIENCE_FICTION", pageCount: 412, isbn: "9780441013593",
      tags: ["classic"], coverImage: cover.toString("base64"), coverContentType: "image/png",
    });
    expect([created.status, created.json.name, created.json.isbn, created.json.genre, created.json.coverContentType]).toEqual([200, "shelves/http/books/dune", "9780441013593", "GENRE_SCIENCE_FICTION", "image/png"]);
    expect(created.json).not.toHaveProperty("coverImage");
    expect(created.json.createTime).toMatch(RFC3339);

    const patched = await call("PATCH", "/v1/shelves/http/books/dune?updateMask=title,pageCount", { title: "Dune Messiah", pageCount: 256, author: "not in the mask" });
    expect([patched.status, patched.json.title, patched.json.pageCount, patched.json.author]).toEqual([200, "Dune Messiah", 256, "Frank Herbert"]);
    const badMask = await call("PATCH", "/v1/shelves/http/books/dune?update_mask=published", { title: "x" });
    expect([badMask.status, badMask.json.details[0].fieldViolations[0].field]).toEqual([400, "update_mask"]);

    const published = await call("POST", "/v1/shelves/http/books/dune:publish", { publishTime: "1969-10-01T00:00:00Z" });
    expect([published.status, published.json.published, published.json.publishTime]).toEqual([200, true, "1969-10-01T00:00:00Z"]);

    const image = await fetch(`${base}/v1/shelves/http/books/dune/cover`);
    expect([image.status, image.headers.get("content-type")]).toEqual([200, "image/png"]);
    expect(Buffer.from(await image.arrayBuffer())).toEqual(cover);

    expect((await call("DELETE", "/v1/shelves/http/books/dune")).status).toBe(200);
    const gone = await call("GET", "/v1/shelves/http/books/dune");
    expect([gone.status, gone.json.details[0].resourceName]).toEqual([404, "shelves/http/books/dune"]);
  });

  test("a body with an unknown field or a wrong type is 400 naming the field", async () => {
    for (const [body, field] of [[{ title: "t", colour: "red" }, "colour"], [{ title: "t", pageCount: "many" }, "pageCount"]] as const) {
      const { status, json } = await call("POST", "/v1/shelves/computing/books", body);
      expect([status, json.code]).toEqual([400, 3]);
      expect(json.message).toMatch(new RegExp(field === "pageCount" ? "page_?[cC]ount" : field));
    }
  });
});

describe("WatchShelf over HTTP", () => {
  test("NDJSON: {result} lines then a final {status} line with code 0", async () => {
    const response = await fetch(`${base}/v1/shelves/science-fiction:watch?includeExisting=true&maxEvents=2`);
    expect([response.status, response.headers.get("content-type")]).toEqual([200, expect.stringContaining("application/x-ndjson")]);
    const lines = await readNdjson(response);
    expect(lines.map((l) => (l.result ? `${(l.result as Json).kind} ${(l.result as Json).book.name}` : `status ${(l.status as Json).code ?? 0}`))).toEqual([
      "KIND_EXISTING shelves/science-fiction/books/draft",
      "KIND_EXISTING shelves/science-fiction/books/left-hand-of-darkness",
      "status 0",
    ]);
  });

  test("SSE: message events then a status event, read by an EventSource-compatible parser", async () => {
    const response = await fetch(`${base}/v1/shelves/computing:watch?include_existing=true&max_events=1`, { headers: { accept: "text/event-stream" } });
    expect(response.headers.get("content-type")).toMatch(/text\/event-stream/);
    const events = await readServerSentEvents(response);
    expect(events.map((e) => e.event)).toEqual(["message", "status"]);
    expect(JSON.parse(events[0]!.data).book.name).toBe("shelves/computing/books/sicp");
    expect(JSON.parse(events[1]!.data).code ?? 0).toBe(0);
  });

  test("live changes arrive as they happen; a watch of an unknown shelf is a plain 404", async () => {
    await call("POST", "/v1/shelves?shelfId=live", { theme: "Live" });
    await call("POST", "/v1/shelves/live/books?bookId=first", { title: "First" });
    const abort = new AbortController();
    const response = await fetch(`${base}/v1/shelves/live:watch?includeExisting=true`, { signal: abort.signal });
    const reader = response.body!.pipeThrough(new TextDecoderStream()).getReader();
    let buffered = "";
    const nextLine = async (): Promise<Json> => {
      for (let i = 0; i < 100 && !buffered.includes("\n"); i++) {
        const { value, done } = await reader.read();
        if (done) break;
        buffered += value;
      }
      const [line, ...rest] = buffered.split("\n");
      buffered = rest.join("\n");
      return JSON.parse(line!) as Json;
    };
    expect((await nextLine()).result.kind).toBe("KIND_EXISTING");
    await call("POST", "/v1/shelves/live/books?bookId=second", { title: "Second" });
    const created = await nextLine();
    expect([created.result.kind, created.result.book.title]).toEqual(["KIND_CREATED", "Second"]);
    abort.abort();
    const missing = await call("GET", "/v1/shelves/absent:watch");
    expect([missing.status, missing.json.code]).toEqual([404, 5]);
  });
});
