/**
 * protobuf-es as the message library behind {@link MessageCodec}, and {@link defineService}, which
 * turns the `GenService` descriptor protoc-gen-es emits for every service into a {@link ServiceSpec}.
 */
import {
  create,
  fromBinary,
  toBinary,
  type DescMessage,
  type DescMethod,
  type Message,
  type MessageInitShape,
  type MessageShape,
} from "@bufbuild/protobuf";
import type { GenMessage, GenService, GenServiceMethods } from "@bufbuild/protobuf/codegenv2";
import { MethodOptions_IdempotencyLevel } from "@bufbuild/protobuf/wkt";
import type { MethodPolicy } from "./policy/types.js";
import type { Idempotency, MessageCodec, MethodSpec, ServiceSpec } from "./spec.js";

/**
 * What callers may pass where a message is expected: for protobuf-es messages the message itself
 * or an init object (every field optional); for other libraries the type itself.
 */
export type MessageInit<T> = T extends Message ? MessageInitShape<GenMessage<T>> : T;

/** The {@link MethodSpec} types of a protobuf-es service, keyed by the methods' local names. */
export type ServiceMethodSpecs<T extends GenServiceMethods> = {
  [K in keyof T]: MethodSpec<MessageShape<T[K]["input"]>, MessageShape<T[K]["output"]>>;
};

/** A codec for one protobuf-es message type: binary wire format, init objects accepted. */
export function protobufEsCodec<Desc extends DescMessage>(schema: Desc): MessageCodec<MessageShape<Desc>> {
  return {
    typeName: schema.typeName,
    encode: (message) => toBinary(schema, message),
    decode: (bytes) => fromBinary(schema, bytes),
    // create() returns a message of this very type unchanged, so full messages cost nothing.
    create: (init) => create(schema, init as MessageInitShape<Desc>),
  };
}

/** Options of {@link defineService}. */
export interface DefineServiceOptions<T extends GenServiceMethods> {
  /** Each method's policy (gen-svc's options, resolved by the generator), by local name. */
  readonly policies?: { readonly [K in keyof T]?: MethodPolicy };
}

/**
 * The {@link ServiceSpec} of a protobuf-es service, e.g. `defineService(GreeterService)`, with the
 * policies gen-svc's options declare for its methods.
 */
export function defineService<T extends GenServiceMethods>(desc: GenService<T>, options: DefineServiceOptions<T> = {}): ServiceSpec<ServiceMethodSpecs<T>> {
  const methods: Record<string, MethodSpec<Message, Message>> = {};
  const policies: Readonly<Record<string, MethodPolicy | undefined>> = options.policies ?? {};
  for (const method of desc.methods) {
    const policy = policies[method.localName];
    methods[method.localName] = { ...methodSpec(desc.typeName, method), ...(policy ? { policy } : {}) };
  }
  // The loop built exactly one entry per key of T, with the codecs of T's message types.
  return { typeName: desc.typeName, methods: methods as ServiceMethodSpecs<T>, file: desc.file };
}

/** The {@link MethodSpec} of one protobuf-es method. */
export function methodSpec(serviceName: string, method: DescMethod): MethodSpec<Message, Message> {
  return {
    name: method.name,
    localName: method.localName,
    path: `/${serviceName}/${method.name}`,
    kind: method.methodKind,
    idempotency: idempotencyOf(method.idempotency),
    input: protobufEsCodec(method.input),
    output: protobufEsCodec(method.output),
    serviceName,
    descriptor: method,
  };
}

function idempotencyOf(level: MethodOptions_IdempotencyLevel): Idempotency {
  switch (level) {
    case MethodOptions_IdempotencyLevel.NO_SIDE_EFFECTS:
      return "no_side_effects";
    case MethodOptions_IdempotencyLevel.IDEMPOTENT:
      return "idempotent";
    default:
      return "unknown";
  }
}
