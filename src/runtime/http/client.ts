/**
 * A typed client over the HTTP/JSON transport (`google.api.http` bindings), on `fetch`: the same
 * {@link RpcConnection} as GrpcConnection, so generated clients, middleware (metrics, tracing)
 * and call options work alike. Unary calls are one request; server streams read NDJSON as it
 * arrives; client and bidi streams go over a WebSocket (see client-ws.ts).
 */
import type { MethodSpec } from "../spec.js";
import { Code } from "../code.js";
import { RemoteServiceError } from "../errors.js";
import { Metadata } from "../metadata.js";
import type { CallOptions } from "../grpc/client-call.js";
import { DEFAULT_MAX_MESSAGE_BYTES } from "../grpc/limits.js";
import { chainClient, inheritParent, type ClientEndpoint, type ClientMiddleware, type OutgoingCall } from "../outgoing.js";
import { withClientPolicies, type ClientPolicyOptions } from "../policy/client.js";
import { ChainedConnection } from "../rpc-connection.js";
import { tlsConnectOptions, type ClientTls } from "../tls.js";
import type { Agent } from "undici";
import type { ConnectionOptions } from "node:tls";
import { CallScope } from "./client-call.js";
import { acceptHeader, buildRequest, clientBinding, decodeResponse, type ClientBinding } from "./client-request.js";
import { callHeaders, errorFromResponse, metadataFromHeaders, responsesOfFrames } from "./client-wire.js";
import { webSocketCall } from "./client-ws.js";
import { readBody, readLines } from "./ndjson-reader.js";
import { loadModule } from "../lazy-module.js";

/** Options of an {@link HttpConnection}. */
export interface HttpConnectionOptions {
  /** Wraps every call, unary or streaming (metrics, tracing, ...); the first is the outermost. */
  middleware?: readonly ClientMiddleware[];
  /**
   * How the contract's policies (timeout, retry, circuit breaker) apply to calls: with `POLICIES`
   * overrides, or `false` for none. Default: the generated policies, no overrides. They run
   * inside `middleware`, so middleware sees each call once, around all its attempts.
   */
  policies?: ClientPolicyOptions | false;
  /** The fetch to use; default: the global one (undici). */
  fetch?: typeof fetch;
  /** Headers sent with every request (call metadata wins over them). */
  headers?: Record<string, string>;
  /** Largest response message (or NDJSON line) accepted, and largest request sent. Default 4 MiB. */
  maxMessageBytes?: number;
  /** Send and receive `application/x-protobuf` instead of JSON where the binding allows. */
  binary?: boolean;
  /**
   * For an `https:` URL: the CA that signed the server's certificate and, for mutual TLS, this
   * client's certificate and key. Calls then go through an undici Agent made for them (unless
   * `fetch` is given, which then must do this itself); WebSocket calls use them too.
   */
  tls?: ClientTls;
}

/** A connection to one HTTP base URL, e.g. `http://127.0.0.1:8080`. */
export class HttpConnection extends ChainedConnection {
  readonly #baseUrl: string;
  readonly #fetch: typeof fetch;
  readonly #defaults: Record<string, string>;
  readonly #maxBytes: number;
  readonly #binary: boolean;
  readonly #invoke: ClientEndpoint;
  readonly #tls: ConnectionOptions | undefined;
  readonly #agent: Agent | undefined;
  #closed = false;

  /** Nothing happens on the network before the first call. */
  constructor(baseUrl: string, options: HttpConnectionOptions = {}) {
    super();
    this.#baseUrl = baseUrl.replace(/\/+$/, "");
    this.#tls = options.tls && tlsConnectOptions(options.tls);
    const undici = this.#tls && !options.fetch ? loadUndici() : undefined;
    this.#agent = undici && new undici.Agent({ connect: this.#tls });
    this.#fetch = options.fetch ?? (undici && this.#agent ? agentFetch(undici, this.#agent) : globalThis.fetch);
    this.#defaults = options.headers ?? {};
    this.#maxBytes = options.maxMessageBytes ?? DEFAULT_MAX_MESSAGE_BYTES;
    this.#binary = options.binary ?? false;
    this.#invoke = chainClient(withClientPolicies(options.middleware, options.policies), (call, input) => this.#call(call, input));
  }

  /** Makes one call through the client middleware. */
  protected send(method: MethodSpec, input: unknown, options: CallOptions): Promise<unknown> {
    return this.#invoke(this.#outgoing(method, options), input);
  }

  /** Later calls fail with UNAVAILABLE; calls in flight finish (fetch keeps no channel to close). */
  close(): void {
    this.#closed = true;
    // Lets calls in flight finish, then frees the TLS connections.
    void this.#agent?.close();
  }

  #outgoing(method: MethodSpec, options: CallOptions): OutgoingCall {
    return { method, target: this.#baseUrl, options: inheritParent(options) };
  }

  /** The innermost endpoint. Streams are returned unstarted: they begin on first iteration. */
  #call(call: OutgoingCall, input: unknown): Promise<unknown> {
    const { method, options } = call;
    switch (method.kind) {
      case "unary":
        return this.#unary(method, input, options);
      case "server_streaming":
        return Promise.resolve(this.#serverStream(method, input, options));
      case "client_streaming":
        return this.#lastOf(this.#webSocket(method, input as AsyncIterable<unknown>, options));
      case "bidi_streaming":
        return Promise.resolve(this.#webSocket(method, input as AsyncIterable<unknown>, options));
    }
  }

  async #unary(method: MethodSpec, request: unknown, options: CallOptions): Promise<unknown> {
    const binding = this.#binding(method);
    const scope = new CallScope(options);
    let trailers = new Metadata();
    try {
      const response = await this.#send(binding, method, request, options, scope, acceptHeader(binding, this.#binary));
      trailers = metadataFromHeaders(response.headers, "grpc-trailer-");
      const bytes = await readBody(response.body, this.#maxBytes);
      if (!response.ok) throw errorFromResponse(response.status, new TextDecoder().decode(bytes), trailers, binding.registry);
      scope.hook(options.onTrailer, trailers);
      return decodeResponse(binding, bytes, response.headers.get("content-type") ?? "application/json");
    } catch (error) {
      const failure = scope.error(error);
      if (failure.code !== Code.CANCELLED && failure.code !== Code.DEADLINE_EXCEEDED) callHook(options.onTrailer, trailers);
      throw failure;
    } finally {
      scope.done();
    }
  }

  async *#serverStream(method: MethodSpec, request: unknown, options: CallOptions): AsyncGenerator<unknown> {
    const binding = this.#binding(method);
    const scope = new CallScope(options);
    let finished = false;
    try {
      const response = await this.#send(binding, method, request, options, scope, "application/x-ndjson");
      const trailers = metadataFromHeaders(response.headers, "grpc-trailer-");
      if (!response.ok) throw errorFromResponse(response.status, new TextDecoder().decode(await readBody(response.body, this.#maxBytes)), trailers, binding.registry);
      const lines = readLines(response.body ?? new ReadableStream(), this.#maxBytes);
      yield* responsesOfFrames(lines, binding, () => trailers, (received) => {
        finished = true;
        scope.hook(options.onTrailer, received);
      });
      finished = true;
    } catch (error) {
      finished = true;
      throw scope.error(error);
    } finally {
      // The caller left the loop early: stop the response (the server sees a disconnect).
      if (!finished) scope.abort();
      scope.done();
    }
  }

  #webSocket(method: MethodSpec, requests: AsyncIterable<unknown>, options: CallOptions): AsyncGenerator<unknown> {
    const binding = this.#binding(method);
    const headers = this.#headers(options, undefined);
    return webSocketCall({ baseUrl: this.#baseUrl, binding, method, requests, options, headers, maxBytes: this.#maxBytes, binary: this.#binary, ...(this.#tls ? { tls: this.#tls } : {}) });
  }

  /** The single response of a client stream. */
  async #lastOf(responses: AsyncIterable<unknown>): Promise<unknown> {
    let last: unknown;
    let count = 0;
    for await (const response of responses) {
      last = response;
      count++;
    }
    if (count !== 1) throw new RemoteServiceError(Code.INTERNAL, `expected one response, got ${count}`);
    return last;
  }

  /** Sends the request and hands the response headers to `onHeader`. */
  async #send(binding: ClientBinding, method: MethodSpec, request: unknown, options: CallOptions, scope: CallScope, accept: string): Promise<Response> {
    const parts = buildRequest(binding, method.input.create(request) as object, this.#binary);
    const size = typeof parts.body === "string" ? Buffer.byteLength(parts.body) : (parts.body?.byteLength ?? 0);
    if (size > this.#maxBytes) throw new RemoteServiceError(Code.RESOURCE_EXHAUSTED, `request message larger than max (${size} vs. ${this.#maxBytes})`);
    const headers = this.#headers(options, scope.deadline);
    headers.set("accept", accept);
    if (parts.contentType !== undefined) headers.set("content-type", parts.contentType);
    const response = await this.#fetch(this.#baseUrl + parts.target, { method: parts.method, headers, body: parts.body, signal: scope.signal });
    scope.hook(options.onHeader, metadataFromHeaders(response.headers, "grpc-metadata-"));
    return response;
  }

  #headers(options: CallOptions, deadline: Date | undefined): Headers {
    const headers = new Headers(this.#defaults);
    callHeaders(new Metadata(options.metadata), deadline).forEach((value, name) => headers.append(name, value));
    return headers;
  }

  /** The method's binding, or a local error: after close(), UNAVAILABLE; without a descriptor, INTERNAL. */
  #binding(method: MethodSpec): ClientBinding {
    if (this.#closed) throw new RemoteServiceError(Code.UNAVAILABLE, "connection closed");
    return clientBinding(method);
  }
}

/**
 * undici's own fetch with the Agent: an Agent from the undici package is only certain to work
 * with the fetch of the same package (Node's global fetch bundles its own undici copy).
 */
function agentFetch(undici: typeof import("undici"), agent: Agent): typeof fetch {
  return ((input: string, init: RequestInit) => undici.fetch(input, { ...(init as object), dispatcher: agent })) as unknown as typeof fetch;
}

/**
 * The undici package, loaded only by a connection that needs its Agent (TLS settings): loading
 * it costs about 50 ms of every service's start-up otherwise. Synchronous (undici is CommonJS),
 * so the constructor stays synchronous.
 */
function loadUndici(): typeof import("undici") {
  return loadModule<typeof import("undici")>("undici");
}

function callHook(hook: ((metadata: Metadata) => void) | undefined, metadata: Metadata): void {
  try {
    hook?.(metadata);
  } catch {
    // The call already failed; that error is the one to report.
  }
}
