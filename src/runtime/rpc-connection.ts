/**
 * What a generated client calls through: one address ({@link GrpcConnection}) or a service found
 * through discovery and balanced over its instances (`BalancedConnection`).
 */
import type { MessageInit } from "./codec.js";
import type { CallOptions } from "./grpc/client-call.js";
import type { MethodSpec } from "./spec.js";

/** Makes calls of all four kinds to some service, however it reaches it. */
export interface RpcConnection {
  /** One request, one response. */
  unary<I, O>(method: MethodSpec<I, O>, request: NoInfer<MessageInit<I>>, options?: CallOptions): Promise<O>;
  /** One request, a stream of responses; the call starts when iteration starts. */
  serverStream<I, O>(method: MethodSpec<I, O>, request: NoInfer<MessageInit<I>>, options?: CallOptions): AsyncIterable<O>;
  /** A stream of requests, one response. */
  clientStream<I, O>(method: MethodSpec<I, O>, requests: AsyncIterable<NoInfer<MessageInit<I>>>, options?: CallOptions): Promise<O>;
  /** Streams both ways; the call starts when iteration starts. */
  bidiStream<I, O>(method: MethodSpec<I, O>, requests: AsyncIterable<NoInfer<MessageInit<I>>>, options?: CallOptions): AsyncIterable<O>;
  /** Releases channels; calls in flight still finish, later calls fail with UNAVAILABLE. */
  close(): void;
}

/**
 * The four call kinds of {@link RpcConnection} over one `send`: a connection implements how a
 * call goes out (through its client middleware) once, and inherits the typed entry points.
 */
export abstract class ChainedConnection implements RpcConnection {
  /** One request, one response. */
  unary<I, O>(method: MethodSpec<I, O>, request: NoInfer<MessageInit<I>>, options: CallOptions = {}): Promise<O> {
    return this.send(method, request, options) as Promise<O>;
  }

  /** One request, a stream of responses. The call starts when iteration starts; leaving the loop cancels it. */
  async *serverStream<I, O>(method: MethodSpec<I, O>, request: NoInfer<MessageInit<I>>, options: CallOptions = {}): AsyncGenerator<O> {
    yield* (await this.send(method, request, options)) as AsyncIterable<O>;
  }

  /** A stream of requests (sent as the server takes them), one response. */
  clientStream<I, O>(method: MethodSpec<I, O>, requests: AsyncIterable<NoInfer<MessageInit<I>>>, options: CallOptions = {}): Promise<O> {
    return this.send(method, requests, options) as Promise<O>;
  }

  /**
   * Streams both ways. Requests are sent concurrently with reading responses, so a request source
   * may wait for responses. The call starts when iteration starts; leaving the loop cancels it.
   */
  async *bidiStream<I, O>(method: MethodSpec<I, O>, requests: AsyncIterable<NoInfer<MessageInit<I>>>, options: CallOptions = {}): AsyncGenerator<O> {
    yield* (await this.send(method, requests, options)) as AsyncIterable<O>;
  }

  /** Releases channels; calls in flight still finish, later calls fail with UNAVAILABLE. */
  abstract close(): void;

  /** Makes one call of any kind: a message or a stream of them in, a message or a stream out. */
  protected abstract send(method: MethodSpec, input: unknown, options: CallOptions): Promise<unknown>;
}
