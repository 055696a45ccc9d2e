/**
 * Call metadata independent of any transport: ASCII values as strings, `-bin` keys as bytes.
 * gRPC headers/trailers and HTTP headers both convert to and from it.
 */

/** One metadata value: text, or bytes for keys ending in `-bin`. */
export type MetadataValue = string | Uint8Array;

/** What callers may pass where metadata is expected. */
export type MetadataInit = Metadata | Record<string, MetadataValue | MetadataValue[]> | Iterable<[string, MetadataValue]>;

/** An ordered multimap with lower-case keys. */
export class Metadata implements Iterable<[string, MetadataValue]> {
  // Made on the first write: most calls carry no response headers or trailers, and an empty
  // Map per Metadata (three per HTTP call) is a measurable share of a small call's garbage.
  #entries: Map<string, MetadataValue[]> | undefined;

  constructor(init?: MetadataInit) {
    if (init === undefined) return;
    if (init instanceof Metadata || Symbol.iterator in init) {
      for (const [key, value] of init as Iterable<[string, MetadataValue]>) this.append(key, value);
      return;
    }
    for (const [key, value] of Object.entries(init)) {
      for (const v of Array.isArray(value) ? value : [value]) this.append(key, v);
    }
  }

  /** Adds a value after the existing ones. Binary keys (`-bin`) need bytes, others text. */
  append(key: string, value: MetadataValue): this {
    const k = normalizeKey(key, value);
    const entries = (this.#entries ??= new Map());
    const list = entries.get(k);
    if (list) list.push(value);
    else entries.set(k, [value]);
    return this;
  }

  /** Replaces all values of a key. */
  set(key: string, value: MetadataValue): this {
    (this.#entries ??= new Map()).set(normalizeKey(key, value), [value]);
    return this;
  }

  /** The first value of a key. */
  get(key: string): MetadataValue | undefined {
    return this.#entries?.get(key.toLowerCase())?.[0];
  }

  /** Every value of a key, in order. */
  getAll(key: string): MetadataValue[] {
    return [...(this.#entries?.get(key.toLowerCase()) ?? [])];
  }

  /** Whether the key has a value. */
  has(key: string): boolean {
    return this.#entries?.has(key.toLowerCase()) ?? false;
  }

  /** Removes a key. */
  delete(key: string): void {
    this.#entries?.delete(key.toLowerCase());
  }

  /** Number of distinct keys. */
  get size(): number {
    return this.#entries?.size ?? 0;
  }

  /** Every key/value pair, a key repeated for each of its values. */
  *[Symbol.iterator](): IterableIterator<[string, MetadataValue]> {
    if (this.#entries === undefined) return;
    for (const [key, values] of this.#entries) {
      for (const value of values) yield [key, value];
    }
  }
}

/** Whether a lower-case key may be held: digits, letters, `_`, `.` and `-`, as gRPC allows. */
export function isMetadataKey(lowerCaseKey: string): boolean {
  return /^[0-9a-z_.-]+$/.test(lowerCaseKey);
}

function normalizeKey(key: string, value: MetadataValue): string {
  const k = key.toLowerCase();
  if (!isMetadataKey(k)) throw new TypeError(`invalid metadata key "${key}"`);
  const binary = k.endsWith("-bin");
  if (binary && typeof value === "string") throw new TypeError(`metadata key "${key}" needs a Uint8Array value`);
  if (!binary && typeof value !== "string") throw new TypeError(`metadata key "${key}" needs a string value (binary keys end in -bin)`);
  return k;
}
