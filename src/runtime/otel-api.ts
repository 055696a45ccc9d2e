/**
 * `@opentelemetry/api` as the runtime uses it: its CommonJS build, the copy prom-client already
 * loads (its default process metrics `require` the API), so a service loads one copy of the API's
 * ~50 modules instead of two (about 15 ms of start-up). The API keeps what is registered
 * (tracer provider, propagator, context manager) in one global per major version, shared by every
 * copy, so an SDK that imports the ES build registers where this copy looks.
 */
import { loadModule } from "./lazy-module.js";

type OtelApi = typeof import("@opentelemetry/api");

const api = loadModule<OtelApi>("@opentelemetry/api");

/** The API's values the runtime uses; its interfaces come from `@opentelemetry/api` as types. */
export const { context, propagation, trace, ProxyTracerProvider, ROOT_CONTEXT } = api;
/** Span kinds (the enum's values, from the same copy). */
export const SpanKind = api.SpanKind;
/** The enum type of {@link SpanKind}. */
export type SpanKind = import("@opentelemetry/api").SpanKind;
/** Span status codes (the enum's values, from the same copy). */
export const SpanStatusCode = api.SpanStatusCode;
/** The enum type of {@link SpanStatusCode}. */
export type SpanStatusCode = import("@opentelemetry/api").SpanStatusCode;
