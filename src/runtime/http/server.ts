/**
 * The HTTP/JSON transport: `google.api.http` bindings served on `node:http` from the same
 * endpoints (and so the same middleware) as gRPC. A router compiled once from every binding
 * finds the method; the request's path, query and body become its input message; the output
 * (or a stream of them, as NDJSON or Server-Sent Events) goes back as JSON or binary protobuf.
 * Every failure answers with a `google.rpc.Status` body: nothing a client sends can crash the
 * process or produce a 500 other than a handler's own INTERNAL error.
 */
import type { Registry } from "@bufbuild/protobuf";
import type { IncomingMessage, ServerResponse } from "node:http";
import type { Duplex } from "node:stream";
import { Code } from "../code.js";
import type { CallContext } from "../context.js";
import { logCauseTo, reportInternalErrors, safeReport } from "../error-report.js";
import { ServiceError } from "../errors.js";
import { silentLogger, type Logger } from "../logger.js";
import { streamsRequests, streamsResponses } from "../spec.js";
import { readBody } from "./body.js";
import { untilAborted } from "../abort.js";
import { createHttpCallState, type HttpCallState } from "./call-context.js";
import { HttpStatusError } from "./http-error.js";
import { HttpRouter, type RouteMatch } from "./router.js";
import { callRoutes, type CallRoute, type ServiceEndpoints } from "./routes.js";
import { errorHeaders, httpStatusOf, statusJson } from "./status-json.js";
import { decodeRequest, encodeResponse, jsonRegistry, type RequestParts } from "./transcode.js";
import { metadataHeaders, trailerHeaders } from "./headers.js";
import { streamResponses } from "./stream-response.js";
import { WebSocketCalls } from "./websocket.js";

/** Options of {@link createHttpTranscoder}. */
export interface HttpTranscoderOptions {
  readonly services: readonly ServiceEndpoints[];
  /** Every call's `ctx.logger`, and where transport failures are logged. Default: silent. */
  readonly logger?: Logger;
  /** Sees every error a call ends with (an INTERNAL one's `cause` is what was thrown). */
  readonly onError?: (error: ServiceError, ctx: CallContext | undefined) => void;
  /** Largest request body or WebSocket message; default 4 MiB. */
  readonly maxMessageBytes?: number;
  /** Serve `POST /<package>.<Service>/<Method>` for every method; default true. */
  readonly defaultRoutes?: boolean;
  /** Fixed documents served on GET beside the routes, e.g. `{ "/openapi.yaml": {...} }`. */
  readonly documents?: Documents;
}

/** Fixed documents by path. */
export type Documents = Readonly<Record<string, { contentType: string; body: string }>>;

/** Handles requests and WebSocket upgrades for a `node:http` server. */
export interface HttpTranscoder {
  handleRequest(request: IncomingMessage, response: ServerResponse): void;
  handleUpgrade(request: IncomingMessage, socket: Duplex, head: Buffer): void;
  /** Ends open WebSocket sessions (status UNAVAILABLE); used at the end of a drain. */
  closeSessions(): void;
  /** How many WebSocket sessions are open. */
  openSessions(): number;
  /** Called after each WebSocket session closes. */
  onSessionEnd(listener: () => void): void;
}

/** What every request shares. */
export interface Transcoding {
  readonly router: HttpRouter<CallRoute>;
  readonly registry: Registry;
  readonly logger: Logger;
  readonly maxMessageBytes: number;
  readonly report: (error: ServiceError, ctx: CallContext | undefined) => void;
}

const DEFAULT_MAX_MESSAGE_BYTES = 4 * 1024 * 1024;

/** Compiles the routes of all services; throws on a template the router cannot take. */
export function createHttpTranscoder(options: HttpTranscoderOptions): HttpTranscoder {
  const logger = options.logger ?? silentLogger();
  const files = options.services.flatMap((s) => (s.spec.file ? [s.spec.file] : []));
  const transcoding: Transcoding = {
    router: new HttpRouter(callRoutes(options.services, options.defaultRoutes ?? true)),
    registry: jsonRegistry(files),
    logger,
    maxMessageBytes: options.maxMessageBytes ?? DEFAULT_MAX_MESSAGE_BYTES,
    report: options.onError ?? reportInternalErrors(logCauseTo(logger)),
  };
  const sessions = new WebSocketCalls(transcoding);
  const documents = options.documents ?? {};
  return {
    handleRequest: (request, response) => {
      try {
        serveRequest(transcoding, documents, request, response);
      } catch (error) {
        lastResort(logger, response, error);
      }
    },
    handleUpgrade: (request, socket, head) => sessions.upgrade(request, socket, head),
    closeSessions: () => sessions.closeAll(),
    openSessions: () => sessions.openCount,
    onSessionEnd: (listener) => sessions.onSessionEnd(listener),
  };
}

/** Routes a request; what cannot be answered at once goes on in {@link serveCall}. */
function serveRequest(t: Transcoding, documents: Documents, request: IncomingMessage, response: ServerResponse): void {
  const url = request.url ?? "/";
  // Most calls have no query string: no URLSearchParams for them.
  const at = url.indexOf("?");
  const path = at < 0 ? url : url.slice(0, at);
  const query = at < 0 ? undefined : new URLSearchParams(url.slice(at + 1));
  let match: RouteMatch<CallRoute>;
  try {
    // Throws INVALID_ARGUMENT for a path that is not valid percent-encoded UTF-8.
    match = t.router.match(request.method ?? "GET", path);
  } catch (error) {
    return sendError(t, response, ServiceError.from(error), undefined);
  }
  if (match.kind !== "found") {
    const document = documents[path];
    if (document && (request.method === "GET" || request.method === "HEAD")) return sendDocument(response, document);
    return sendError(t, response, routeError(match, request.method ?? "GET", path), undefined);
  }
  const route = match.target;
  if (streamsRequests(route.method)) {
    const error = new HttpStatusError(426, Code.FAILED_PRECONDITION, `${route.method.path} streams requests: open a WebSocket on this path`, { headers: { upgrade: "websocket" } });
    return sendError(t, response, error, undefined);
  }
  serveCall(t, route, match.variables, query, request, response);
}

/**
 * Reads, decodes and answers one call. Throws nothing and leaves no promise to reject (no
 * `.catch` promise and closure per request): a failure is answered by {@link answerFailure}.
 */
function serveCall(t: Transcoding, route: CallRoute, variables: RequestParts["variables"], query: URLSearchParams | undefined, request: IncomingMessage, response: ServerResponse): void {
  let state: HttpCallState | undefined;
  try {
    state = createHttpCallState(request, route.method, t.logger);
    state.watch(response);
  } catch (thrown) {
    answerFailure(t, response, thrown, state);
    state?.dispose();
    return;
  }
  const call = state;
  readBody(request, t.maxMessageBytes, (error, body) => {
    if (error !== undefined) {
      answerFailure(t, response, error, call);
      call.dispose();
      return;
    }
    void answerCall(t, route, { variables, query, body, contentType: request.headers["content-type"] }, call, request, response);
  });
}

/** The rest of a call once its body is read: decode, run the endpoint, answer. Never rejects. */
async function answerCall(t: Transcoding, route: CallRoute, parts: RequestParts, state: HttpCallState, request: IncomingMessage, response: ServerResponse): Promise<void> {
  try {
    const input = decodeRequest(route.descriptor, route.rule, parts, t.registry);
    const pending = route.endpoint(state.ctx, input);
    // A handler that ignores its signal must not hold a call past its deadline; without one,
    // waiting for it costs nothing (a client that left gets no answer either way).
    const output = state.ctx.deadline === undefined ? await pending : await untilAborted(pending, state.ctx.signal);
    if (streamsResponses(route.method)) await streamResponses(t, route, state, request, response, output as AsyncIterable<unknown>);
    else sendMessage(t, route, state.ctx, request, response, output);
  } catch (thrown) {
    answerFailure(t, response, thrown, state);
  } finally {
    state.dispose();
  }
}

/** Answers a failed call with {@link settle}; a failure of that goes to {@link lastResort}. */
function answerFailure(t: Transcoding, response: ServerResponse, thrown: unknown, state: HttpCallState | undefined): void {
  try {
    settle(t, response, thrown, state);
  } catch (error) {
    lastResort(t.logger, response, error);
  }
}

function sendMessage(t: Transcoding, route: CallRoute, ctx: CallContext, request: IncomingMessage, response: ServerResponse, output: unknown): void {
  // The client left while the handler ran: nobody reads an answer.
  if (response.destroyed) return;
  const encoded = encodeResponse(route.descriptor, route.rule, output as never, request.headers.accept, t.registry);
  const length = typeof encoded.body === "string" ? Buffer.byteLength(encoded.body) : encoded.body.byteLength;
  const metadata = responseMetadataHeaders(ctx);
  // The usual answer carries no metadata: a literal of two headers, no spread to copy.
  response.writeHead(200, metadata === undefined ? { "content-type": encoded.contentType, "content-length": length } : { ...metadata, "content-type": encoded.contentType, "content-length": length });
  response.end(encoded.body);
}

/** Response headers and trailers of a call answered in one response; none, cheaply, in the usual case. */
function responseMetadataHeaders(ctx: CallContext): Record<string, string[]> | undefined {
  if (ctx.responseHeader.size === 0 && ctx.responseTrailer.size === 0) return undefined;
  return { ...metadataHeaders(ctx.responseHeader), ...trailerHeaders(ctx.responseTrailer) };
}

/**
 * Answers a failed call, unless the client is gone (nobody to answer) or the response has begun
 * (a stream: its own final frame carries the status).
 */
function settle(t: Transcoding, response: ServerResponse, thrown: unknown, state: HttpCallState | undefined): void {
  const error = ServiceError.from(thrown);
  if (response.headersSent || response.destroyed) return;
  if (state && state.aborted && error.code === Code.CANCELLED) return;
  sendError(t, response, error, state?.ctx);
}

/** Writes an error response: the code's HTTP status and the Status as JSON. */
export function sendError(t: Transcoding, response: ServerResponse, error: ServiceError, ctx: CallContext | undefined): void {
  safeReport(t.report, error, ctx);
  const body = JSON.stringify(statusJson(error, t.registry));
  response.writeHead(httpStatusOf(error), {
    ...(ctx ? responseMetadataHeaders(ctx) : undefined),
    ...errorHeaders(error),
    "content-type": "application/json",
    "content-length": String(Buffer.byteLength(body)),
    // A body left unread (413) would otherwise be parsed as the next request.
    ...(error instanceof HttpStatusError && error.httpStatus === 413 ? { connection: "close" } : {}),
  });
  response.end(body);
}

function routeError(match: Exclude<RouteMatch<CallRoute>, { kind: "found" }>, method: string, path: string): ServiceError {
  if (match.kind === "method_not_allowed") {
    return new HttpStatusError(405, Code.UNIMPLEMENTED, `${method} is not allowed on ${path} (allowed: ${match.allow.join(", ")})`, { headers: { allow: match.allow.join(", ") } });
  }
  return new HttpStatusError(404, Code.NOT_FOUND, `no route for ${method} ${path}`);
}

/** The path (still percent-encoded) and the parsed query of a request target. */
export function splitUrl(url: string): { path: string; query: URLSearchParams } {
  const at = url.indexOf("?");
  return at < 0 ? { path: url, query: new URLSearchParams() } : { path: url.slice(0, at), query: new URLSearchParams(url.slice(at + 1)) };
}

function sendDocument(response: ServerResponse, document: { contentType: string; body: string }): void {
  response.writeHead(200, { "content-type": document.contentType, "content-length": String(Buffer.byteLength(document.body)) });
  response.end(document.body);
}

// Only a bug in this module gets here; the process must survive it.
function lastResort(logger: Logger, response: ServerResponse, error: unknown): void {
  logger.error({ err: error }, "HTTP transport failed unexpectedly");
  if (!response.headersSent) {
    response.writeHead(500, { "content-type": "application/json" });
    response.end(JSON.stringify({ code: Code.INTERNAL, message: "internal error" }));
  } else response.destroy();
}
