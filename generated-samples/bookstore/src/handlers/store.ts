// The bookstore's in-memory state and its change feed. User-owned: part of the bookstore handler.
import { EventEmitter, on } from "node:events";
import { create } from "@bufbuild/protobuf";
import { timestampFromDate, type Timestamp } from "@bufbuild/protobuf/wkt";
import { BookEvent_Kind, BookEventSchema, ShelfSchema, type Book, type BookEvent, type Shelf } from "../gen/pb/bookstore/v1/bookstore_pb.js";
import { publicView } from "./books.js";
import { alreadyExists, BOOK_TYPE, bookName, failedPrecondition, notFound, SHELF_TYPE, shelfName } from "./resources.js";

interface ShelfRecord {
  readonly shelf: Shelf;
  /** The shelf's books by `{book}` id. */
  readonly books: Map<string, Book>;
}

/** The event a shelf's watchers stop at: the shelf is gone. */
const closedEvent = (shelf: string) => `${shelfName(shelf)}#deleted`;

/**
 * Shelves and books in memory, and a change feed per shelf. Ids come in checked (see
 * resources.ts); lookups of missing resources throw NOT_FOUND. Stored books are owned by the store:
 * callers get copies.
 */
export class BookStore {
  readonly #shelves = new Map<string, ShelfRecord>();
  // One event name per shelf name; any number of watchers may listen.
  readonly #events = new EventEmitter().setMaxListeners(0);
  readonly #now: () => Date;
  #lastId = 0;

  constructor(now: () => Date) {
    this.#now = now;
  }

  /** The current time as a Timestamp. */
  now(): Timestamp {
    return timestampFromDate(this.#now());
  }

  /** Every shelf, by name, with its book count. */
  shelves(): Shelf[] {
    return [...this.#shelves.keys()].sort().map((id) => this.shelf(id));
  }

  /** A copy of a shelf with its book count; NOT_FOUND when there is none. */
  shelf(id: string): Shelf {
    const { shelf, books } = this.#record(id);
    return create(ShelfSchema, { ...shelf, bookCount: BigInt(books.size) });
  }

  /** Adds a shelf under `id` (or a fresh id when empty); ALREADY_EXISTS when taken. */
  addShelf(id: string, theme: string): Shelf {
    const shelfId = id || this.#freshId("shelf", (candidate) => this.#shelves.has(candidate));
    if (this.#shelves.has(shelfId)) throw alreadyExists(SHELF_TYPE, shelfName(shelfId));
    const shelf = create(ShelfSchema, { name: shelfName(shelfId), theme, createTime: this.now() });
    this.#shelves.set(shelfId, { shelf, books: new Map() });
    return this.shelf(shelfId);
  }

  /** Removes a shelf; with books on it only when `force`, deleting them (and telling watchers). */
  removeShelf(id: string, force: boolean): void {
    const { books } = this.#record(id);
    if (books.size > 0 && !force) {
      throw failedPrecondition("NOT_EMPTY", shelfName(id), `holds ${books.size} book(s); delete them first or set force`);
    }
    for (const bookId of [...books.keys()].sort()) this.removeBook(id, bookId);
    this.#shelves.delete(id);
    this.#events.emit(closedEvent(id));
  }

  /** A shelf's books by name (stored objects: do not hand them out, see publicView). */
  books(shelf: string): Book[] {
    const { books } = this.#record(shelf);
    return [...books.keys()].sort().map((id) => books.get(id)!);
  }

  /** The stored book; NOT_FOUND when the shelf or the book is missing. */
  book(shelf: string, id: string): Book {
    const book = this.#record(shelf).books.get(id);
    if (!book) throw notFound(BOOK_TYPE, bookName(shelf, id));
    return book;
  }

  /** Stores a new book under `id` (or a fresh id when empty); ALREADY_EXISTS when taken. */
  addBook(shelf: string, id: string, book: Book): Book {
    const { books } = this.#record(shelf);
    const bookId = id || this.#freshId("book", (candidate) => books.has(candidate));
    if (books.has(bookId)) throw alreadyExists(BOOK_TYPE, bookName(shelf, bookId));
    const now = this.now();
    Object.assign(book, { name: bookName(shelf, bookId), published: false, publishTime: undefined, createTime: now, updateTime: now });
    books.set(bookId, book);
    this.#emit(shelf, BookEvent_Kind.CREATED, book);
    return book;
  }

  /** Tells watchers that a stored book changed (the caller changed it in place). */
  changed(shelf: string, book: Book, kind: BookEvent_Kind.UPDATED | BookEvent_Kind.PUBLISHED): void {
    book.updateTime = this.now();
    this.#emit(shelf, kind, book);
  }

  /** Removes a book; NOT_FOUND when missing. */
  removeBook(shelf: string, id: string): void {
    const book = this.book(shelf, id);
    this.#record(shelf).books.delete(id);
    this.#emit(shelf, BookEvent_Kind.DELETED, book);
  }

  /**
   * A shelf's events from now on: first, when `existing`, one KIND_EXISTING event per book, then
   * each change as it happens. Ends when `signal` aborts or the shelf is deleted; NOT_FOUND now
   * when the shelf does not exist.
   */
  watch(shelf: string, existing: boolean, signal: AbortSignal): AsyncGenerator<BookEvent> {
    const books = this.books(shelf);
    // Subscribe and take the snapshot in the same tick, so no change falls between the two.
    const changes = on(this.#events, shelfName(shelf), { signal, close: [closedEvent(shelf)] });
    const snapshot = existing ? books.map((book) => this.#event(BookEvent_Kind.EXISTING, book)) : [];
    return feed(snapshot, changes, signal);
  }

  #record(id: string): ShelfRecord {
    const record = this.#shelves.get(id);
    if (!record) throw notFound(SHELF_TYPE, shelfName(id));
    return record;
  }

  #emit(shelf: string, kind: BookEvent_Kind, book: Book): void {
    this.#events.emit(shelfName(shelf), this.#event(kind, book));
  }

  #event(kind: BookEvent_Kind, book: Book): BookEvent {
    return create(BookEventSchema, { kind, book: publicView(book), eventTime: this.now() });
  }

  #freshId(prefix: string, taken: (id: string) => boolean): string {
    let id: string;
    do id = `${prefix}-${++this.#lastId}`;
    while (taken(id));
    return id;
  }
}

/** The snapshot, then the changes until they end or the watcher goes away. */
async function* feed(snapshot: BookEvent[], changes: AsyncIterator<unknown[]>, signal: AbortSignal): AsyncGenerator<BookEvent> {
  try {
    yield* snapshot;
    for (;;) {
      const next = await changes.next();
      if (next.done) return;
      yield next.value[0] as BookEvent;
    }
  } catch (error) {
    // events.on rejects with an AbortError when the signal aborts: the watcher left, not a failure.
    if (!signal.aborted) throw error;
  } finally {
    await changes.return?.();
  }
}
