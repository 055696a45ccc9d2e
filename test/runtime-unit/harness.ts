/**
 * Test harness: starts the fixture EchoService on 127.0.0.1:0 with given endpoints, connects a
 * client, and closes everything it started in `closeAll` (call it from afterEach).
 */
import type { ServerOptions } from "@grpc/grpc-js";
import {
  addGrpcService,
  defineService,
  GrpcConnection,
  serveGrpc,
  type Endpoint,
  type GrpcServerHandle,
  type GrpcServiceOptions,
  type ServiceError,
} from "../../src/runtime/index.js";
import { EchoService } from "./fixtures/gen/echo_pb.js";

/** The spec every test serves. */
export const echo = defineService(EchoService);

/** Service options plus grpc-js server options (e.g. interceptors). */
export interface StartOptions extends GrpcServiceOptions {
  readonly serverOptions?: ServerOptions;
}

/** A started server and a client connected to it. */
export interface Started {
  readonly handle: GrpcServerHandle;
  readonly client: GrpcConnection;
  /** Errors the server's onError hook saw. */
  readonly reported: ServiceError[];
}

/** Starts and tracks servers and clients for one test file. */
export class Harness {
  readonly #closers: (() => Promise<void> | void)[] = [];

  /** Serves `endpoints` (keyed by local name) and connects a client. */
  async start(endpoints: Record<string, Endpoint>, options: StartOptions = {}): Promise<Started> {
    const reported: ServiceError[] = [];
    const handle = await serveGrpc({
      host: "127.0.0.1",
      port: 0,
      serverOptions: options.serverOptions,
      register: (server) =>
        addGrpcService(server, echo, endpoints, {
          onError: (error, ctx) => {
            reported.push(error);
            options.onError?.(error, ctx);
          },
        }),
    });
    this.#closers.push(() => handle.shutdown(0));
    const client = this.connect(handle.port);
    return { handle, client, reported };
  }

  /** A client for a port; closed by closeAll. */
  connect(port: number): GrpcConnection {
    const client = new GrpcConnection(`127.0.0.1:${port}`);
    this.#closers.push(() => client.close());
    return client;
  }

  /** Closes clients and servers, newest first. */
  async closeAll(): Promise<void> {
    for (const close of this.#closers.splice(0).reverse()) await close();
  }
}

/** Resolves after `ms` milliseconds, or rejects with the signal's reason when it aborts first. */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const timer = setTimeout(() => {
      signal?.removeEventListener("abort", onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal?.reason);
    };
    signal?.addEventListener("abort", onAbort, { once: true });
  });
}

/** Resolves when `predicate` holds, polling; rejects after `timeoutMs`. */
export async function waitFor(predicate: () => boolean, timeoutMs = 5000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!predicate()) {
    if (Date.now() > end) throw new Error("condition not met in time");
    await sleep(5);
  }
}

export { collect, rejectionOf, streamOf } from "../support/streams.js";
