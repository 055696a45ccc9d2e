/**
 * View models of the files generated for one service: everything the templates print is computed
 * here. Paths are relative to the generated package root.
 */
import type { MethodModel, ServiceModel } from "../../model/types.js";
import { ModuleImports } from "../imports.js";
import { jsDoc } from "../jsdoc.js";
import type { ServiceNames } from "./names.js";
import { compareStrings } from "../../model/order.js";
import { policyOptionsArg } from "./policy.js";
import { clientSignature, endpointType, endpointTypeName, handlerSignature, paramName, streamsRequests, streamsResponses } from "./signatures.js";

/** Where message code lives inside the generated package. */
export const messagesDir = "src/gen/pb";

/** The data of one service shared by all its files. */
export interface ServiceContext {
  service: ServiceModel;
  names: ServiceNames;
  /** `// Code generated ...` plus the source file line. */
  header: string;
}

/** One template to render into one file. */
export interface FileView {
  path: string;
  template: string;
  userOwned: boolean;
  view: object;
}

// Identifiers every service module may declare or import, and the globals generated code uses;
// messages or services with these names are imported under an alias.
const reservedNames = [
  "MessageInitShape", "CallContext", "CallOptions", "Code", "ServiceError", "GrpcConnection", "GrpcConnectionOptions",
  "HttpConnection", "HttpConnectionOptions", "RpcConnection",
  "Middleware", "Server", "defineService", "makeEndpoint", "addGrpcService",
  "UnaryEndpoint", "ServerStreamingEndpoint", "ClientStreamingEndpoint", "BidiStreamingEndpoint",
  "Promise", "AsyncIterable", "AsyncGenerator", "Error", "Object", "String", "Number", "Symbol",
];

function reserved(names: ServiceNames): string[] {
  return [...reservedNames, names.interfaceName, names.handlerClass, names.clientClass, names.httpClientClass, names.endpointsInterface, names.makeEndpoints, names.registerGrpc, names.spec];
}

function methodDoc(method: MethodModel, indent: number): string {
  return jsDoc(method.comments, { deprecated: method.deprecated }, indent);
}

function serviceDoc(ctx: ServiceContext): string {
  return jsDoc(ctx.service.comments, { deprecated: ctx.service.deprecated, tags: [`Generated from service \`${ctx.service.typeName}\`.`] });
}

/** All files of one service. */
export function serviceFiles(ctx: ServiceContext): FileView[] {
  const dir = `src/gen/${ctx.names.fileBase}`;
  return [
    ...clientFiles(ctx),
    { path: `${dir}/endpoints.ts`, template: "src/gen/__service__/endpoints.ts", userOwned: false, view: endpointsView(ctx, dir) },
    { path: `${dir}/grpc-server.ts`, template: "src/gen/__service__/grpc-server.ts", userOwned: false, view: grpcServerView(ctx) },
    { path: `src/handlers/${ctx.names.fileBase}.ts`, template: "src/handlers/__service__.ts", userOwned: true, view: handlerView(ctx) },
    { path: `test/${ctx.names.fileBase}.test.ts`, template: "test/__service__.test.ts", userOwned: true, view: testView(ctx) },
  ];
}

/**
 * The client side of a service: its interface and spec, and its typed gRPC and HTTP clients.
 * Alone, these are the files of a service the package only calls (declared in an imported file of
 * another proto package); a served service has them too.
 */
export function clientFiles(ctx: ServiceContext): FileView[] {
  const dir = `src/gen/${ctx.names.fileBase}`;
  return [
    { path: `${dir}/service.ts`, template: "src/gen/__service__/service.ts", userOwned: false, view: serviceView(ctx, dir) },
    { path: `${dir}/grpc-client.ts`, template: "src/gen/__service__/grpc-client.ts", userOwned: false, view: grpcClientView(ctx, dir) },
    { path: `${dir}/http-client.ts`, template: "src/gen/__service__/http-client.ts", userOwned: false, view: httpClientView(ctx, dir) },
  ];
}

/** The name of the client's own close(): an RPC called Close takes the plain name. */
function clientCloseMethod(service: ServiceModel): string {
  return service.methods.some((m) => m.localName === "close") ? "closeConnection" : "close";
}

function serviceView(ctx: ServiceContext, dir: string): object {
  const imports = new ModuleImports(dir, messagesDir, reserved(ctx.names));
  const methods = ctx.service.methods.map((m) => ({ localName: m.localName, jsdoc: methodDoc(m, 2), handler: handlerSignature(m, imports) }));
  const descLocal = imports.service(ctx.service.desc);
  const policyOptions = policyOptionsArg(ctx.service);
  return { ...ctx.names, header: ctx.header, typeName: ctx.service.typeName, jsdoc: serviceDoc(ctx), methods, descLocal, policyOptions, imports: imports.statements() };
}

function endpointsView(ctx: ServiceContext, dir: string): object {
  const imports = new ModuleImports(dir, messagesDir, reserved(ctx.names));
  const methods = ctx.service.methods.map((m) => ({
    localName: m.localName,
    jsdoc: methodDoc(m, 2),
    endpointType: endpointType(m, imports),
    paramName: paramName(m),
  }));
  const kinds = [...new Set(ctx.service.methods.map((m) => endpointTypeName(m)))].sort(compareStrings);
  return { ...ctx.names, header: ctx.header, typeName: ctx.service.typeName, methods, endpointKinds: kinds.map((k) => `type ${k}`).join(", "), imports: imports.statements() };
}

function grpcServerView(ctx: ServiceContext): object {
  return { ...ctx.names, header: ctx.header, typeName: ctx.service.typeName };
}

function grpcClientView(ctx: ServiceContext, dir: string): object {
  const imports = new ModuleImports(dir, messagesDir, reserved(ctx.names));
  const methods = ctx.service.methods.map((m) => ({ localName: m.localName, jsdoc: methodDoc(m, 2), client: clientSignature(m, imports) }));
  return { ...ctx.names, header: ctx.header, typeName: ctx.service.typeName, methods, closeMethod: clientCloseMethod(ctx.service), imports: imports.statements() };
}

/** The HTTP binding the HTTP client uses: the first annotated one, else the default POST. */
function httpBindingLine(method: MethodModel): string {
  const binding = method.http[0];
  return binding === undefined ? `HTTP: \`POST ${method.path}\`` : `HTTP: \`${binding.method} ${binding.pattern}\``;
}

function httpClientView(ctx: ServiceContext, dir: string): object {
  const imports = new ModuleImports(dir, messagesDir, reserved(ctx.names));
  const methods = ctx.service.methods.map((m) => ({
    localName: m.localName,
    jsdoc: jsDoc(m.comments, { deprecated: m.deprecated, tags: [httpBindingLine(m)] }, 2),
    client: clientSignature(m, imports),
  }));
  return { ...ctx.names, header: ctx.header, typeName: ctx.service.typeName, methods, closeMethod: clientCloseMethod(ctx.service), imports: imports.statements() };
}

function handlerView(ctx: ServiceContext): object {
  const imports = new ModuleImports("src/handlers", messagesDir, reserved(ctx.names));
  const methods = ctx.service.methods.map((m) => ({
    localName: m.localName,
    jsdoc: methodDoc(m, 2),
    handler: handlerSignature(m, imports),
    unimplementedMessage: `${ctx.service.typeName}.${m.name} is not implemented yet`,
  }));
  return { ...ctx.names, typeName: ctx.service.typeName, methods, imports: imports.statements() };
}

function testView(ctx: ServiceContext): object {
  const methods = ctx.service.methods.map((m) => ({
    name: m.name,
    localName: m.localName,
    unary: m.kind === "unary",
    serverStreaming: m.kind === "server_streaming",
    clientStreaming: m.kind === "client_streaming",
    bidiStreaming: m.kind === "bidi_streaming",
  }));
  const hasStreamingRequests = ctx.service.methods.some(streamsRequests);
  const hasStreamingResponses = ctx.service.methods.some(streamsResponses);
  return { ...ctx.names, typeName: ctx.service.typeName, methods, hasStreamingRequests, hasStreamingResponses, closeMethod: clientCloseMethod(ctx.service) };
}
