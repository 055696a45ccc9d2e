/**
 * Client-streaming and bidirectional calls (and, optionally, server-streaming ones) over
 * WebSocket, with the `ws` package. The upgrade request's path picks the binding (whatever its
 * HTTP method: browsers can only upgrade a GET) and its headers give the metadata. Frames:
 * client -> server, one request message per frame (JSON text, or binary protobuf), an empty text
 * frame to end the requests; server -> client, `{"result": ...}` per response, then
 * `{"status": ...}` and a normal close. Closing the socket early cancels the call.
 */
import type { Message } from "@bufbuild/protobuf";
import type { IncomingMessage } from "node:http";
import type { Duplex } from "node:stream";
import type { RawData, WebSocket, WebSocketServer } from "ws";
import { Code } from "../code.js";
import { safeReport } from "../error-report.js";
import { ServiceError } from "../errors.js";
import { streamsRequests, streamsResponses } from "../spec.js";
import { untilAborted } from "../abort.js";
import { createHttpCallState, type HttpCallState } from "./call-context.js";
import { HttpStatusError } from "./http-error.js";
import { MessageQueue } from "./message-queue.js";
import type { RouteMatch } from "./router.js";
import type { CallRoute } from "./routes.js";
import { splitUrl, type Transcoding } from "./server.js";
import { endSocketWithJson, errorHeaders, httpStatusOf, statusJson } from "./status-json.js";
import { forEachResponse, responseJsonText } from "./stream-response.js";
import { decodeRequest } from "./transcode.js";
import { wsModule } from "./ws-module.js";

type Found = Extract<RouteMatch<CallRoute>, { kind: "found" }>;

/** Accepts upgrades and runs one call per socket. */
export class WebSocketCalls {
  /** Made on the first upgrade: most servers never see one, and `ws` is loaded only then. */
  #server: WebSocketServer | undefined;
  readonly #open = new Set<WebSocket>();
  #onSessionEnd: () => void = () => {};

  constructor(private readonly t: Transcoding) {}

  /** Handles an `upgrade` event of the HTTP server. */
  upgrade(request: IncomingMessage, socket: Duplex, head: Buffer): void {
    const { path, query } = splitUrl(request.url ?? "/");
    let match: Found | undefined;
    try {
      match = this.#streamingRoute(request.method ?? "GET", path);
    } catch (error) {
      return refuse(this.t, socket, ServiceError.from(error));
    }
    if (match === undefined) return refuse(this.t, socket, new HttpStatusError(404, Code.NOT_FOUND, `no streaming method at ${path}`));
    let state: HttpCallState;
    try {
      state = createHttpCallState(request, match.target.method, this.t.logger);
    } catch (error) {
      return refuse(this.t, socket, ServiceError.from(error));
    }
    const found = match;
    this.#server ??= new (wsModule().WebSocketServer)({ noServer: true, maxPayload: this.t.maxMessageBytes });
    this.#server.handleUpgrade(request, socket, head, (ws) => {
      this.#open.add(ws);
      ws.once("close", () => {
        this.#open.delete(ws);
        this.#onSessionEnd();
      });
      void this.#run(ws, found, query, state).finally(() => state.dispose());
    });
  }

  /** How many sessions are open. */
  get openCount(): number {
    return this.#open.size;
  }

  /** Called after each session closes (the drain waits for the last one). */
  onSessionEnd(listener: () => void): void {
    this.#onSessionEnd = listener;
  }

  /** Ends every open session with UNAVAILABLE (the server is going away). */
  closeAll(): void {
    const body = JSON.stringify({ status: statusJson(new ServiceError(Code.UNAVAILABLE, "server shutting down"), this.t.registry) });
    for (const ws of this.#open) {
      ws.send(body, () => ws.close(1001));
    }
  }

  /** The binding at `path` under any HTTP method, if its method streams. */
  #streamingRoute(method: string, path: string): Found | undefined {
    const first = this.t.router.match(method, path);
    const candidates = first.kind === "method_not_allowed" ? first.allow.map((m) => this.t.router.match(m, path)) : [first];
    return candidates.find((m): m is Found => m.kind === "found" && (streamsRequests(m.target.method) || streamsResponses(m.target.method)));
  }

  async #run(ws: WebSocket, match: Found, query: URLSearchParams, state: HttpCallState): Promise<void> {
    const route = match.target;
    const { ctx } = state;
    const requests = new MessageQueue<Message>(ws);
    ws.on("message", (data, isBinary) => this.#receive(requests, route, match, query, data, isBinary));
    ws.once("close", () => {
      requests.fail(new ServiceError(Code.CANCELLED, "client closed the WebSocket"));
      state.abort(new ServiceError(Code.CANCELLED, "client closed the WebSocket"));
    });
    try {
      const input = streamsRequests(route.method) ? requests : await firstOf(requests);
      const output = await untilAborted(route.endpoint(ctx, input), ctx.signal);
      if (streamsResponses(route.method)) await forEachResponse(output as AsyncIterable<unknown>, ctx.signal, (message) => send(ws, this.#resultFrame(route, message)));
      else await send(ws, this.#resultFrame(route, output));
      finish(ws, { status: statusJson(undefined, this.t.registry) });
    } catch (thrown) {
      const error = ServiceError.from(thrown);
      if (ws.readyState !== ws.OPEN) return;
      safeReport(this.t.report, error, ctx);
      finish(ws, { status: statusJson(error, this.t.registry) });
    }
  }

  #receive(requests: MessageQueue<Message>, route: CallRoute, match: Found, query: URLSearchParams, data: RawData, isBinary: boolean): void {
    const bytes = toBytes(data);
    if (!isBinary && bytes.byteLength === 0) return requests.end();
    try {
      const contentType = isBinary ? "application/x-protobuf" : "application/json";
      requests.push(decodeRequest(route.descriptor, route.rule, { variables: match.variables, query, body: bytes, contentType }, this.t.registry));
    } catch (error) {
      requests.fail(ServiceError.from(error));
    }
  }

  #resultFrame(route: CallRoute, message: unknown): string {
    return `{"result":${responseJsonText(this.t, route, message)}}`;
  }
}

/** The one request of a server-streaming call sent over a WebSocket. */
async function firstOf(requests: AsyncIterable<Message>): Promise<Message> {
  for await (const request of requests) return request;
  throw new ServiceError(Code.INVALID_ARGUMENT, "the WebSocket ended before the request message");
}

/** Sends a frame and waits until `ws` has handed it to the socket (backpressure). */
function send(ws: WebSocket, frame: string): Promise<void> {
  return new Promise((resolve, reject) => {
    ws.send(frame, (error) => (error ? reject(new ServiceError(Code.CANCELLED, "client closed the WebSocket", { cause: error })) : resolve()));
  });
}

function finish(ws: WebSocket, frame: object): void {
  if (ws.readyState !== ws.OPEN) return;
  ws.send(JSON.stringify(frame), () => ws.close(1000));
}

function toBytes(data: RawData): Uint8Array {
  if (Array.isArray(data)) return Buffer.concat(data);
  return data instanceof ArrayBuffer ? new Uint8Array(data) : data;
}

/** Answers an upgrade that cannot be accepted with a plain HTTP error and closes the socket. */
function refuse(t: Transcoding, socket: Duplex, error: ServiceError): void {
  endSocketWithJson(socket, httpStatusOf(error), JSON.stringify(statusJson(error, t.registry)), errorHeaders(error));
}
