// Example tests for bookstore.v1.BookstoreService, written once by gen-svc: a real server on a free port, called
// through the generated client. Replace the UNIMPLEMENTED checks as you implement each method.
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { Code, ServiceError, serveGrpc, type GrpcServerHandle } from "gen-svc/runtime";
import { BookstoreClient } from "../src/gen/bookstore/grpc-client.js";
import { makeBookstoreEndpoints } from "../src/gen/bookstore/endpoints.js";
import { registerBookstoreGrpc } from "../src/gen/bookstore/grpc-server.js";
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

function isUnimplemented(error: unknown): boolean {
  return error instanceof ServiceError && error.code === Code.UNIMPLEMENTED;
}

async function drain(stream: AsyncIterable<unknown>): Promise<void> {
  for await (const _ of stream);
}

test("ListShelves answers UNIMPLEMENTED until it is implemented", async () => {
  await assert.rejects(client.listShelves({}), isUnimplemented);
});

test("CreateShelf answers UNIMPLEMENTED until it is implemented", async () => {
  await assert.rejects(client.createShelf({}), isUnimplemented);
});

test("GetShelf answers UNIMPLEMENTED until it is implemented", async () => {
  await assert.rejects(client.getShelf({}), isUnimplemented);
});

test("DeleteShelf answers UNIMPLEMENTED until it is implemented", async () => {
  await assert.rejects(client.deleteShelf({}), isUnimplemented);
});

test("ListBooks answers UNIMPLEMENTED until it is implemented", async () => {
  await assert.rejects(client.listBooks({}), isUnimplemented);
});

test("GetBook answers UNIMPLEMENTED until it is implemented", async () => {
  await assert.rejects(client.getBook({}), isUnimplemented);
});

test("CreateBook answers UNIMPLEMENTED until it is implemented", async () => {
  await assert.rejects(client.createBook({}), isUnimplemented);
});

test("UpdateBook answers UNIMPLEMENTED until it is implemented", async () => {
  await assert.rejects(client.updateBook({}), isUnimplemented);
});

test("DeleteBook answers UNIMPLEMENTED until it is implemented", async () => {
  await assert.rejects(client.deleteBook({}), isUnimplemented);
});

test("PublishBook answers UNIMPLEMENTED until it is implemented", async () => {
  await assert.rejects(client.publishBook({}), isUnimplemented);
});

test("GetBookCover answers UNIMPLEMENTED until it is implemented", async () => {
  await assert.rejects(client.getBookCover({}), isUnimplemented);
});

test("WatchShelf answers UNIMPLEMENTED until it is implemented", async () => {
  await assert.rejects(drain(client.watchShelf({})), isUnimplemented);
});
