// Paging with opaque page tokens (AIP-158). User-owned: part of the bookstore handler.
//
// A token carries the name of the last item of the page it ends (so deleting items between calls
// skips nothing that remains) and a fingerprint of the request's filters (so a token is only good
// for the query that made it). It is base64url JSON: opaque to clients, but nothing secret.
import { createHash } from "node:crypto";
import { invalidArgument } from "./resources.js";

/** The page size when the request gives none. */
export const DEFAULT_PAGE_SIZE = 20;
/** Larger page sizes are lowered to this. */
export const MAX_PAGE_SIZE = 100;

/** One page of items and the token of the next one ("" on the last page). */
export interface Page<T> {
  readonly items: T[];
  readonly nextPageToken: string;
}

/** What a list request says about paging, plus its filters in any stable JSON-able form. */
export interface PageRequest {
  readonly pageSize: number;
  readonly pageToken: string;
  readonly filters?: unknown;
}

interface TokenBody {
  /** The name of the last item already returned. */
  readonly after: string;
  /** The filters' fingerprint. */
  readonly query: string;
}

/** The page of `items` (sorted by name) that `request` asks for. */
export function pageOf<T extends { name: string }>(items: readonly T[], request: PageRequest): Page<T> {
  const size = pageSize(request.pageSize);
  const query = fingerprint(request.filters);
  const after = request.pageToken === "" ? undefined : decodeToken(request.pageToken, query);
  const start = after === undefined ? 0 : items.findIndex((item) => item.name > after);
  const rest = start < 0 ? [] : items.slice(start);
  const page = rest.slice(0, size);
  const last = page.at(-1);
  const nextPageToken = rest.length > size && last ? encodeToken({ after: last.name, query }) : "";
  return { items: page, nextPageToken };
}

function pageSize(requested: number): number {
  if (requested < 0) throw invalidArgument([{ field: "page_size", description: "must not be negative" }]);
  return Math.min(requested || DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE);
}

function fingerprint(filters: unknown): string {
  return createHash("sha256").update(JSON.stringify(filters ?? null)).digest("base64url").slice(0, 16);
}

function encodeToken(body: TokenBody): string {
  return Buffer.from(JSON.stringify(body)).toString("base64url");
}

function decodeToken(token: string, query: string): string {
  const body = parseToken(token);
  if (!body) throw invalidArgument([{ field: "page_token", description: "is not a page token of this API" }]);
  if (body.query !== query) {
    throw invalidArgument([{ field: "page_token", description: "was issued for a request with other filters" }]);
  }
  return body.after;
}

function parseToken(token: string): TokenBody | undefined {
  try {
    const body: unknown = JSON.parse(Buffer.from(token, "base64url").toString("utf8"));
    if (typeof body !== "object" || body === null) return undefined;
    const { after, query } = body as Record<string, unknown>;
    return typeof after === "string" && typeof query === "string" ? { after, query } : undefined;
  } catch {
    return undefined;
  }
}
