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
