// The generated BookstoreHttpClient against the bookstore sample served over HTTP/JSON: every
// method, with the same signatures and messages as the gRPC client (int64 as bigint, enums,
// Timestamps, bytes, optional and repeated query fields, FieldMask, response_body HttpBody), the
// watch stream as an async iterable, and errors as ServiceErrors with their codes and details.
import { timestampDate, timestampFromDate } from "@bufbuild/protobuf/wkt";
import { afterAll, beforeAll, expect, test } from "vitest";
import { Code } from "../../src/runtime/index.js";
import { BookstoreHttpClient } from "../../generated-samples/bookstore/src/gen/bookstore/http-client.js";
import { BookEvent_Kind, Genre } from "../../generated-samples/bookstore/src/gen/pb/bookstore/v1/bookstore_pb.js";
import { BookstoreHandler } from "../../generated-samples/bookstore/src/handlers/bookstore.js";
import { failure, preconditionsOf, resourceOf, serveBookstoreHttp, tickingClock, violatedFields } from "./bookstore-setup.js";
import { collect, Opened } from "./serve.js";

const opened = new Opened();
let client: BookstoreHttpClient;

beforeAll(async () => {
  const base = await serveBookstoreHttp(opened, new BookstoreHandler({ now: tickingClock() }));
  client = opened.track(new BookstoreHttpClient(base));
});
afterAll(() => opened.closeAll());

test("shelves: list with paging, create, get, delete, and their errors", async () => {
  const first = await client.listShelves({ pageSize: 1 });
  const second = await client.listShelves({ pageSize: 1, pageToken: first.nextPageToken });
  expect([...first.shelves, ...second.shelves].map((s) => [s.name, s.bookCount])).toEqual([["shelves/computing", 1n], ["shelves/science-fiction", 3n]]);
  expect(second.nextPageToken).toBe("");

  const created = await client.createShelf({ shelfId: "via-http", shelf: { theme: "Via HTTP" } });
  expect(await client.getShelf({ name: "shelves/via-http" })).toEqual(created);
  expect(resourceOf(await failure(client.createShelf({ shelfId: "via-http", shelf: { theme: "x" } }), Code.ALREADY_EXISTS))).toBe("bookstore.v1.Shelf shelves/via-http");
  await client.createBook({ parent: created.name, book: { title: "Keeps it" } });
  expect(preconditionsOf(await failure(client.deleteShelf({ name: created.name }), Code.FAILED_PRECONDITION))).toEqual(["NOT_EMPTY shelves/via-http"]);
  expect((await client.deleteShelf({ name: created.name, force: true })).$typeName).toBe("google.protobuf.Empty");
  await failure(client.getShelf({ name: created.name }), Code.NOT_FOUND);
  expect(violatedFields(await failure(client.listShelves({ pageToken: "junk" }), Code.INVALID_ARGUMENT))).toEqual(["page_token"]);
});

test("ListBooks sends every filter kind in the query and gets the same books as over gRPC", async () => {
  const page = await client.listBooks({
    parent: "shelves/science-fiction",
    author: "Ursula K. Le Guin",
    genre: Genre.SCIENCE_FICTION,
    minPages: 300,
    published: true,
    publishedAfter: timestampFromDate(new Date("1970-01-01T00:00:00Z")),
    isbns: [9780060512750n, 9780441478125n],
    tags: ["hugo"],
  });
  expect(page.books.map((b) => [b.name, b.isbn, b.genre])).toEqual([["shelves/science-fiction/books/the-dispossessed", 9780060512750n, Genre.SCIENCE_FICTION]]);
  expect(page.totalSize).toBe(1n);
  expect((await client.listBooks({ parent: "shelves/science-fiction", published: false })).books.map((b) => b.title)).toEqual(["A Draft Nobody Has Read"]);
});

test("books: create with cover bytes, get, update under a mask, publish, cover, delete", async () => {
  await client.createShelf({ shelfId: "typed", shelf: { theme: "Typed" } });
  const image = Uint8Array.from({ length: 64 }, (_, i) => 255 - i);
  const created = await client.createBook({
    parent: "shelves/typed",
    bookId: "book",
    book: { title: "Typed", author: "A", genre: Genre.POETRY, pageCount: 10, isbn: 9791234567896n, tags: ["a", "b"], coverImage: image, coverContentType: "image/jpeg" },
  });
  expect([created.name, created.isbn, created.genre, created.tags, created.coverImage.length]).toEqual(["shelves/typed/books/book", 9791234567896n, Genre.POETRY, ["a", "b"], 0]);
  expect(await client.getBook({ name: created.name })).toEqual(created);

  const updated = await client.updateBook({ book: { name: created.name, title: "Retyped", author: "ignored" }, updateMask: { paths: ["title", "page_count"] } });
  expect([updated.title, updated.author, updated.pageCount]).toEqual(["Retyped", "A", 0]);

  const published = await client.publishBook({ name: created.name, publishTime: timestampFromDate(new Date("2001-02-03T04:05:06.789Z")) });
  expect([published.published, timestampDate(published.publishTime!).toISOString()]).toEqual([true, "2001-02-03T04:05:06.789Z"]);
  expect(await client.publishBook({ name: created.name })).toEqual(published);

  const cover = await client.getBookCover({ name: created.name });
  expect([cover.image?.contentType, cover.image?.data]).toEqual(["image/jpeg", image]);

  await client.deleteBook({ name: created.name });
  expect(resourceOf(await failure(client.getBook({ name: created.name }), Code.NOT_FOUND))).toBe("bookstore.v1.Book shelves/typed/books/book");
  expect(violatedFields(await failure(client.createBook({ parent: "shelves/typed", book: { title: "" } }), Code.INVALID_ARGUMENT))).toEqual(["book.title"]);
});

test("the client checks a name against its binding's template before sending", async () => {
  await failure(client.getBook({ name: "shelves/typed" }), Code.INVALID_ARGUMENT);
});

test("WatchShelf: an async iterable of events; live changes arrive; cancelling ends it", async () => {
  const existing = await collect(client.watchShelf({ name: "shelves/science-fiction", includeExisting: true, maxEvents: 3 }));
  expect(existing.map((e) => [e.kind, e.book?.name.split("/").at(-1)])).toEqual([
    [BookEvent_Kind.EXISTING, "draft"],
    [BookEvent_Kind.EXISTING, "left-hand-of-darkness"],
    [BookEvent_Kind.EXISTING, "the-dispossessed"],
  ]);

  await client.createShelf({ shelfId: "watched", shelf: { theme: "Watched" } });
  await client.createBook({ parent: "shelves/watched", bookId: "one", book: { title: "One" } });
  const cancel = new AbortController();
  const events = client.watchShelf({ name: "shelves/watched", includeExisting: true }, { signal: cancel.signal })[Symbol.asyncIterator]();
  expect((await events.next()).value?.kind).toBe(BookEvent_Kind.EXISTING);
  await client.publishBook({ name: "shelves/watched/books/one" });
  const event = (await events.next()).value;
  expect([event?.kind, event?.book?.published]).toEqual([BookEvent_Kind.PUBLISHED, true]);
  cancel.abort();
  await failure(events.next(), Code.CANCELLED);

  await failure(collect(client.watchShelf({ name: "shelves/absent" })), Code.NOT_FOUND);
});
