/**
 * The W3C Trace Context propagator (`traceparent`/`tracestate`) of `@opentelemetry/core`, loaded
 * when a call first needs it: a service without tracing only reads `traceparent` when a caller
 * sends one, and importing `@opentelemetry/core` (with its semantic conventions) costs a
 * start-up about 15 ms. The ES module build is required by its resolved path (`require` of an ES
 * module, Node >= 22.12), so it is the very instance an `import` of the package would give.
 */
import type { Context, TextMapGetter, TextMapPropagator, TextMapSetter } from "@opentelemetry/api";
import { createRequire } from "node:module";
import { fileURLToPath } from "node:url";

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
  const esmEntry = fileURLToPath(import.meta.resolve("@opentelemetry/core"));
  return createRequire(import.meta.url)(esmEntry) as CoreModule;
}
