// The bookstore sample over gRPC, shelves and listing: the generated client against the generated
// server with the sample's in-memory handler. Paging with opaque tokens, every ListBooks filter,
// and the error codes with their google.rpc details. Books are in bookstore-books.test.ts, the
// watch stream in bookstore-watch.test.ts.
import { timestampDate, timestampFromDate } from "@bufbuild/protobuf/wkt";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { Code } from "../../src/runtime/index.js";
import type { BookstoreClient } from "../../generated-samples/bookstore/src/gen/bookstore/grpc-client.js";
import { Genre } from "../../generated-samples/bookstore/src/gen/pb/bookstore/v1/bookstore_pb.js";
import { failure, preconditionsOf, resourceOf, serveBookstore, START, violatedFields } from "./bookstore-setup.js";
import { Opened } from "./serve.js";

const opened = new Opened();
/** Holds the sample data; tests that change it use shelves of their own. */
let sample: BookstoreClient;
/** Starts empty. */
let empty: BookstoreClient;

beforeAll(async () => {
  sample = (await serveBookstore(opened)).client;
  empty = (await serveBookstore(opened, { shelves: [] })).client;
});
afterAll(() => opened.closeAll());

/** Every page of a listing, following next_page_token (bounded). */
async function allPages<T>(list: (pageToken: string) => Promise<{ items: T[]; nextPageToken: string }>): Promise<T[][]> {
  const pages: T[][] = [];
  let token = "";
  for (let i = 0; i < 50; i++) {
    const page = await list(token);
    pages.push(page.items);
    token = page.nextPageToken;
    if (token === "") return pages;
  }
  throw new Error("more than 50 pages");
}

describe("shelves", () => {
  test("ListShelves lists the sample shelves by name with their book counts", async () => {
    const { shelves, nextPageToken } = await sample.listShelves({});
    expect(shelves.map((s) => [s.name, s.theme, s.bookCount])).toEqual([
      ["shelves/computing", "Computing", 1n],
      ["shelves/science-fiction", "Science fiction", 3n],
    ]);
    expect(nextPageToken).toBe("");
  });

  test("CreateShelf with and without an id, GetShelf returns it, ALREADY_EXISTS when taken", async () => {
    const poetry = await empty.createShelf({ shelfId: "poetry", shelf: { theme: "Poetry", name: "ignored", bookCount: 7n } });
    expect([poetry.name, poetry.theme, poetry.bookCount]).toEqual(["shelves/poetry", "Poetry", 0n]);
    expect(timestampDate(poetry.createTime!).getTime()).toBeGreaterThanOrEqual(START);
    expect(await empty.getShelf({ name: "shelves/poetry" })).toEqual(poetry);
    const chosen = await empty.createShelf({ shelf: { theme: "Anything" } });
    expect(chosen.name).toMatch(/^shelves\/shelf-\d+$/);
    const taken = await failure(empty.createShelf({ shelfId: "poetry", shelf: { theme: "Again" } }), Code.ALREADY_EXISTS);
    expect(resourceOf(taken)).toBe("bookstore.v1.Shelf shelves/poetry");
  });

  test("CreateShelf: a missing theme and a bad id are INVALID_ARGUMENT naming the field", async () => {
    expect(violatedFields(await failure(empty.createShelf({ shelfId: "fine" }), Code.INVALID_ARGUMENT))).toEqual(["shelf.theme"]);
    const badId = await failure(empty.createShelf({ shelfId: "Not_An_Id", shelf: { theme: "x" } }), Code.INVALID_ARGUMENT);
    expect(violatedFields(badId)).toEqual(["shelf_id"]);
    expect(badId.message).toContain("Not_An_Id");
  });

  test("GetShelf: NOT_FOUND with a ResourceInfo, a malformed name is INVALID_ARGUMENT", async () => {
    expect(resourceOf(await failure(sample.getShelf({ name: "shelves/nope" }), Code.NOT_FOUND))).toBe("bookstore.v1.Shelf shelves/nope");
    for (const name of ["", "shelves", "shelves/a/b", "racks/a", "shelves/UPPER"]) {
      expect(violatedFields(await failure(sample.getShelf({ name }), Code.INVALID_ARGUMENT)), name).toEqual(["name"]);
    }
  });

  test("DeleteShelf: an empty shelf goes, a full one only with force (FAILED_PRECONDITION before)", async () => {
    await empty.createShelf({ shelfId: "to-go", shelf: { theme: "t" } });
    expect((await empty.deleteShelf({ name: "shelves/to-go" })).$typeName).toBe("google.protobuf.Empty");
    await failure(empty.getShelf({ name: "shelves/to-go" }), Code.NOT_FOUND);

    await empty.createShelf({ shelfId: "full", shelf: { theme: "t" } });
    await empty.createBook({ parent: "shelves/full", book: { title: "One" } });
    const refused = await failure(empty.deleteShelf({ name: "shelves/full" }), Code.FAILED_PRECONDITION);
    expect(preconditionsOf(refused)).toEqual(["NOT_EMPTY shelves/full"]);
    expect((await empty.getShelf({ name: "shelves/full" })).bookCount).toBe(1n);
    await empty.deleteShelf({ name: "shelves/full", force: true });
    await failure(empty.listBooks({ parent: "shelves/full" }), Code.NOT_FOUND);
    await failure(empty.deleteShelf({ name: "shelves/full" }), Code.NOT_FOUND);
  });
});

describe("paging", () => {
  beforeAll(async () => {
    await empty.createShelf({ shelfId: "paged", shelf: { theme: "Paging" } });
    for (let i = 1; i <= 7; i++) await empty.createBook({ parent: "shelves/paged", bookId: `b${i}`, book: { title: `Book ${i}`, pageCount: i * 100 } });
  });

  test("ListBooks pages of 3 cover every book once, in name order; total_size counts all", async () => {
    const pages = await allPages(async (pageToken) => {
      const page = await empty.listBooks({ parent: "shelves/paged", pageSize: 3, pageToken });
      expect(page.totalSize).toBe(7n);
      return { items: page.books.map((b) => b.name.split("/").at(-1)), nextPageToken: page.nextPageToken };
    });
    expect(pages).toEqual([["b1", "b2", "b3"], ["b4", "b5", "b6"], ["b7"]]);
  });

  test("a page size of exactly the rest ends without a token; page_size 0 is the default (20)", async () => {
    expect((await empty.listBooks({ parent: "shelves/paged", pageSize: 7 })).nextPageToken).toBe("");
    expect((await empty.listBooks({ parent: "shelves/paged" })).books).toHaveLength(7);
  });

  test("the token is opaque and keyed on the last name: deleting the next book skips nothing else", async () => {
    const first = await empty.listBooks({ parent: "shelves/paged", pageSize: 2 });
    expect(first.nextPageToken).not.toMatch(/b2|^\d+$/);
    await empty.createBook({ parent: "shelves/paged", bookId: "b3a", book: { title: "Inserted" } });
    await empty.deleteBook({ name: "shelves/paged/books/b3" });
    const second = await empty.listBooks({ parent: "shelves/paged", pageSize: 2, pageToken: first.nextPageToken });
    expect(second.books.map((b) => b.name.split("/").at(-1))).toEqual(["b3a", "b4"]);
  });

  test("bad page requests are INVALID_ARGUMENT with a BadRequest naming the field", async () => {
    const cases: Array<[Promise<unknown>, string]> = [
      [empty.listShelves({ pageSize: -1 }), "page_size"],
      [empty.listShelves({ pageToken: "not a token" }), "page_token"],
      [empty.listShelves({ pageToken: Buffer.from('{"after":1}').toString("base64url") }), "page_token"],
      [empty.listBooks({ parent: "shelves/paged", minPages: -5 }), "min_pages"],
    ];
    for (const [call, field] of cases) expect(violatedFields(await failure(call, Code.INVALID_ARGUMENT))).toEqual([field]);
  });

  test("a token only works with the filters it was issued for", async () => {
    const page = await empty.listBooks({ parent: "shelves/paged", pageSize: 2, minPages: 400 });
    expect(page.totalSize).toBe(4n);
    const next = await empty.listBooks({ parent: "shelves/paged", pageSize: 2, minPages: 400, pageToken: page.nextPageToken });
    expect(next.books).toHaveLength(2);
    const mismatch = await failure(empty.listBooks({ parent: "shelves/paged", pageSize: 2, minPages: 500, pageToken: page.nextPageToken }), Code.INVALID_ARGUMENT);
    expect(mismatch.message).toContain("page_token");
  });
});

describe("ListBooks filters", () => {
  /** The `{book}` ids ListBooks returns on the sample science fiction shelf for these filters. */
  async function ids(filters: Parameters<BookstoreClient["listBooks"]>[0]): Promise<string[]> {
    const { books } = await sample.listBooks({ parent: "shelves/science-fiction", ...filters });
    return books.map((b) => b.name.split("/").at(-1)!);
  }
  const all = ["draft", "left-hand-of-darkness", "the-dispossessed"];

  test.each([
    ["no filter", {}, all],
    ["author (string)", { author: "Ursula K. Le Guin" }, ["left-hand-of-darkness", "the-dispossessed"]],
    ["author matches exactly", { author: "ursula k. le guin" }, []],
    ["genre (enum)", { genre: Genre.SCIENCE_FICTION }, all],
    ["another genre", { genre: Genre.POETRY }, []],
    ["min_pages (int32)", { minPages: 305 }, ["the-dispossessed"]],
    ["published = true (optional bool)", { published: true }, ["left-hand-of-darkness", "the-dispossessed"]],
    ["published = false, not the same as unset", { published: false }, ["draft"]],
    ["published_after (Timestamp)", { publishedAfter: timestampFromDate(new Date("1970-01-01T00:00:00Z")) }, ["the-dispossessed"]],
    ["isbns (repeated int64)", { isbns: [9780441478125n, 9780262510875n] }, ["left-hand-of-darkness"]],
    ["tags (repeated string, all of)", { tags: ["hugo", "nebula"] }, ["the-dispossessed"]],
    ["filters combine", { author: "Ursula K. Le Guin", minPages: 300, tags: ["classic"], published: true }, ["left-hand-of-darkness", "the-dispossessed"]],
  ])("%s", async (_what, filters, expected) => {
    expect(await ids(filters)).toEqual(expected);
  });

  test("listed books carry the JSON-relevant fields and never the input-only cover bytes", async () => {
    const { books } = await sample.listBooks({ parent: "shelves/science-fiction", isbns: [9780060512750n] });
    const [book] = books;
    expect([book?.isbn, book?.genre, book?.tags, book?.published, book?.coverImage.length]).toEqual([9780060512750n, Genre.SCIENCE_FICTION, ["classic", "hugo", "nebula"], true, 0]);
    expect(timestampDate(book!.publishTime!).toISOString()).toBe("1974-05-01T00:00:00.000Z");
  });

  test("ListBooks of a missing shelf is NOT_FOUND, of a malformed parent INVALID_ARGUMENT", async () => {
    expect(resourceOf(await failure(sample.listBooks({ parent: "shelves/missing" }), Code.NOT_FOUND))).toBe("bookstore.v1.Shelf shelves/missing");
    expect(violatedFields(await failure(sample.listBooks({ parent: "shelves/a/books" }), Code.INVALID_ARGUMENT))).toEqual(["parent"]);
  });
});
