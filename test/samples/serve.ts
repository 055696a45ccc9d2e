/**
 * Starts a generated sample's gRPC server on 127.0.0.1:0 and tracks everything a test file opens,
 * so `closeAll` (from afterEach/afterAll) stops it.
 */
import type { Server } from "@grpc/grpc-js";
import { serveGrpc } from "../../src/runtime/index.js";

/** Opens servers and clients and closes them all, newest first. */
export class Opened {
  readonly #closers: Array<() => unknown> = [];

  /** Serves what `register` adds; returns the bound port. */
  async serve(register: (server: Server) => void): Promise<number> {
    const handle = await serveGrpc({ host: "127.0.0.1", port: 0, register });
    this.#closers.push(() => handle.shutdown(0));
    return handle.port;
  }

  /** Remembers a client (anything with close()) to close later. */
  track<T extends { close(): void }>(client: T): T {
    this.#closers.push(() => client.close());
    return client;
  }

  /** Closes everything opened so far. */
  async closeAll(): Promise<void> {
    for (const close of this.#closers.splice(0).reverse()) await close();
  }
}

export { collect, rejectionOf, streamOf } from "../support/streams.js";
