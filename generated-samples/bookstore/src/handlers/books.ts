// What the bookstore checks and changes in a book: validation, list filters, FieldMask updates.
// User-owned: part of the bookstore handler.
import { clone, create, isFieldSet } from "@bufbuild/protobuf";
import { timestampMs } from "@bufbuild/protobuf/wkt";
import { BookSchema, Genre, type Book, type ListBooksRequest } from "../gen/pb/bookstore/v1/bookstore_pb.js";
import { invalidArgument, type FieldViolation } from "./resources.js";

/** The fields a client may write, by proto name: the paths UpdateBook's mask may name. */
export const WRITABLE_FIELDS = ["title", "author", "genre", "page_count", "isbn", "tags", "cover_image", "cover_content_type"] as const;
type WritableField = (typeof WRITABLE_FIELDS)[number];

const ISBN13_MIN = 978_0000000000n;
const ISBN13_MAX = 979_9999999999n;

/** Every problem with the writable fields of `book`, reported under `prefix` (e.g. `book.`). */
export function bookViolations(book: Book, prefix: string): FieldViolation[] {
  const violations: FieldViolation[] = [];
  const add = (field: string, description: string) => violations.push({ field: prefix + field, description });
  if (book.title.trim() === "") add("title", "is required");
  if (book.pageCount < 0) add("page_count", "must not be negative");
  if (book.isbn !== 0n && (book.isbn < ISBN13_MIN || book.isbn > ISBN13_MAX)) add("isbn", "must be an ISBN-13 (978... or 979...) or 0");
  if (!(book.genre in Genre)) add("genre", `${book.genre} is not a Genre`);
  if (book.tags.some((tag) => tag.trim() === "")) add("tags", "must not hold empty tags");
  if (book.coverImage.length > 0 && book.coverContentType === "") add("cover_content_type", "is required with a cover_image");
  return violations;
}

/** A copy of the writable fields of `from` (a client's book), with everything else unset. */
export function writableCopy(from: Book): Book {
  const book = create(BookSchema);
  copyFields(book, from, WRITABLE_FIELDS);
  return book;
}

/**
 * The fields an UpdateBook applies: the mask's paths, checked, or without a mask the writable
 * fields that `book` sets (AIP-134: proto3 cannot tell a field set to its default from a missing
 * one, so clearing a field needs a mask).
 */
export function fieldsToUpdate(maskPaths: readonly string[], book: Book): WritableField[] {
  if (maskPaths.length === 0) return WRITABLE_FIELDS.filter((field) => isSet(book, field));
  const unknown = maskPaths.filter((path) => !(WRITABLE_FIELDS as readonly string[]).includes(path));
  if (unknown.length > 0) {
    throw invalidArgument(
      unknown.map((path) => ({ field: "update_mask", description: `"${path}" is not a writable field of Book (${WRITABLE_FIELDS.join(", ")})` })),
    );
  }
  return [...new Set(maskPaths)] as WritableField[];
}

/** Copies `fields` of `from` into `to`; repeated and bytes values are copied, not shared. */
export function copyFields(to: Book, from: Book, fields: readonly WritableField[]): void {
  for (const field of fields) {
    switch (field) {
      case "title": to.title = from.title; break;
      case "author": to.author = from.author; break;
      case "genre": to.genre = from.genre; break;
      case "page_count": to.pageCount = from.pageCount; break;
      case "isbn": to.isbn = from.isbn; break;
      case "tags": to.tags = [...from.tags]; break;
      case "cover_image": to.coverImage = from.coverImage.slice(); break;
      case "cover_content_type": to.coverContentType = from.coverContentType; break;
    }
  }
}

function isSet(book: Book, field: WritableField): boolean {
  const desc = BookSchema.fields.find((f) => f.name === field);
  return desc !== undefined && isFieldSet(book, desc);
}

/** Whether `book` passes every filter of a ListBooks request (unset filters pass everything). */
export function matchesFilters(book: Book, request: ListBooksRequest): boolean {
  if (request.author !== "" && book.author !== request.author) return false;
  if (request.genre !== Genre.UNSPECIFIED && book.genre !== request.genre) return false;
  if (book.pageCount < request.minPages) return false;
  if (request.published !== undefined && book.published !== request.published) return false;
  if (request.publishedAfter) {
    if (!book.publishTime || timestampMs(book.publishTime) <= timestampMs(request.publishedAfter)) return false;
  }
  if (request.isbns.length > 0 && !request.isbns.includes(book.isbn)) return false;
  return request.tags.every((tag) => book.tags.includes(tag));
}

/** The filters of a ListBooks request as plain JSON, for page-token fingerprints. */
export function listFilters(request: ListBooksRequest): unknown {
  return {
    author: request.author,
    genre: request.genre,
    minPages: request.minPages,
    published: request.published ?? null,
    publishedAfter: request.publishedAfter ? timestampMs(request.publishedAfter) : null,
    isbns: request.isbns.map(String),
    tags: request.tags,
  };
}

/** What clients see of a stored book: a copy without the input-only cover bytes. */
export function publicView(book: Book): Book {
  const view = clone(BookSchema, book);
  view.coverImage = new Uint8Array(0);
  return view;
}
