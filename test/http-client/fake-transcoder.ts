/**
 * FakeHttpTranscoder: a tiny test-only node:http server (with a `ws` WebSocket endpoint) that
 * answers as the wire contract says, scripted per test, so the HTTP client can be tested end to
 * end before the real server exists. It records every request it receives.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { WebSocketServer, type WebSocket } from "ws";

/** One request as the fake received it. */
export interface ReceivedRequest {
  method: string;
  url: string;
  headers: IncomingMessage["headers"];
  body: Buffer;
}

/** Answers one HTTP request; the body has been read. */
export type FakeHandler = (request: ReceivedRequest, response: ServerResponse) => void | Promise<void>;

/** Serves one WebSocket call; `request` is the upgrade request. */
export type FakeSocketHandler = (socket: WebSocket, request: IncomingMessage) => void;

/** A running fake; {@link FakeHttpTranscoder.close} stops it (every test that starts one closes it). */
export class FakeHttpTranscoder {
  readonly requests: ReceivedRequest[] = [];
  /** Resolves when a response the fake was writing is closed by the client. */
  readonly clientGone: Promise<void>;
  #server: Server;
  #sockets: WebSocketServer;
  #gone!: () => void;

  private constructor(handler: FakeHandler, onSocket: FakeSocketHandler | undefined) {
    this.clientGone = new Promise((resolve) => (this.#gone = resolve));
    this.#server = createServer((req, res) => void this.#serve(handler, req, res));
    this.#sockets = new WebSocketServer({ noServer: true });
    this.#server.on("upgrade", (req, socket, head) => {
      if (!onSocket) {
        // No streaming here: refuse the upgrade the way the contract answers any error.
        const body = JSON.stringify({ code: 5, message: `no route for GET ${req.url}` });
        return socket.end(`HTTP/1.1 404 Not Found\r\ncontent-type: application/json\r\ncontent-length: ${Buffer.byteLength(body)}\r\n\r\n${body}`);
      }
      this.requests.push({ method: req.method ?? "", url: req.url ?? "", headers: req.headers, body: Buffer.alloc(0) });
      this.#sockets.handleUpgrade(req, socket, head, (ws) => onSocket(ws, req));
    });
  }

  /** Starts a fake on 127.0.0.1 and a free port. */
  static async start(handler: FakeHandler, onSocket?: FakeSocketHandler): Promise<FakeHttpTranscoder> {
    const fake = new FakeHttpTranscoder(handler, onSocket);
    await new Promise<void>((resolve) => fake.#server.listen(0, "127.0.0.1", resolve));
    return fake;
  }

  /** `http://127.0.0.1:<port>`. */
  get url(): string {
    return `http://127.0.0.1:${(this.#server.address() as AddressInfo).port}`;
  }

  async close(): Promise<void> {
    for (const client of this.#sockets.clients) client.terminate();
    this.#sockets.close();
    this.#server.closeAllConnections();
    await new Promise<void>((resolve) => this.#server.close(() => resolve()));
  }

  async #serve(handler: FakeHandler, req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const request = { method: req.method ?? "", url: req.url ?? "", headers: req.headers, body: Buffer.concat(chunks) };
    this.requests.push(request);
    res.on("close", () => {
      if (!res.writableFinished) this.#gone();
    });
    await handler(request, res);
  }
}

/** Writes a JSON response. */
export function sendJson(response: ServerResponse, status: number, json: unknown, headers: Record<string, string> = {}): void {
  response.writeHead(status, { "content-type": "application/json", ...headers });
  response.end(JSON.stringify(json));
}
