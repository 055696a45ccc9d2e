/** Starting and stopping a grpc-js server. */
import * as grpc from "@grpc/grpc-js";
import { MAX_DURATION_MS } from "../config.js";
import { messageSizeOptions, type DEFAULT_MAX_MESSAGE_BYTES } from "./limits.js";

/** Options of {@link serveGrpc}. */
export interface ServeGrpcOptions {
  /** Interface to listen on, e.g. `0.0.0.0`, `127.0.0.1` or `::`. */
  host: string;
  /** Port to listen on; 0 picks a free one (see {@link GrpcServerHandle.port}). */
  port: number;
  /** Adds the services, e.g. with `addGrpcService`. Runs before the port is bound. */
  register: (server: grpc.Server) => void;
  /** Largest message received or sent; default {@link DEFAULT_MAX_MESSAGE_BYTES}. */
  maxMessageBytes?: number;
  /** grpc-js server options; they win over the defaults (message size limits). */
  serverOptions?: grpc.ServerOptions;
  /** Default: insecure (plaintext). */
  credentials?: grpc.ServerCredentials;
}

/** A running gRPC server. */
export interface GrpcServerHandle {
  /** The bound port (the real one when 0 was asked for). */
  readonly port: number;
  readonly server: grpc.Server;
  /**
   * Stops accepting calls, lets calls in flight finish for up to `gracePeriodMs`, then cancels
   * whatever is still running. `Infinity`, or anything above 2^31-1 ms (the most a Node timer
   * holds), waits for the calls however long they take; a negative or NaN period is 0.
   */
  shutdown(gracePeriodMs: number): Promise<void>;
}

/** Creates a server, registers the services and listens; resolves once the port is bound. */
export async function serveGrpc(options: ServeGrpcOptions): Promise<GrpcServerHandle> {
  const server = new grpc.Server({ ...messageSizeOptions(options.maxMessageBytes), ...options.serverOptions });
  options.register(server);
  const credentials = options.credentials ?? grpc.ServerCredentials.createInsecure();
  let port: number;
  try {
    port = await bind(server, `${hostForAddress(options.host)}:${options.port}`, credentials);
  } catch (error) {
    server.forceShutdown();
    throw error;
  }
  return { port, server, shutdown: (gracePeriodMs) => shutdownGracefully(server, gracePeriodMs) };
}

// grpc-js (since 1.10) starts serving as soon as a port is bound; start() is deprecated.
function bind(server: grpc.Server, address: string, credentials: grpc.ServerCredentials): Promise<number> {
  return new Promise((resolve, reject) => {
    server.bindAsync(address, credentials, (error, port) => (error ? reject(error) : resolve(port)));
  });
}

function shutdownGracefully(server: grpc.Server, gracePeriodMs: number): Promise<void> {
  return new Promise((resolve) => {
    // Node would run an over-long timer after 1 ms and cancel every call at once; grpc-js treats
    // deadlines that far out as none, and so does this.
    const timer =
      gracePeriodMs > MAX_DURATION_MS
        ? undefined
        : setTimeout(() => {
            // forceShutdown cancels the remaining calls; tryShutdown's callback then fires too.
            server.forceShutdown();
            resolve();
          }, Math.max(0, gracePeriodMs || 0));
    server.tryShutdown(() => {
      clearTimeout(timer);
      resolve();
    });
  });
}

// An IPv6 literal needs brackets in a `host:port` address.
function hostForAddress(host: string): string {
  return host.includes(":") && !host.startsWith("[") ? `[${host}]` : host;
}
