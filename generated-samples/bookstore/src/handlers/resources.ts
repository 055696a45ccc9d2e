// Resource names of the bookstore and the errors that name them. User-owned: part of the bookstore
// handler, written by hand.
import {
  BadRequestSchema,
  Code,
  PreconditionFailureSchema,
  ResourceInfoSchema,
  ServiceError,
  packDetail,
} from "gen-svc/runtime";

/** The `{shelf}` and `{book}` parts of names: lowercase letters, digits and hyphens (AIP-122). */
const ID = /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/;

/** The fully qualified resource types, as ResourceInfo details name them. */
export const SHELF_TYPE = "bookstore.v1.Shelf";
export const BOOK_TYPE = "bookstore.v1.Book";

/** One problem with one request field, by its proto path (e.g. `book.title`). */
export interface FieldViolation {
  readonly field: string;
  readonly description: string;
}

/** INVALID_ARGUMENT with a google.rpc.BadRequest detail listing every violation. */
export function invalidArgument(violations: readonly FieldViolation[]): ServiceError {
  const message = violations.map((v) => `${v.field}: ${v.description}`).join("; ");
  return new ServiceError(Code.INVALID_ARGUMENT, message, {
    details: [packDetail(BadRequestSchema, { fieldViolations: violations.map((v) => ({ ...v })) })],
  });
}

/** NOT_FOUND with a google.rpc.ResourceInfo detail. */
export function notFound(resourceType: string, resourceName: string, what = "not found"): ServiceError {
  return new ServiceError(Code.NOT_FOUND, `${resourceName} ${what}`, {
    details: [packDetail(ResourceInfoSchema, { resourceType, resourceName })],
  });
}

/** ALREADY_EXISTS with a google.rpc.ResourceInfo detail. */
export function alreadyExists(resourceType: string, resourceName: string): ServiceError {
  return new ServiceError(Code.ALREADY_EXISTS, `${resourceName} already exists`, {
    details: [packDetail(ResourceInfoSchema, { resourceType, resourceName })],
  });
}

/** FAILED_PRECONDITION with a google.rpc.PreconditionFailure detail. */
export function failedPrecondition(type: string, subject: string, description: string): ServiceError {
  return new ServiceError(Code.FAILED_PRECONDITION, `${subject}: ${description}`, {
    details: [packDetail(PreconditionFailureSchema, { violations: [{ type, subject, description }] })],
  });
}

/** Checks a `{shelf}` or `{book}` id chosen by the caller; `field` names it in the error. */
export function checkId(id: string, field: string): string {
  if (!ID.test(id)) {
    throw invalidArgument([{ field, description: `"${id}" is not an id: use 1 to 63 lowercase letters, digits and hyphens` }]);
  }
  return id;
}

/** The shelf id of `shelves/{shelf}`; INVALID_ARGUMENT (naming `field`) for anything else. */
export function parseShelfName(name: string, field: string): string {
  const parts = name.split("/");
  if (parts.length !== 2 || parts[0] !== "shelves" || !ID.test(parts[1]!)) {
    throw invalidArgument([{ field, description: `"${name}" is not a shelf name (shelves/{shelf})` }]);
  }
  return parts[1]!;
}

/** The ids in `shelves/{shelf}/books/{book}`; INVALID_ARGUMENT (naming `field`) for anything else. */
export function parseBookName(name: string, field: string): { shelf: string; book: string } {
  const parts = name.split("/");
  if (parts.length !== 4 || parts[0] !== "shelves" || parts[2] !== "books" || !ID.test(parts[1]!) || !ID.test(parts[3]!)) {
    throw invalidArgument([{ field, description: `"${name}" is not a book name (shelves/{shelf}/books/{book})` }]);
  }
  return { shelf: parts[1]!, book: parts[3]! };
}

/** `shelves/{shelf}`. */
export function shelfName(shelf: string): string {
  return `shelves/${shelf}`;
}

/** `shelves/{shelf}/books/{book}`. */
export function bookName(shelf: string, book: string): string {
  return `shelves/${shelf}/books/${book}`;
}
