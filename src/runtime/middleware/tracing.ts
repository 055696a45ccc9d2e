/**
 * Tracing with the OpenTelemetry API: a SERVER span per incoming call and a CLIENT span per
 * outgoing one, named `package.Service/Method` with the `rpc.*` attributes of the semantic
 * conventions. The W3C `traceparent`/`tracestate` travel in metadata. With no SDK installed no
 * span is made (a call without `traceparent` costs nothing), yet an incoming trace id still
 * reaches logs and outgoing calls.
 */
import type { Context, Span, TextMapGetter, TextMapPropagator, TextMapSetter, Tracer, TracerProvider } from "@opentelemetry/api";
import { context, ProxyTracerProvider, ROOT_CONTEXT, SpanKind, SpanStatusCode, trace } from "../otel-api.js";
import { w3cTraceContextPropagator } from "../trace-context.js";
import { Code } from "../code.js";
import type { Middleware } from "../endpoint.js";
import type { ServiceError } from "../errors.js";
import { Metadata } from "../metadata.js";
import type { ClientMiddleware } from "../outgoing.js";
import { streamsResponses, type MethodSpec } from "../spec.js";
import { observe, type CallObserver } from "./observe.js";

/** Options of {@link serverTracing} and {@link clientTracing}. */
export interface TracingOptions {
  /** Where spans come from, e.g. from `startTracing`; the API's global provider by default. */
  tracerProvider?: TracerProvider;
  /** How the trace travels in metadata; W3C Trace Context by default. */
  propagator?: TextMapPropagator;
}

/** Codes a server span counts as failed, per the semantic conventions (the rest are the caller's). */
const serverErrorCodes = new Set<Code>([Code.UNKNOWN, Code.DEADLINE_EXCEEDED, Code.UNIMPLEMENTED, Code.INTERNAL, Code.UNAVAILABLE, Code.DATA_LOSS]);

/** Server middleware: continues the caller's trace (from `traceparent`) in a SERVER span. */
export function serverTracing(options: TracingOptions = {}): Middleware {
  const provider = options.tracerProvider ?? trace.getTracerProvider();
  const tracer = provider.getTracer("gen-svc");
  const propagator = options.propagator ?? w3cTraceContextPropagator();
  // Only the default propagator is known to read nothing but traceparent/tracestate.
  const readsOnlyTraceparent = options.propagator === undefined;
  return (next) => (ctx, input) => {
    if (!hasSdk(provider)) {
      // No spans to make: only an incoming trace is carried on, for logs and outgoing calls.
      if (readsOnlyTraceparent && !ctx.requestMetadata.has("traceparent")) return next(ctx, input);
      const traceContext = propagator.extract(ROOT_CONTEXT, ctx.requestMetadata, metadataGetter);
      return context.with(traceContext, () => next({ ...ctx, traceContext }, input));
    }
    const remote = propagator.extract(ROOT_CONTEXT, ctx.requestMetadata, metadataGetter);
    const span = startSpan(tracer, ctx.method, SpanKind.SERVER, remote, ctx.peer);
    const traceContext = trace.setSpan(remote, span);
    const traced = { ...ctx, traceContext };
    const run = (observed: unknown) => context.with(traceContext, () => next(traced, observed));
    return observe(traced, run, input, spanObserver(span, (code) => serverErrorCodes.has(code))).then((output) =>
      streamsResponses(ctx.method) ? withContext(output as AsyncIterable<unknown>, traceContext) : output,
    );
  };
}

/** Client middleware: a CLIENT span, child of `options.parent`'s trace or the active one, sent on. */
export function clientTracing(options: TracingOptions = {}): ClientMiddleware {
  const tracer = tracerOf(options);
  const propagator = options.propagator ?? w3cTraceContextPropagator();
  return (next) => (call, input) => {
    const parent = call.options.parent?.traceContext ?? context.active();
    const span = startSpan(tracer, call.method, SpanKind.CLIENT, parent, call.target);
    const metadata = new Metadata(call.options.metadata);
    propagator.inject(trace.setSpan(parent, span), metadata, metadataSetter);
    const traced = { ...call, options: { ...call.options, metadata } };
    const observed = { method: call.method, signal: call.options.signal };
    return observe(observed, (value) => next(traced, value), input, spanObserver(span, (code) => code !== Code.OK));
  };
}

/** What the API's global provider delegates to while no SDK is registered. */
const NO_SDK = new ProxyTracerProvider().getDelegate();

/**
 * Whether spans from `provider` can be recorded: false for the API's global provider before an
 * SDK registers (checked per call, as one may register later), true for any other provider.
 */
function hasSdk(provider: TracerProvider): boolean {
  return !(provider instanceof ProxyTracerProvider) || provider.getDelegate() !== NO_SDK;
}

function tracerOf(options: TracingOptions): Tracer {
  return (options.tracerProvider ?? trace.getTracerProvider()).getTracer("gen-svc");
}

function startSpan(tracer: Tracer, method: MethodSpec, kind: SpanKind, parent: Context, peer: string): Span {
  return tracer.startSpan(
    `${method.serviceName}/${method.name}`,
    {
      kind,
      attributes: {
        "rpc.system": "grpc",
        "rpc.service": method.serviceName,
        "rpc.method": method.name,
        [kind === SpanKind.SERVER ? "client.address" : "server.address"]: peer,
      },
    },
    parent,
  );
}

function spanObserver(span: Span, isError: (code: Code) => boolean): CallObserver {
  return {
    end(error: ServiceError | undefined) {
      const code = error?.code ?? Code.OK;
      span.setAttribute("rpc.grpc.status_code", code);
      if (error && isError(code)) span.setStatus({ code: SpanStatusCode.ERROR, message: error.message });
      span.end();
    },
  };
}

/**
 * A stream whose items are produced inside `traceContext`: a handler's generator runs its body
 * when the transport pulls the next item, which is outside the context the call started in.
 */
function withContext<T>(source: AsyncIterable<T>, traceContext: Context): AsyncIterable<T> {
  return {
    [Symbol.asyncIterator]() {
      const iterator = source[Symbol.asyncIterator]();
      return {
        next: () => context.with(traceContext, () => iterator.next()),
        return: async (value?: unknown) => (iterator.return ? context.with(traceContext, () => iterator.return!(value)) : { done: true, value: undefined }),
      };
    },
  };
}

const metadataGetter: TextMapGetter<Metadata> = {
  keys: (carrier) => [...carrier].map(([key]) => key),
  get: (carrier, key) => {
    const value = carrier.get(key);
    return typeof value === "string" ? value : undefined;
  },
};

const metadataSetter: TextMapSetter<Metadata> = {
  set: (carrier, key, value) => {
    carrier.set(key, value);
  },
};
