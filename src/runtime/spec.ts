/**
 * What the runtime knows about a service and its methods. Messages are reached only through a
 * per-method codec, so any message library can plug in (protobuf-es is the default, see codec.ts).
 */
import type { DescFile, DescMethod } from "@bufbuild/protobuf";
import type { MethodPolicy } from "./policy/types.js";

/** The four gRPC call kinds. */
export type MethodKind = "unary" | "server_streaming" | "client_streaming" | "bidi_streaming";

/** `idempotency_level` of a method. */
export type Idempotency = "unknown" | "no_side_effects" | "idempotent";

/** Reads and writes one message type. */
export interface MessageCodec<T> {
  /** Fully qualified message name. */
  readonly typeName: string;
  encode(message: T): Uint8Array;
  decode(bytes: Uint8Array): T;
  /** Accepts a full message or an init object and returns a full message. */
  create(init: unknown): T;
}

/** One RPC as the transports see it. */
export interface MethodSpec<I = unknown, O = unknown> {
  /** As declared, e.g. `SayHello`. */
  readonly name: string;
  /** Camel-case name used for interfaces and endpoint tables, e.g. `sayHello`. */
  readonly localName: string;
  /** `/package.Service/Method`. */
  readonly path: string;
  readonly kind: MethodKind;
  readonly idempotency: Idempotency;
  readonly input: MessageCodec<I>;
  readonly output: MessageCodec<O>;
  /** The service this method belongs to, e.g. `helloworld.Greeter`. */
  readonly serviceName: string;
  /**
   * The protobuf-es descriptor, when the spec came from protobuf-es (`defineService`): the HTTP
   * transport reads the `google.api.http` rules and the message fields from it.
   */
  readonly descriptor?: DescMethod;
  /**
   * The method's policy from gen-svc's options (timeout, retry, rate limit, ...), as the generator
   * resolved it; absent when the contract declares none. The `POLICIES` setting may override it
   * at run time (see policy/overrides.ts).
   */
  readonly policy?: MethodPolicy;
}

/** A service as the transports see it: methods keyed by local name. */
export interface ServiceSpec<M extends Record<string, MethodSpec<any, any>> = Record<string, MethodSpec<any, any>>> {
  /** e.g. `helloworld.Greeter`. */
  readonly typeName: string;
  readonly methods: M;
  /**
   * The protobuf-es descriptor of the file declaring the service, when the spec came from
   * protobuf-es (`defineService`): server reflection serves it and its imports.
   */
  readonly file?: DescFile;
}

/** Whether requests of this method are a stream. */
export function streamsRequests(method: Pick<MethodSpec, "kind">): boolean {
  return method.kind === "client_streaming" || method.kind === "bidi_streaming";
}

/** Whether responses of this method are a stream. */
export function streamsResponses(method: Pick<MethodSpec, "kind">): boolean {
  return method.kind === "server_streaming" || method.kind === "bidi_streaming";
}
