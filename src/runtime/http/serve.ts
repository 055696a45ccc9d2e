/** Starting and draining the `node:http` server of the HTTP transport. */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import { createServer as createHttpsServer } from "node:https";
import type { AddressInfo, Socket } from "node:net";
import { MAX_DURATION_MS } from "../config.js";
import { Code } from "../code.js";
import { httpsServerOptions, type ServerTls } from "../tls.js";
import type { HttpTranscoder } from "./server.js";
import { endSocketWithJson } from "./status-json.js";

/** Options of {@link serveHttp}. */
export interface ServeHttpOptions {
  host: string;
  /** 0 picks a free port. */
  port: number;
  transcoder: HttpTranscoder;
  /** Serve HTTPS (and require client certificates when it has a client CA); default plaintext. */
  tls?: ServerTls;
}

/** A running HTTP server. */
export interface HttpServerHandle {
  /** The bound port. */
  readonly port: number;
  /**
   * Stops accepting connections, lets requests and WebSocket sessions in flight finish for up
   * to `gracePeriodMs` (answers given meanwhile close their connections), then ends the sessions
   * left with UNAVAILABLE and cuts the rest.
   */
  shutdown(gracePeriodMs: number): Promise<void>;
}

/** Listens; resolves once the port is bound. */
export async function serveHttp(options: ServeHttpOptions): Promise<HttpServerHandle> {
  // A count, not a set of responses, and one shared listener: per-request work stays minimal.
  let inFlight = 0;
  let draining = false;
  let onIdle: (() => void) | undefined;
  const { transcoder } = options;
  // Requests and WebSocket sessions both count as calls in flight for the drain.
  const idle = () => inFlight === 0 && transcoder.openSessions() === 0;
  transcoder.onSessionEnd(() => {
    if (idle()) onIdle?.();
  });
  // A ServerResponse emits "close" once, whether it finished or its connection went away.
  const onResponseClose = () => {
    inFlight--;
    if (draining) server.closeIdleConnections();
    if (idle()) onIdle?.();
  };
  const handle = (request: IncomingMessage, response: ServerResponse) => {
    inFlight++;
    response.on("close", onResponseClose);
    // Keep-alive connections would outlive the drain; tell clients to reconnect elsewhere.
    if (draining) response.setHeader("connection", "close");
    transcoder.handleRequest(request, response);
  };
  // https.Server is a node:http Server underneath (same events, same connection closing).
  const server: Server = options.tls ? createHttpsServer(httpsServerOptions(options.tls), handle) : createServer(handle);
  server.on("upgrade", (request: IncomingMessage, socket: Socket, head: Buffer) => {
    // A kept-alive connection may still ask for a session while the server drains.
    if (draining) socket.destroy();
    else transcoder.handleUpgrade(request, socket, head);
  });
  server.on("clientError", (error: NodeJS.ErrnoException, socket: Socket) => answerMalformed(error, socket));
  await listen(server, options.host, options.port);
  const port = (server.address() as AddressInfo).port;
  return {
    port,
    shutdown: (gracePeriodMs) =>
      new Promise<void>((resolve) => {
        draining = true;
        let timer: NodeJS.Timeout | undefined;
        const done = () => {
          clearTimeout(timer);
          transcoder.closeSessions();
          server.closeAllConnections();
          resolve();
        };
        server.close();
        server.closeIdleConnections();
        if (idle()) return done();
        onIdle = done;
        if (gracePeriodMs <= MAX_DURATION_MS) timer = setTimeout(done, Math.max(0, gracePeriodMs || 0));
      }),
  };
}

/**
 * Requests Node's parser rejects (bad request line, oversized headers) still get a 4xx with a
 * `google.rpc.Status` body, like every other failure of this transport.
 */
function answerMalformed(error: NodeJS.ErrnoException, socket: Socket): void {
  if (!socket.writable) {
    socket.destroy();
    return;
  }
  const status = error.code === "HPE_HEADER_OVERFLOW" ? 431 : error.code === "ERR_HTTP_REQUEST_TIMEOUT" ? 408 : 400;
  const body = JSON.stringify({ code: Code.INVALID_ARGUMENT, message: `malformed HTTP request (${error.code ?? "parse error"})` });
  endSocketWithJson(socket, status, body);
}

function listen(server: Server, host: string, port: number): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, host, () => {
      server.off("error", reject);
      resolve();
    });
  });
}
