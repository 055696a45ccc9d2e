/**
 * A typed gRPC client over one grpc-js channel. Methods are described by {@link MethodSpec}, so
 * the same connection calls any service; errors always surface as {@link RemoteServiceError}
 * (or as the ServiceError a caller aborted with).
 */
import * as grpc from "@grpc/grpc-js";
import type { MethodSpec } from "../spec.js";
import { Code } from "../code.js";
import { RemoteServiceError } from "../errors.js";
import {
  abortedBeforeStart,
  grpcCallArgs,
  localError,
  pumpRequests,
  receiveResponses,
  trackCall,
  type CallOptions,
} from "./client-call.js";
import { CHANNELZ_OFF } from "./channelz.js";
import { messageSizeOptions } from "./limits.js";
import { chainClient, inheritParent, type ClientEndpoint, type ClientMiddleware, type OutgoingCall } from "../outgoing.js";
import { grpcMethodDefinition } from "./streams.js";
import { ChainedConnection } from "../rpc-connection.js";
import { grpcChannelCredentials, type ClientTls } from "../tls.js";
import { withClientPolicies, type ClientPolicyOptions } from "../policy/client.js";

/** Options of a {@link GrpcConnection}. */
export interface GrpcConnectionOptions {
  /** Default: insecure (plaintext), for use inside a trusted network or behind a mesh; wins over `tls`. */
  credentials?: grpc.ChannelCredentials;
  /** TLS to the server: its CA and, for mutual TLS, this client's certificate and key. */
  tls?: ClientTls;
  /** grpc-js channel options; they win over the defaults (message size limits, channelz off: see grpc/channelz.ts). */
  channelOptions?: grpc.ChannelOptions;
  /** Wraps every call, unary or streaming (metrics, tracing, ...); the first is the outermost. */
  middleware?: readonly ClientMiddleware[];
  /**
   * How the contract's policies (timeout, retry, circuit breaker) apply to calls: with `POLICIES`
   * overrides, or `false` for none. Default: the generated policies, no overrides. They run
   * inside `middleware`, so middleware sees each call once, around all its attempts.
   */
  policies?: ClientPolicyOptions | false;
}

/** A connection to one gRPC address (`host:port`, `dns:///name:port`, `unix:/path`). */
export class GrpcConnection extends ChainedConnection {
  readonly #client: grpc.Client;
  readonly #target: string;
  readonly #definitions = new WeakMap<MethodSpec, grpc.MethodDefinition<unknown, unknown>>();
  /** The middleware chain around {@link GrpcConnection.#call} (the call itself without middleware). */
  readonly #invoke: ClientEndpoint;
  #closed = false;

  /** Connects lazily: nothing happens on the network before the first call. */
  constructor(address: string, options: GrpcConnectionOptions = {}) {
    super();
    const credentials = options.credentials ?? (options.tls ? grpcChannelCredentials(options.tls) : grpc.credentials.createInsecure());
    this.#client = new grpc.Client(address, credentials, { ...messageSizeOptions(), ...CHANNELZ_OFF, ...options.channelOptions });
    this.#target = address;
    this.#invoke = chainClient(withClientPolicies(options.middleware, options.policies), (call, input) => this.#call(call, input));
  }

  /** Makes one call through the client middleware. */
  protected send(method: MethodSpec, input: unknown, options: CallOptions): Promise<unknown> {
    return this.#invoke(this.#outgoing(method, options), input);
  }

  /** The call as middleware sees it, with the parent's deadline and cancellation folded in. */
  #outgoing(method: MethodSpec, options: CallOptions): OutgoingCall {
    return { method, target: this.#target, options: inheritParent(options) };
  }

  /**
   * The innermost client endpoint: the call itself, whatever its kind. Streams are returned
   * unstarted (generators start on first iteration), so a streaming call still begins when the
   * caller starts reading.
   */
  #call(call: OutgoingCall, input: unknown): Promise<unknown> {
    const { method, options } = call;
    switch (method.kind) {
      case "unary":
        return this.#unary(method, input, options);
      case "server_streaming":
        return Promise.resolve(this.#serverStream(method, input, options));
      case "client_streaming":
        return this.#clientStream(method, input as AsyncIterable<unknown>, options);
      case "bidi_streaming":
        return Promise.resolve(this.#bidiStream(method, input as AsyncIterable<unknown>, options));
    }
  }

  #unary<O>(method: MethodSpec, request: unknown, options: CallOptions): Promise<O> {
    return new Promise<O>((resolve, reject) => {
      // grpc-js reports results asynchronously, so `tracker` is set by the time the callback runs.
      const call = this.#start(method, options, (a) =>
        this.#client.makeUnaryRequest(a.path, a.serialize, a.deserialize, request, a.metadata, a.callOptions, (error, response) =>
          error ? reject(tracker.toError(error)) : resolve(response as O),
        ),
      );
      const tracker = trackCall(call, options);
    });
  }

  async *#serverStream<O>(method: MethodSpec, request: unknown, options: CallOptions): AsyncGenerator<O> {
    const call = this.#start(method, options, (a) =>
      this.#client.makeServerStreamRequest(a.path, a.serialize, a.deserialize, request, a.metadata, a.callOptions),
    );
    yield* receiveResponses<O>(call, trackCall(call, options));
  }

  #clientStream<O>(method: MethodSpec, requests: AsyncIterable<unknown>, options: CallOptions): Promise<O> {
    return new Promise<O>((resolve, reject) => {
      const call = this.#start(method, options, (a) =>
        this.#client.makeClientStreamRequest(a.path, a.serialize, a.deserialize, a.metadata, a.callOptions, (error, response) =>
          error ? reject(tracker.toError(error)) : resolve(response as O),
        ),
      );
      const tracker = trackCall(call, options);
      void pumpRequests(call, requests, tracker);
    });
  }

  async *#bidiStream<O>(method: MethodSpec, requests: AsyncIterable<unknown>, options: CallOptions): AsyncGenerator<O> {
    const call = this.#start(method, options, (a) =>
      this.#client.makeBidiStreamRequest(a.path, a.serialize, a.deserialize, a.metadata, a.callOptions),
    );
    const tracker = trackCall(call, options);
    void pumpRequests(call, requests, tracker);
    yield* receiveResponses<O>(call, tracker);
  }

  /** Closes the channel. Calls in flight still finish; later calls fail with UNAVAILABLE. */
  close(): void {
    this.#closed = true;
    this.#client.close();
  }

  // Built once per method, not per call: calls are the hot path.
  #definition(method: MethodSpec): grpc.MethodDefinition<unknown, unknown> {
    let def = this.#definitions.get(method);
    if (!def) this.#definitions.set(method, (def = grpcMethodDefinition(method)));
    return def;
  }

  /**
   * Starts a call with `open`, or throws a ServiceError: CANCELLED for an already aborted signal,
   * UNAVAILABLE after close(), INTERNAL for what grpc-js rejects up front (e.g. bad metadata).
   */
  #start<C>(method: MethodSpec, options: CallOptions, open: (args: StartArgs) => C): C {
    const aborted = abortedBeforeStart(options);
    if (aborted) throw aborted;
    if (this.#closed) throw new RemoteServiceError(Code.UNAVAILABLE, "connection closed");
    const def = this.#definition(method);
    try {
      const { metadata, callOptions } = grpcCallArgs(options);
      return open({ path: method.path, serialize: def.requestSerialize, deserialize: def.responseDeserialize, metadata, callOptions });
    } catch (error) {
      throw localError(error);
    }
  }
}

/** What every grpc-js `make*Request` needs. */
interface StartArgs {
  path: string;
  serialize: (value: unknown) => Buffer;
  deserialize: (bytes: Buffer) => unknown;
  metadata: grpc.Metadata;
  callOptions: grpc.CallOptions;
}
