/**
 * A call's request metadata as the runtime's {@link Metadata}, converted from grpc-js's only when
 * first read as a whole. Most calls only look up a key or two (`traceparent`, `x-request-id`,
 * `authorization`), and many nothing at all, while converting every header of every call was a
 * measurable share of a small call's cost.
 */
import type * as grpc from "@grpc/grpc-js";
import { isMetadataKey, Metadata, type MetadataValue } from "../metadata.js";
import { toBytes } from "./bytes.js";
import { isReserved } from "./metadata.js";

/** Request metadata over grpc-js's; `grpc-*` keys (the protocol's own) and keys Metadata cannot hold are left out. */
export class ReceivedGrpcMetadata extends Metadata {
  /** grpc-js's metadata until the first read that needs every entry (or the first write). */
  #source: grpc.Metadata | undefined;

  constructor(source: grpc.Metadata | null | undefined) {
    super();
    this.#source = source ?? undefined;
  }

  override get(key: string): MetadataValue | undefined {
    const source = this.#source;
    if (source === undefined) return super.get(key);
    const value = valuesOf(source, key)[0];
    return value === undefined ? undefined : typeof value === "string" ? value : toBytes(value);
  }

  override has(key: string): boolean {
    const source = this.#source;
    return source === undefined ? super.has(key) : valuesOf(source, key).length > 0;
  }

  override getAll(key: string): MetadataValue[] {
    this.convert();
    return super.getAll(key);
  }

  override append(key: string, value: MetadataValue): this {
    this.convert();
    return super.append(key, value);
  }

  override set(key: string, value: MetadataValue): this {
    this.convert();
    return super.set(key, value);
  }

  override delete(key: string): void {
    this.convert();
    super.delete(key);
  }

  override get size(): number {
    this.convert();
    return super.size;
  }

  override [Symbol.iterator](): IterableIterator<[string, MetadataValue]> {
    this.convert();
    return super[Symbol.iterator]();
  }

  /** Copies grpc-js's entries in, once; afterwards this is a plain Metadata. */
  private convert(): void {
    const source = this.#source;
    if (source === undefined) return;
    this.#source = undefined;
    // toJSON() is the one public view of every value of every key, in order.
    for (const [key, values] of Object.entries(source.toJSON())) {
      // grpc-js also accepts keys Metadata cannot hold (e.g. with ':'): they are left out, as the
      // protocol's own are, rather than failing a call for a header nobody reads.
      if (isReserved(key) || !isMetadataKey(key)) continue;
      for (const value of values) super.append(key, typeof value === "string" ? value : toBytes(value));
    }
  }
}

/** grpc-js's values of a key, without its exceptions for keys it finds illegal. */
function valuesOf(source: grpc.Metadata, key: string): grpc.MetadataValue[] {
  const k = key.toLowerCase();
  return isMetadataKey(k) && !isReserved(k) ? source.get(k) : [];
}
