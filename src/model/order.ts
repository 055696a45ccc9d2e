/**
 * Deterministic ordering for everything the generator sorts. Code-unit order, not localeCompare:
 * output must not depend on the machine's locale.
 */

/** Compares two strings by UTF-16 code units. */
export function compareStrings(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
