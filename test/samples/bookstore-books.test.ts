// The bookstore sample over gRPC, books: GetBook, CreateBook, UpdateBook with a FieldMask,
// DeleteBook, PublishBook and GetBookCover, with their error codes and details.
import { timestampDate, timestampFromDate, timestampMs } from "@bufbuild/protobuf/wkt";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { Code } from "../../src/runtime/index.js";
import type { BookstoreClient } from "../../generated-samples/bookstore/src/gen/bookstore/grpc-client.js";
import { Genre, type Book } from "../../generated-samples/bookstore/src/gen/pb/bookstore/v1/bookstore_pb.js";
import { failure, resourceOf, serveBookstore, START, violatedFields } from "./bookstore-setup.js";
import { Opened } from "./serve.js";

const opened = new Opened();
let client: BookstoreClient;
let shelves = 0;

beforeAll(async () => {
  client = (await serveBookstore(opened, { shelves: [] })).client;
});
afterAll(() => opened.closeAll());

/** A fresh shelf for one test, so tests share no books. */
async function freshShelf(): Promise<string> {
  return (await client.createShelf({ shelfId: `s${++shelves}`, shelf: { theme: "Test" } })).name;
}

const ms = (book: Book, field: "createTime" | "updateTime" | "publishTime") => timestampMs(book[field]!);

describe("create and get", () => {
  test("CreateBook stores the writable fields and sets the output-only ones itself", async () => {
    const parent = await freshShelf();
    const cover = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0, 255]);
    const created = await client.createBook({
      parent,
      bookId: "dune",
      book: {
        name: "shelves/elsewhere/books/x",
        title: "Dune",
        author: "Frank Herbert",
        genre: Genre.SCIENCE_FICTION,
        pageCount: 412,
        isbn: 9780441013593n,
        tags: ["classic", "desert"],
        published: true,
        publishTime: timestampFromDate(new Date("1965-08-01T00:00:00Z")),
        coverImage: cover,
        coverContentType: "image/png",
      },
    });
    expect(created.name).toBe(`${parent}/books/dune`);
    expect([created.title, created.author, created.genre, created.pageCount, created.isbn, created.tags]).toEqual(["Dune", "Frank Herbert", Genre.SCIENCE_FICTION, 412, 9780441013593n, ["classic", "desert"]]);
    expect([created.published, created.publishTime, created.coverImage.length, created.coverContentType]).toEqual([false, undefined, 0, "image/png"]);
    expect(ms(created, "createTime")).toBe(ms(created, "updateTime"));
    expect(ms(created, "createTime")).toBeGreaterThan(START);
    expect(await client.getBook({ name: created.name })).toEqual(created);
  });

  test("without a book_id the server chooses one; a taken id is ALREADY_EXISTS", async () => {
    const parent = await freshShelf();
    const chosen = await client.createBook({ parent, book: { title: "Untitled" } });
    expect(chosen.name).toMatch(new RegExp(`^${parent}/books/book-\\d+$`));
    await client.createBook({ parent, bookId: "same", book: { title: "First" } });
    const taken = await failure(client.createBook({ parent, bookId: "same", book: { title: "Second" } }), Code.ALREADY_EXISTS);
    expect(resourceOf(taken)).toBe(`bookstore.v1.Book ${parent}/books/same`);
    expect((await client.getBook({ name: `${parent}/books/same` })).title).toBe("First");
  });

  test("every invalid field is reported in one BadRequest", async () => {
    const parent = await freshShelf();
    const error = await failure(
      client.createBook({ parent, book: { title: " ", pageCount: -1, isbn: 1234n, tags: ["ok", ""], coverImage: new Uint8Array([1]) } }),
      Code.INVALID_ARGUMENT,
    );
    expect(violatedFields(error)).toEqual(["book.title", "book.page_count", "book.isbn", "book.tags", "book.cover_content_type"]);
    expect(violatedFields(await failure(client.createBook({ parent }), Code.INVALID_ARGUMENT))).toEqual(["book"]);
    expect(violatedFields(await failure(client.createBook({ parent, bookId: "-x", book: { title: "t" } }), Code.INVALID_ARGUMENT))).toEqual(["book_id"]);
    expect((await client.getShelf({ name: parent })).bookCount).toBe(0n);
  });

  test("GetBook: NOT_FOUND names the book or the missing shelf; a malformed name is INVALID_ARGUMENT", async () => {
    const parent = await freshShelf();
    expect(resourceOf(await failure(client.getBook({ name: `${parent}/books/none` }), Code.NOT_FOUND))).toBe(`bookstore.v1.Book ${parent}/books/none`);
    expect(resourceOf(await failure(client.getBook({ name: "shelves/gone/books/x" }), Code.NOT_FOUND))).toBe("bookstore.v1.Shelf shelves/gone");
    expect(violatedFields(await failure(client.getBook({ name: `${parent}/book/x` }), Code.INVALID_ARGUMENT))).toEqual(["name"]);
  });
});

describe("UpdateBook", () => {
  let name: string;
  beforeAll(async () => {
    const parent = await freshShelf();
    name = (await client.createBook({ parent, bookId: "b", book: { title: "Old", author: "A", pageCount: 10, tags: ["x", "y"], genre: Genre.HISTORY } })).name;
  });

  test("only the fields in the mask change; a masked field absent from the body is cleared", async () => {
    const before = await client.getBook({ name });
    const after = await client.updateBook({ book: { name, title: "New", author: "ignored, not in mask", pageCount: 99 }, updateMask: { paths: ["title", "page_count", "tags"] } });
    expect([after.title, after.author, after.pageCount, after.tags, after.genre]).toEqual(["New", "A", 99, [], Genre.HISTORY]);
    expect(ms(after, "updateTime")).toBeGreaterThan(ms(before, "updateTime"));
    expect(ms(after, "createTime")).toBe(ms(before, "createTime"));
    expect(await client.getBook({ name })).toEqual(after);
  });

  test("without a mask, the fields set in the body change and the others stay", async () => {
    const after = await client.updateBook({ book: { name, author: "B", tags: ["z"] } });
    expect([after.title, after.author, after.tags, after.genre]).toEqual(["New", "B", ["z"], Genre.HISTORY]);
  });

  test("a mask naming an unknown or output-only field is INVALID_ARGUMENT and changes nothing", async () => {
    const before = await client.getBook({ name });
    const error = await failure(client.updateBook({ book: { name, title: "X" }, updateMask: { paths: ["title", "published", "nope"] } }), Code.INVALID_ARGUMENT);
    expect(violatedFields(error)).toEqual(["update_mask", "update_mask"]);
    expect(error.message).toContain('"published"');
    expect(await client.getBook({ name })).toEqual(before);
  });

  test("an update that would make the book invalid is INVALID_ARGUMENT and changes nothing", async () => {
    const before = await client.getBook({ name });
    const error = await failure(client.updateBook({ book: { name, author: "C" }, updateMask: { paths: ["author", "title"] } }), Code.INVALID_ARGUMENT);
    expect(violatedFields(error)).toEqual(["book.title"]);
    expect(await client.getBook({ name })).toEqual(before);
  });

  test("updating a missing book is NOT_FOUND; without a name, INVALID_ARGUMENT on book.name", async () => {
    await failure(client.updateBook({ book: { name: `${name}-missing`, title: "t" } }), Code.NOT_FOUND);
    expect(violatedFields(await failure(client.updateBook({ updateMask: { paths: ["title"] } }), Code.INVALID_ARGUMENT))).toEqual(["book.name"]);
  });
});

describe("publish, cover, delete", () => {
  test("PublishBook sets published and the time; again, it changes nothing", async () => {
    const parent = await freshShelf();
    const draft = await client.createBook({ parent, bookId: "d", book: { title: "Draft" } });
    const published = await client.publishBook({ name: draft.name });
    expect(published.published).toBe(true);
    expect(ms(published, "publishTime")).toBeGreaterThan(ms(draft, "createTime"));
    expect(ms(published, "updateTime")).toBeGreaterThan(ms(draft, "updateTime"));
    const again = await client.publishBook({ name: draft.name, publishTime: timestampFromDate(new Date("2000-01-01T00:00:00Z")) });
    expect(again).toEqual(published);
  });

  test("PublishBook keeps a given publish_time; a future one is INVALID_ARGUMENT; a missing book NOT_FOUND", async () => {
    const parent = await freshShelf();
    const { name } = await client.createBook({ parent, bookId: "old", book: { title: "Old" } });
    const future = await failure(client.publishBook({ name, publishTime: timestampFromDate(new Date(START + 365 * 86_400_000)) }), Code.INVALID_ARGUMENT);
    expect(violatedFields(future)).toEqual(["publish_time"]);
    expect((await client.getBook({ name })).published).toBe(false);
    const published = await client.publishBook({ name, publishTime: timestampFromDate(new Date("1999-12-31T23:59:59.5Z")) });
    expect(timestampDate(published.publishTime!).toISOString()).toBe("1999-12-31T23:59:59.500Z");
    await failure(client.publishBook({ name: `${parent}/books/none` }), Code.NOT_FOUND);
  });

  test("GetBookCover returns the stored image and its type; a book without one is NOT_FOUND", async () => {
    const parent = await freshShelf();
    const image = Uint8Array.from({ length: 300 }, (_, i) => (i * 7) % 256);
    const { name } = await client.createBook({ parent, bookId: "c", book: { title: "Covered", coverImage: image, coverContentType: "image/webp" } });
    const cover = await client.getBookCover({ name });
    expect([cover.name, cover.image?.contentType, cover.image?.data]).toEqual([name, "image/webp", image]);
    const { name: bare } = await client.createBook({ parent, bookId: "bare", book: { title: "Bare" } });
    const error = await failure(client.getBookCover({ name: bare }), Code.NOT_FOUND);
    expect([error.message, resourceOf(error)]).toEqual([`${bare} has no cover`, `bookstore.v1.Book ${bare}`]);
    const replaced = new Uint8Array([9, 9]);
    await client.updateBook({ book: { name, coverImage: replaced }, updateMask: { paths: ["cover_image"] } });
    expect((await client.getBookCover({ name })).image?.data).toEqual(replaced);
  });

  test("DeleteBook removes the book (then NOT_FOUND, also for a second delete)", async () => {
    const parent = await freshShelf();
    const { name } = await client.createBook({ parent, bookId: "gone", book: { title: "Gone" } });
    expect((await client.deleteBook({ name })).$typeName).toBe("google.protobuf.Empty");
    await failure(client.getBook({ name }), Code.NOT_FOUND);
    await failure(client.deleteBook({ name }), Code.NOT_FOUND);
    expect((await client.getShelf({ name: parent })).bookCount).toBe(0n);
  });
});
