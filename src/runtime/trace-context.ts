/**
 * The W3C Trace Context propagator (`traceparent`/`tracestate`) of `@opentelemetry/core`, loaded
 * when a call first needs it: a service without tracing only reads `traceparent` when a caller
 * sends one, and importing `@opentelemetry/core` (with its semantic conventions) costs a
 * start-up about 15 ms. Its CommonJS build is loaded, which uses the CommonJS copy of
 * `@opentelemetry/api` the runtime uses (see otel-api.ts), so a traced call loads no second copy.
 */
import type { Context, TextMapGetter, TextMapPropagator, TextMapSetter } from "@opentelemetry/api";
import { loadModule } from "./lazy-module.js";

type CoreModule = typeof import("@opentelemetry/core");

/** A {@link TextMapPropagator} for W3C Trace Context whose implementation loads on first use. */
export function w3cTraceContextPropagator(): TextMapPropagator {
  let loaded: TextMapPropagator | undefined;
  const propagator = (): TextMapPropagator => (loaded ??= new (loadCore().W3CTraceContextPropagator)());
  return {
    inject: (ctx: Context, carrier: unknown, setter: TextMapSetter) => propagator().inject(ctx, carrier, setter),
    extract: (ctx: Context, carrier: unknown, getter: TextMapGetter) => propagator().extract(ctx, carrier, getter),
    fields: () => propagator().fields(),
  };
}

function loadCore(): CoreModule {
  return loadModule<CoreModule>("@opentelemetry/core");
}
