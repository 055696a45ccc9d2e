/**
 * The admin HTTP server every generated service runs beside its gRPC port: Prometheus metrics at
 * `/metrics`, liveness at `/healthz` (the process answers) and readiness at `/readyz` (it wants
 * traffic: false before start-up completes and from the moment shutdown begins).
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import type { Registry } from "prom-client";
import type { Logger } from "./logger.js";

/** Options of {@link serveAdmin}. */
export interface AdminServerOptions {
  host: string;
  /** 0 picks a free port. */
  port: number;
  /** Metrics served at `/metrics`. */
  registry: Registry;
  /** Whether `/readyz` answers 200 (else 503). */
  isReady: () => boolean;
  /** Where failures to render metrics are logged. */
  logger: Logger;
}

/** A running admin server. */
export interface AdminServerHandle {
  /** The bound port. */
  readonly port: number;
  /** Stops accepting connections and closes idle ones; resolves when all are closed. */
  close(): Promise<void>;
}

/** Starts the admin server; resolves once it listens. */
export async function serveAdmin(options: AdminServerOptions): Promise<AdminServerHandle> {
  const server = createServer((request, response) => void route(options, request, response));
  // Probes and scrapers open short connections; keep-alive would hold shutdown up.
  server.keepAliveTimeout = 1000;
  await listen(server, options.host, options.port);
  return {
    port: (server.address() as AddressInfo).port,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeIdleConnections();
      }),
  };
}

async function route(options: AdminServerOptions, request: IncomingMessage, response: ServerResponse): Promise<void> {
  const path = (request.url ?? "/").split("?", 1)[0];
  if (request.method !== "GET" && request.method !== "HEAD") return send(response, 405, "text/plain", "method not allowed\n", { allow: "GET, HEAD" });
  switch (path) {
    case "/healthz":
      return send(response, 200, "text/plain", "ok\n");
    case "/readyz":
      return options.isReady() ? send(response, 200, "text/plain", "ready\n") : send(response, 503, "text/plain", "not ready\n");
    case "/metrics":
      return sendMetrics(options, response);
    default:
      return send(response, 404, "text/plain", "not found: try /metrics, /healthz or /readyz\n");
  }
}

async function sendMetrics(options: AdminServerOptions, response: ServerResponse): Promise<void> {
  try {
    send(response, 200, options.registry.contentType, await options.registry.metrics());
  } catch (error) {
    options.logger.error({ err: error }, "rendering metrics failed");
    send(response, 500, "text/plain", "metrics unavailable\n");
  }
}

function send(response: ServerResponse, status: number, contentType: string, body: string, headers: Record<string, string> = {}): void {
  response.writeHead(status, { "content-type": contentType, "cache-control": "no-store", ...headers });
  response.end(response.req.method === "HEAD" ? undefined : body);
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
