// Your implementation of bookstore.v1.BookstoreService. gen-svc never overwrites this file; when the contract
// changes, `gen-svc generate` adds stubs for new RPCs, updates changed signatures and marks
// methods whose RPC is gone, leaving the rest of your code as it is.
import type { MessageInitShape } from "@bufbuild/protobuf";
import { Code, ServiceError, type CallContext } from "gen-svc/runtime";
import type {
  BookCoverSchema,
  BookEventSchema,
  BookSchema,
  CreateBookRequest,
  CreateShelfRequest,
  DeleteBookRequest,
  DeleteShelfRequest,
  GetBookCoverRequest,
  GetBookRequest,
  GetShelfRequest,
  ListBooksRequest,
  ListBooksResponseSchema,
  ListShelvesRequest,
  ListShelvesResponseSchema,
  PublishBookRequest,
  ShelfSchema,
  UpdateBookRequest,
  WatchShelfRequest,
} from "../gen/pb/bookstore/v1/bookstore_pb.js";
import type { EmptySchema } from "@bufbuild/protobuf/wkt";
import type { BookstoreService } from "../gen/bookstore/service.js";

/** Implements `bookstore.v1.BookstoreService`. Methods answer UNIMPLEMENTED until you write them. */
export class BookstoreHandler implements BookstoreService {
  /**
   * Lists the shelves, ordered by name, a page at a time.
   */
  async listShelves(
    request: ListShelvesRequest,
    ctx: CallContext,
  ): Promise<MessageInitShape<typeof ListShelvesResponseSchema>> {
    throw new ServiceError(
      Code.UNIMPLEMENTED,
      "bookstore.v1.BookstoreService.ListShelves is not implemented yet",
    );
  }

  /**
   * Creates a shelf. ALREADY_EXISTS when `shelf_id` is taken.
   */
  async createShelf(
    request: CreateShelfRequest,
    ctx: CallContext,
  ): Promise<MessageInitShape<typeof ShelfSchema>> {
    throw new ServiceError(
      Code.UNIMPLEMENTED,
      "bookstore.v1.BookstoreService.CreateShelf is not implemented yet",
    );
  }

  /**
   * Returns a shelf, or NOT_FOUND.
   */
  async getShelf(
    request: GetShelfRequest,
    ctx: CallContext,
  ): Promise<MessageInitShape<typeof ShelfSchema>> {
    throw new ServiceError(
      Code.UNIMPLEMENTED,
      "bookstore.v1.BookstoreService.GetShelf is not implemented yet",
    );
  }

  /**
   * Deletes a shelf. A shelf that still holds books is only deleted with `force`
   * (FAILED_PRECONDITION otherwise), and its books with it.
   */
  async deleteShelf(
    request: DeleteShelfRequest,
    ctx: CallContext,
  ): Promise<MessageInitShape<typeof EmptySchema>> {
    throw new ServiceError(
      Code.UNIMPLEMENTED,
      "bookstore.v1.BookstoreService.DeleteShelf is not implemented yet",
    );
  }

  /**
   * Lists the books on a shelf, ordered by name, a page at a time, keeping those that match every
   * filter given.
   */
  async listBooks(
    request: ListBooksRequest,
    ctx: CallContext,
  ): Promise<MessageInitShape<typeof ListBooksResponseSchema>> {
    throw new ServiceError(
      Code.UNIMPLEMENTED,
      "bookstore.v1.BookstoreService.ListBooks is not implemented yet",
    );
  }

  /**
   * Returns a book, or NOT_FOUND. Also served under `/v2`, the way an API keeps an old path while
   * it moves to a new one.
   */
  async getBook(
    request: GetBookRequest,
    ctx: CallContext,
  ): Promise<MessageInitShape<typeof BookSchema>> {
    throw new ServiceError(
      Code.UNIMPLEMENTED,
      "bookstore.v1.BookstoreService.GetBook is not implemented yet",
    );
  }

  /**
   * Creates a book on a shelf, unpublished. ALREADY_EXISTS when `book_id` is taken on that shelf.
   */
  async createBook(
    request: CreateBookRequest,
    ctx: CallContext,
  ): Promise<MessageInitShape<typeof BookSchema>> {
    throw new ServiceError(
      Code.UNIMPLEMENTED,
      "bookstore.v1.BookstoreService.CreateBook is not implemented yet",
    );
  }

  /**
   * Updates the fields of a book named by `update_mask` and leaves the others alone; an empty
   * mask updates the fields that are set (non-default) in `book`.
   */
  async updateBook(
    request: UpdateBookRequest,
    ctx: CallContext,
  ): Promise<MessageInitShape<typeof BookSchema>> {
    throw new ServiceError(
      Code.UNIMPLEMENTED,
      "bookstore.v1.BookstoreService.UpdateBook is not implemented yet",
    );
  }

  /**
   * Deletes a book, or NOT_FOUND.
   */
  async deleteBook(
    request: DeleteBookRequest,
    ctx: CallContext,
  ): Promise<MessageInitShape<typeof EmptySchema>> {
    throw new ServiceError(
      Code.UNIMPLEMENTED,
      "bookstore.v1.BookstoreService.DeleteBook is not implemented yet",
    );
  }

  /**
   * Publishes a book: sets `published` and `publish_time`. Publishing a published book changes
   * nothing and returns it as it is.
   */
  async publishBook(
    request: PublishBookRequest,
    ctx: CallContext,
  ): Promise<MessageInitShape<typeof BookSchema>> {
    throw new ServiceError(
      Code.UNIMPLEMENTED,
      "bookstore.v1.BookstoreService.PublishBook is not implemented yet",
    );
  }

  /**
   * Returns a book's cover image. Over HTTP the response is the image itself, with its own
   * content type (`response_body` names the `google.api.HttpBody` field). NOT_FOUND when the book
   * has no cover.
   */
  async getBookCover(
    request: GetBookCoverRequest,
    ctx: CallContext,
  ): Promise<MessageInitShape<typeof BookCoverSchema>> {
    throw new ServiceError(
      Code.UNIMPLEMENTED,
      "bookstore.v1.BookstoreService.GetBookCover is not implemented yet",
    );
  }

  /**
   * Streams the changes to the books of a shelf as they happen: optionally the books already on
   * it first, then one event per change. Ends when the client cancels, after `max_events`
   * events, or when the shelf is deleted.
   */
  async *watchShelf(
    request: WatchShelfRequest,
    ctx: CallContext,
  ): AsyncIterable<MessageInitShape<typeof BookEventSchema>> {
    throw new ServiceError(
      Code.UNIMPLEMENTED,
      "bookstore.v1.BookstoreService.WatchShelf is not implemented yet",
    );
  }
}
