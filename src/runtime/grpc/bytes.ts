/**
 * Buffer <-> Uint8Array views for the grpc-js boundary. grpc-js wants Buffers; the runtime hands
 * users plain Uint8Arrays, so that what they compare and serialise is what they put in. Views,
 * not copies: the bytes are only read.
 */

/** A Buffer over the same memory, for grpc-js. */
export function toBuffer(bytes: Uint8Array): Buffer {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

/** A plain Uint8Array over the same memory as a Buffer from grpc-js. */
export function toBytes(buffer: Buffer): Uint8Array {
  return new Uint8Array(buffer.buffer, buffer.byteOffset, buffer.byteLength);
}
