/** The lazily loaded W3C Trace Context propagator: it behaves as @opentelemetry/core's own. */
import { ROOT_CONTEXT, trace, type TextMapGetter, type TextMapSetter } from "@opentelemetry/api";
import { W3CTraceContextPropagator } from "@opentelemetry/core";
import { describe, expect, it } from "vitest";
import { w3cTraceContextPropagator } from "../../src/runtime/trace-context.js";

const TRACEPARENT = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01";
type Carrier = Record<string, string>;
const getter: TextMapGetter<Carrier> = { keys: (carrier) => Object.keys(carrier), get: (carrier, key) => carrier[key] };
const setter: TextMapSetter<Carrier> = { set: (carrier, key, value) => void (carrier[key] = value) };

describe("w3cTraceContextPropagator", () => {
  it("extracts and injects traceparent and tracestate exactly as W3CTraceContextPropagator does", () => {
    const lazy = w3cTraceContextPropagator();
    const eager = new W3CTraceContextPropagator();
    const incoming = { traceparent: TRACEPARENT, tracestate: "vendor=value" };
    const extracted = lazy.extract(ROOT_CONTEXT, incoming, getter);
    expect(trace.getSpanContext(extracted)).toEqual(trace.getSpanContext(eager.extract(ROOT_CONTEXT, incoming, getter)));
    expect(trace.getSpanContext(extracted)?.traceId).toBe("0af7651916cd43dd8448eb211c80319c");
    const [viaLazy, viaEager]: Carrier[] = [{}, {}];
    lazy.inject(extracted, viaLazy, setter);
    eager.inject(extracted, viaEager, setter);
    expect(viaLazy).toEqual(incoming);
    expect(viaLazy).toEqual(viaEager);
    expect(lazy.fields()).toEqual(eager.fields());
  });

  it("leaves a context without a valid traceparent as it was", () => {
    const lazy = w3cTraceContextPropagator();
    expect(lazy.extract(ROOT_CONTEXT, { traceparent: "garbage" }, getter)).toBe(ROOT_CONTEXT);
    const carrier: Carrier = {};
    lazy.inject(ROOT_CONTEXT, carrier, setter);
    expect(carrier).toEqual({});
  });
});
