// Your implementation of bookstore.v1.BookstoreService. gen-svc wrote this file once and will not
// overwrite it. The state lives in a BookStore (store.ts) owned by each handler instance.
import { create, type MessageInitShape } from "@bufbuild/protobuf";
import { timestampMs, type EmptySchema } from "@bufbuild/protobuf/wkt";
import type { CallContext } from "gen-svc/runtime";
import {
  BookEvent_Kind,
  BookSchema,
  type Book,
  type BookCoverSchema,
  type BookEventSchema,
  type CreateBookRequest,
  type CreateShelfRequest,
  type DeleteBookRequest,
  type DeleteShelfRequest,
  type GetBookCoverRequest,
  type GetBookRequest,
  type GetShelfRequest,
  type ListBooksRequest,
  type ListBooksResponseSchema,
  type ListShelvesRequest,
  type ListShelvesResponseSchema,
  type PublishBookRequest,
  type ShelfSchema,
  type UpdateBookRequest,
  type WatchShelfRequest,
} from "../gen/pb/bookstore/v1/bookstore_pb.js";
import type { BookstoreService } from "../gen/bookstore/service.js";
import { bookViolations, copyFields, fieldsToUpdate, listFilters, matchesFilters, publicView, writableCopy } from "./books.js";
import { pageOf } from "./paging.js";
import { BOOK_TYPE, checkId, invalidArgument, notFound, parseBookName, parseShelfName } from "./resources.js";
import { sampleShelves, type SeedShelf } from "./sample-data.js";
import { BookStore } from "./store.js";

/** How to set up a {@link BookstoreHandler}. */
export interface BookstoreOptions {
  /** The shelves and books to start with; the sample data by default, `[]` for an empty store. */
  readonly shelves?: readonly SeedShelf[];
  /** The clock for create, update, publish and event times. */
  readonly now?: () => Date;
}

/** Implements `bookstore.v1.BookstoreService` over an in-memory store of its own. */
export class BookstoreHandler implements BookstoreService {
  readonly #store: BookStore;

  constructor(options: BookstoreOptions = {}) {
    this.#store = new BookStore(options.now ?? (() => new Date()));
    for (const shelf of options.shelves ?? sampleShelves()) this.#seed(shelf);
  }

  /** Lists the shelves, ordered by name, a page at a time. */
  async listShelves(request: ListShelvesRequest, _ctx: CallContext): Promise<MessageInitShape<typeof ListShelvesResponseSchema>> {
    const page = pageOf(this.#store.shelves(), request);
    return { shelves: page.items, nextPageToken: page.nextPageToken };
  }

  /** Creates a shelf. ALREADY_EXISTS when `shelf_id` is taken. */
  async createShelf(request: CreateShelfRequest, _ctx: CallContext): Promise<MessageInitShape<typeof ShelfSchema>> {
    if (request.shelfId !== "") checkId(request.shelfId, "shelf_id");
    const theme = request.shelf?.theme.trim() ?? "";
    if (theme === "") throw invalidArgument([{ field: "shelf.theme", description: "is required" }]);
    return this.#store.addShelf(request.shelfId, theme);
  }

  /** Returns a shelf, or NOT_FOUND. */
  async getShelf(request: GetShelfRequest, _ctx: CallContext): Promise<MessageInitShape<typeof ShelfSchema>> {
    return this.#store.shelf(parseShelfName(request.name, "name"));
  }

  /** Deletes a shelf; one with books only with `force` (FAILED_PRECONDITION otherwise). */
  async deleteShelf(request: DeleteShelfRequest, _ctx: CallContext): Promise<MessageInitShape<typeof EmptySchema>> {
    this.#store.removeShelf(parseShelfName(request.name, "name"), request.force);
    return {};
  }

  /** Lists the books on a shelf that match every filter given, ordered by name, a page at a time. */
  async listBooks(request: ListBooksRequest, _ctx: CallContext): Promise<MessageInitShape<typeof ListBooksResponseSchema>> {
    const shelf = parseShelfName(request.parent, "parent");
    if (request.minPages < 0) throw invalidArgument([{ field: "min_pages", description: "must not be negative" }]);
    const matching = this.#store.books(shelf).filter((book) => matchesFilters(book, request));
    const page = pageOf(matching, { ...request, filters: listFilters(request) });
    return { books: page.items.map(publicView), nextPageToken: page.nextPageToken, totalSize: BigInt(matching.length) };
  }

  /** Returns a book, or NOT_FOUND. */
  async getBook(request: GetBookRequest, _ctx: CallContext): Promise<MessageInitShape<typeof BookSchema>> {
    return publicView(this.#bookNamed(request.name, "name"));
  }

  /** Creates an unpublished book on a shelf. ALREADY_EXISTS when `book_id` is taken there. */
  async createBook(request: CreateBookRequest, _ctx: CallContext): Promise<MessageInitShape<typeof BookSchema>> {
    const shelf = parseShelfName(request.parent, "parent");
    if (request.bookId !== "") checkId(request.bookId, "book_id");
    if (!request.book) throw invalidArgument([{ field: "book", description: "is required" }]);
    const book = writableCopy(request.book);
    const violations = bookViolations(book, "book.");
    if (violations.length > 0) throw invalidArgument(violations);
    return publicView(this.#store.addBook(shelf, request.bookId, book));
  }

  /** Updates the fields named by `update_mask` (or set in `book` without a mask). */
  async updateBook(request: UpdateBookRequest, _ctx: CallContext): Promise<MessageInitShape<typeof BookSchema>> {
    const changes = request.book ?? create(BookSchema);
    const { shelf, book: id } = parseBookName(changes.name, "book.name");
    const fields = fieldsToUpdate(request.updateMask?.paths ?? [], changes);
    const stored = this.#store.book(shelf, id);
    // Check the result before touching the stored book, so a bad update changes nothing.
    const updated = writableCopy(stored);
    copyFields(updated, changes, fields);
    const violations = bookViolations(updated, "book.");
    if (violations.length > 0) throw invalidArgument(violations);
    copyFields(stored, updated, fields);
    this.#store.changed(shelf, stored, BookEvent_Kind.UPDATED);
    return publicView(stored);
  }

  /** Deletes a book, or NOT_FOUND. */
  async deleteBook(request: DeleteBookRequest, _ctx: CallContext): Promise<MessageInitShape<typeof EmptySchema>> {
    const { shelf, book } = parseBookName(request.name, "name");
    this.#store.removeBook(shelf, book);
    return {};
  }

  /** Publishes a book; publishing a published book changes nothing and returns it as it is. */
  async publishBook(request: PublishBookRequest, _ctx: CallContext): Promise<MessageInitShape<typeof BookSchema>> {
    const { shelf, book: id } = parseBookName(request.name, "name");
    const book = this.#store.book(shelf, id);
    if (book.published) return publicView(book);
    const now = this.#store.now();
    const publishTime = request.publishTime ?? now;
    if (timestampMs(publishTime) > timestampMs(now)) {
      throw invalidArgument([{ field: "publish_time", description: "must not be in the future" }]);
    }
    Object.assign(book, { published: true, publishTime });
    this.#store.changed(shelf, book, BookEvent_Kind.PUBLISHED);
    return publicView(book);
  }

  /** Returns a book's cover image (over HTTP: the image itself). NOT_FOUND without a cover. */
  async getBookCover(request: GetBookCoverRequest, _ctx: CallContext): Promise<MessageInitShape<typeof BookCoverSchema>> {
    const book = this.#bookNamed(request.name, "name");
    if (book.coverImage.length === 0) throw notFound(BOOK_TYPE, book.name, "has no cover");
    return { name: book.name, image: { contentType: book.coverContentType, data: book.coverImage.slice() } };
  }

  /**
   * Streams the shelf's book events (the existing books first if asked) until the client cancels,
   * `max_events` have been sent or the shelf is deleted.
   */
  async *watchShelf(request: WatchShelfRequest, ctx: CallContext): AsyncIterable<MessageInitShape<typeof BookEventSchema>> {
    if (request.maxEvents < 0) throw invalidArgument([{ field: "max_events", description: "must not be negative" }]);
    const events = this.#store.watch(parseShelfName(request.name, "name"), request.includeExisting, ctx.signal);
    let sent = 0;
    for await (const event of events) {
      yield event;
      if (++sent === request.maxEvents) return;
    }
  }

  #bookNamed(name: string, field: string): Book {
    const { shelf, book } = parseBookName(name, field);
    return this.#store.book(shelf, book);
  }

  #seed(seed: SeedShelf): void {
    this.#store.addShelf(seed.id, seed.theme);
    for (const { id, book: init } of seed.books) {
      const book = create(BookSchema, init);
      const stored = this.#store.addBook(seed.id, id, writableCopy(book));
      Object.assign(stored, { published: book.published, publishTime: book.publishTime });
    }
  }
}
