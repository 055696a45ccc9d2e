/**
 * Serves a {@link ServiceSpec} on a grpc-js server: one handler per call kind, each calling the
 * method's {@link Endpoint} with a {@link CallContext}, turning thrown errors into statuses.
 */
import type * as grpc from "@grpc/grpc-js";
import type { Writable } from "node:stream";
import type { CallContext } from "../context.js";
import { unimplementedEndpoint, type Endpoint } from "../endpoint.js";
import { logCauseTo, logCauseToConsole, reportInternalErrors, safeReport } from "../error-report.js";
import { ServiceError } from "../errors.js";
import { silentLogger, type Logger } from "../logger.js";
import { Metadata } from "../metadata.js";
import type { MethodSpec, ServiceSpec } from "../spec.js";
import { createCallState, grpcErrorOf, setupFailureState, type AnyServerCall, type ServerCallState } from "./call-context.js";
import { toGrpcMetadata } from "./metadata.js";
import { drained, grpcMethodDefinition, readMessages } from "./streams.js";

/** Options of {@link addGrpcService}. */
export interface GrpcServiceOptions {
  /**
   * Sees every error a call ends with, before it is sent; an INTERNAL error's `cause` holds what
   * was really thrown. Not called for calls the client already cancelled or that expired.
   * The default writes INTERNAL errors with their cause to `console.error`, so bugs are not lost.
   * When the call's context could not be built (e.g. grpc-js fails to give its peer), the call
   * answers INTERNAL and `ctx` holds the method with empty metadata and peer "unknown".
   */
  onError?: (error: ServiceError, ctx: CallContext) => void;
  /**
   * Every call's `ctx.logger`; also where the default `onError` writes INTERNAL causes (instead
   * of `console.error`). Default: a silent logger.
   */
  logger?: Logger;
  /**
   * Whether each call's `ctx.clientCertificate` is looked up (mutual TLS). Default true. Pass false
   * when the server's credentials never verify client certificates: grpc-js's auth context costs a
   * call about 0.4 µs. `startServer` passes false unless it serves mutual TLS
   * (`TLS_CLIENT_CA_FILE`) or is given its own credentials.
   */
  clientCertificates?: boolean;
}

type ErrorReporter = (error: ServiceError, ctx: CallContext) => void;

/** What every call of a service shares. */
interface Serving {
  readonly report: ErrorReporter;
  readonly logger: Logger;
  readonly clientCertificates: boolean;
}
type Run = (ctx: CallContext) => Promise<unknown>;

/**
 * Registers a service on a grpc-js server. `endpoints` is keyed by method local name; a method
 * without an endpoint answers UNIMPLEMENTED.
 */
export function addGrpcService<M extends ServiceSpec["methods"]>(
  server: grpc.Server,
  spec: ServiceSpec<M>,
  endpoints: { readonly [K in keyof M]?: Endpoint },
  options: GrpcServiceOptions = {},
): void {
  const byName: Partial<Record<string, Endpoint>> = endpoints;
  const serving: Serving = {
    report: options.onError ?? reportInternalErrors(options.logger ? logCauseTo(options.logger) : logCauseToConsole),
    logger: options.logger ?? silentLogger(),
    clientCertificates: options.clientCertificates ?? true,
  };
  const definition: Record<string, grpc.MethodDefinition<unknown, unknown>> = {};
  const implementation: grpc.UntypedServiceImplementation = {};
  for (const method of Object.values(spec.methods)) {
    definition[method.localName] = grpcMethodDefinition(method);
    implementation[method.localName] = handlerFor(method, byName[method.localName] ?? unimplementedEndpoint(method), serving);
  }
  server.addService(definition, implementation);
}

function handlerFor(method: MethodSpec, endpoint: Endpoint, serving: Serving): grpc.UntypedHandleCall {
  switch (method.kind) {
    case "unary":
      return ((call: grpc.ServerUnaryCall<unknown, unknown>, callback: grpc.sendUnaryData<unknown>) =>
        guard(respond(call, method, serving, callback, (ctx) => endpoint(ctx, call.request)))) as grpc.handleUnaryCall<unknown, unknown>;
    case "client_streaming":
      return ((call: grpc.ServerReadableStream<unknown, unknown>, callback: grpc.sendUnaryData<unknown>) =>
        guard(respond(call, method, serving, callback, (ctx) => endpoint(ctx, readMessages(call, ctx.signal))))) as grpc.handleClientStreamingCall<unknown, unknown>;
    case "server_streaming":
      return ((call: grpc.ServerWritableStream<unknown, unknown>) =>
        guard(stream(call, method, serving, (ctx) => endpoint(ctx, call.request)))) as grpc.handleServerStreamingCall<unknown, unknown>;
    case "bidi_streaming":
      return ((call: grpc.ServerDuplexStream<unknown, unknown>) =>
        guard(stream(call, method, serving, (ctx) => endpoint(ctx, readMessages(call, ctx.signal))))) as grpc.handleBidiStreamingCall<unknown, unknown>;
  }
}

/** Unary and client-streaming calls: one response through grpc-js's callback. */
async function respond(
  call: AnyServerCall,
  method: MethodSpec,
  serving: Serving,
  callback: grpc.sendUnaryData<unknown>,
  run: Run,
): Promise<void> {
  // Created inside the try: a call whose setup fails must still be answered, not left to hang.
  let state: ServerCallState | undefined;
  try {
    state = createCallState(call, method, serving);
    const response = await run(state.ctx);
    state.sendHeader();
    callback(null, response, trailersOf(state));
  } catch (thrown) {
    const error = settleError(thrown, state ?? setupFailureState(method, serving.logger), serving.report);
    if (error) callback(error);
  } finally {
    state?.dispose();
  }
}

/** Server-streaming and bidi calls: write every response, then end with the trailers. */
async function stream(
  call: AnyServerCall & Writable,
  method: MethodSpec,
  serving: Serving,
  run: Run,
): Promise<void> {
  // Created inside the try, as in respond().
  let state: ServerCallState | undefined;
  try {
    state = createCallState(call, method, serving);
    const responses = (await run(state.ctx)) as AsyncIterable<unknown>;
    const completed = await writeAll(call, responses, state);
    if (!completed) return;
    state.sendHeader();
    call.end(trailersOf(state));
  } catch (thrown) {
    const error = settleError(thrown, state ?? setupFailureState(method, serving.logger), serving.report);
    // grpc-js's own "error" listener on the call turns this into the status and ends the call;
    // destroy() would end it without a status.
    if (error) call.emit("error", error);
  } finally {
    state?.dispose();
  }
}

/**
 * Writes responses as the client takes them: when grpc-js's buffer is full, waits for "drain"
 * before pulling the next one from the source. False when the call was cancelled; leaving the
 * loop then closes the source (its `finally` blocks run).
 */
async function writeAll(call: Writable, responses: AsyncIterable<unknown>, state: ServerCallState): Promise<boolean> {
  const { signal } = state.ctx;
  for await (const message of responses) {
    if (signal.aborted) return false;
    state.sendHeader();
    if (!call.write(message) && !(await drained(call, signal))) return false;
  }
  return !signal.aborted;
}

/**
 * Maps what a call threw to the status to send and reports the error actually sent. Undefined
 * when the call is already over (cancelled or expired): nobody would receive a status, and
 * grpc-js has sent one. Never throws: it runs in catch blocks, where a throw would become an
 * unhandled rejection.
 */
function settleError(thrown: unknown, state: ServerCallState, report: ErrorReporter): grpc.ServerErrorResponse | undefined {
  if (state.cancelled()) return undefined;
  let error = ServiceError.from(thrown);
  let response: grpc.ServerErrorResponse;
  try {
    // Headers a handler set before failing still go out, ahead of the status.
    state.sendHeader();
    response = grpcErrorOf(error, state.ctx.responseTrailer);
  } catch (failure) {
    // The handler's header or trailer metadata cannot be encoded (e.g. a non-ASCII text value).
    error = ServiceError.from(failure);
    response = grpcErrorOf(error, new Metadata());
  }
  safeReport(report, error, state.ctx);
  return response;
}

/** The handler's trailers for grpc-js; none (grpc-js sends only the status) when it set none. */
function trailersOf(state: ServerCallState): grpc.Metadata | undefined {
  return state.ctx.responseTrailer.size > 0 ? toGrpcMetadata(state.ctx.responseTrailer) : undefined;
}

/** grpc-js ignores what handlers return; a rejection escaping them would be unhandled. */
function guard(work: Promise<void>): void {
  work.catch((error: unknown) => console.error("gen-svc: gRPC handler failed unexpectedly:", error));
}
