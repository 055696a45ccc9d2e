/**
 * Type expressions for a method's parameters and results in each role (handler, endpoint,
 * client). Each function imports into the given module only the names its role uses.
 */
import type { MethodModel } from "../../model/types.js";
import type { ModuleImports } from "../imports.js";

/** How the service interface and the handler class declare a method. */
export interface HandlerSignature {
  /** `request: HelloRequest` or `requests: AsyncIterable<Point>`. */
  param: string;
  /** `Promise<MessageInitShape<typeof XSchema>>` or `AsyncIterable<...>`. */
  returns: string;
  /** `async ` or `async *` (handler stubs of server-streaming methods are async generators). */
  modifier: string;
}

/** How the typed client declares a method. */
export interface ClientSignature {
  /** `request: MessageInitShape<typeof InSchema>` or `requests: AsyncIterable<...>`. */
  param: string;
  /** `Promise<Out>` or `AsyncIterable<Out>`. */
  returns: string;
  /** The GrpcConnection method the client calls. */
  call: "unary" | "serverStream" | "clientStream" | "bidiStream";
  /** `request` or `requests`. */
  paramName: string;
}

const endpointTypes = {
  unary: "UnaryEndpoint",
  server_streaming: "ServerStreamingEndpoint",
  client_streaming: "ClientStreamingEndpoint",
  bidi_streaming: "BidiStreamingEndpoint",
} as const;

const clientCalls = {
  unary: "unary",
  server_streaming: "serverStream",
  client_streaming: "clientStream",
  bidi_streaming: "bidiStream",
} as const;

/** Whether the method takes a stream of requests. */
export function streamsRequests(method: MethodModel): boolean {
  return method.kind === "client_streaming" || method.kind === "bidi_streaming";
}

/** Whether the method answers with a stream. */
export function streamsResponses(method: MethodModel): boolean {
  return method.kind === "server_streaming" || method.kind === "bidi_streaming";
}

/** The parameter name of a method's input: `request` or `requests`. */
export function paramName(method: MethodModel): string {
  return streamsRequests(method) ? "requests" : "request";
}

function wrapIn(method: MethodModel, type: string): string {
  return streamsRequests(method) ? `AsyncIterable<${type}>` : type;
}

function wrapOut(method: MethodModel, type: string): string {
  return streamsResponses(method) ? `AsyncIterable<${type}>` : `Promise<${type}>`;
}

/** The handler's view: full request messages in, init objects (or messages) out. */
export function handlerSignature(method: MethodModel, imports: ModuleImports): HandlerSignature {
  const outInit = `MessageInitShape<typeof ${imports.schema(method.output.desc)}>`;
  return {
    param: `${paramName(method)}: ${wrapIn(method, imports.type(method.input.desc))}`,
    returns: wrapOut(method, outInit),
    modifier: streamsResponses(method) ? "async *" : "async ",
  };
}

/** The runtime's endpoint type for the method's kind, e.g. `UnaryEndpoint`. */
export function endpointTypeName(method: MethodModel): string {
  return endpointTypes[method.kind];
}

/** The endpoint type: `UnaryEndpoint<In, Out>` and friends. */
export function endpointType(method: MethodModel, imports: ModuleImports): string {
  return `${endpointTypeName(method)}<${imports.type(method.input.desc)}, ${imports.type(method.output.desc)}>`;
}

/** The client's view: init objects (or messages) in, full messages out. */
export function clientSignature(method: MethodModel, imports: ModuleImports): ClientSignature {
  const inInit = `MessageInitShape<typeof ${imports.schema(method.input.desc)}>`;
  return {
    param: `${paramName(method)}: ${wrapIn(method, inInit)}`,
    returns: wrapOut(method, imports.type(method.output.desc)),
    call: clientCalls[method.kind],
    paramName: paramName(method),
  };
}
