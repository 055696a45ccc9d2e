/**
 * gRPC status codes, as `google/rpc/code.proto` defines them, and their canonical HTTP statuses.
 */

/** The canonical status codes. Values are the wire numbers. */
export const Code = {
  OK: 0,
  CANCELLED: 1,
  UNKNOWN: 2,
  INVALID_ARGUMENT: 3,
  DEADLINE_EXCEEDED: 4,
  NOT_FOUND: 5,
  ALREADY_EXISTS: 6,
  PERMISSION_DENIED: 7,
  RESOURCE_EXHAUSTED: 8,
  FAILED_PRECONDITION: 9,
  ABORTED: 10,
  OUT_OF_RANGE: 11,
  UNIMPLEMENTED: 12,
  INTERNAL: 13,
  UNAVAILABLE: 14,
  DATA_LOSS: 15,
  UNAUTHENTICATED: 16,
} as const;

/** A status code number. */
export type Code = (typeof Code)[keyof typeof Code];

const namesByValue = new Map<number, string>(Object.entries(Code).map(([name, value]) => [value, name]));

/** The name of a code (`NOT_FOUND`), or `CODE_<n>` for a number outside the table. */
export function codeName(code: number): string {
  return namesByValue.get(code) ?? `CODE_${code}`;
}

/** True for the numbers 0..16. */
export function isCode(value: unknown): value is Code {
  return typeof value === "number" && namesByValue.has(value);
}

// The HTTP mapping documented next to each value in google/rpc/code.proto.
const httpStatusByCode: Record<Code, number> = {
  0: 200,
  1: 499,
  2: 500,
  3: 400,
  4: 504,
  5: 404,
  6: 409,
  7: 403,
  8: 429,
  9: 400,
  10: 409,
  11: 400,
  12: 501,
  13: 500,
  14: 503,
  15: 500,
  16: 401,
};

/** The HTTP status that `google/rpc/code.proto` gives for a code. */
export function httpStatusFromCode(code: Code): number {
  return httpStatusByCode[code];
}
