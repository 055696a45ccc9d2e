// Tests for bookstore.v1.BookstoreService: a real server on a free port, called through the
// generated client. (The full suite is gen-svc's test/samples/bookstore*.test.ts.)
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { BadRequestSchema, Code, ServiceError, serveGrpc, type GrpcServerHandle } from "gen-svc/runtime";
import { BookstoreClient } from "../src/gen/bookstore/grpc-client.js";
import { makeBookstoreEndpoints } from "../src/gen/bookstore/endpoints.js";
import { registerBookstoreGrpc } from "../src/gen/bookstore/grpc-server.js";
import { BookEvent_Kind, Genre } from "../src/gen/pb/bookstore/v1/bookstore_pb.js";
import { BookstoreHandler } from "../src/handlers/bookstore.js";

let server: GrpcServerHandle;
let client: BookstoreClient;

before(async () => {
  server = await serveGrpc({
    host: "127.0.0.1",
    port: 0,
    register: (s) => registerBookstoreGrpc(s, makeBookstoreEndpoints(new BookstoreHandler())),
  });
  client = new BookstoreClient(`127.0.0.1:${server.port}`);
});

after(async () => {
  client.close();
  await server.shutdown(0);
});

test("the sample shelves are listed by name", async () => {
  const { shelves } = await client.listShelves({});
  assert.deepEqual(shelves.map((s) => [s.name, s.bookCount]), [["shelves/computing", 1n], ["shelves/science-fiction", 3n]]);
});

test("ListBooks filters by genre, author and publication", async () => {
  const page = await client.listBooks({ parent: "shelves/science-fiction", author: "Ursula K. Le Guin", genre: Genre.SCIENCE_FICTION, published: true });
  assert.deepEqual(page.books.map((b) => b.title), ["The Left Hand of Darkness", "The Dispossessed"]);
});

test("a book is created, updated under a mask and published", async () => {
  const book = await client.createBook({ parent: "shelves/computing", bookId: "tao", book: { title: "The Tao of Programming", pageCount: 151 } });
  const updated = await client.updateBook({ book: { name: book.name, author: "Geoffrey James", pageCount: 1 }, updateMask: { paths: ["author"] } });
  assert.deepEqual([updated.author, updated.pageCount], ["Geoffrey James", 151]);
  assert.equal((await client.publishBook({ name: book.name })).published, true);
});

test("a bad book is INVALID_ARGUMENT with a BadRequest detail", async () => {
  await assert.rejects(client.createBook({ parent: "shelves/computing", book: { title: "" } }), (error: unknown) => {
    assert.ok(error instanceof ServiceError && error.code === Code.INVALID_ARGUMENT);
    assert.equal(error.findDetail(BadRequestSchema)?.fieldViolations[0]?.field, "book.title");
    return true;
  });
});

test("WatchShelf sends the existing books, then stops after max_events", async () => {
  const kinds: BookEvent_Kind[] = [];
  for await (const event of client.watchShelf({ name: "shelves/science-fiction", includeExisting: true, maxEvents: 2 })) kinds.push(event.kind);
  assert.deepEqual(kinds, [BookEvent_Kind.EXISTING, BookEvent_Kind.EXISTING]);
});
