/**
 * Starting the OpenTelemetry trace SDK from the standard `OTEL_*` environment variables. Nothing
 * is loaded unless an exporter is asked for (`OTEL_TRACES_EXPORTER`, or an OTLP endpoint), so a
 * service without tracing pays nothing at start-up; it then uses the API's no-op provider.
 */
import type { TracerProvider } from "@opentelemetry/api";
import { context, propagation, trace } from "./otel-api.js";
import { ConfigError } from "./config-error.js";

/** The tracing of a running service. */
export interface TracingHandle {
  /** Pass to the tracing middleware. */
  readonly tracerProvider: TracerProvider;
  /** The exporters in use (`[]` when tracing is off). */
  readonly exporters: readonly string[];
  /** Flushes spans not yet exported and stops the SDK. */
  shutdown(): Promise<void>;
}

type Env = Readonly<Record<string, string | undefined>>;

const knownExporters = new Set(["otlp", "console", "none"]);

/**
 * Starts tracing as the environment says: `OTEL_TRACES_EXPORTER` (`otlp`, `console`, `none`; a
 * comma-separated list), `OTEL_EXPORTER_OTLP_ENDPOINT` / `OTEL_EXPORTER_OTLP_TRACES_ENDPOINT`
 * (which alone imply `otlp`), `OTEL_EXPORTER_OTLP_HEADERS` / `OTEL_EXPORTER_OTLP_TRACES_HEADERS`,
 * `OTEL_SERVICE_NAME`, `OTEL_RESOURCE_ATTRIBUTES`,
 * `OTEL_TRACES_SAMPLER` and `OTEL_TRACES_SAMPLER_ARG`, `OTEL_SDK_DISABLED`. When tracing is on,
 * the SDK is registered as the process's provider, with an AsyncLocalStorage context manager and
 * the W3C propagator, so libraries instrumented with the API join the same traces.
 */
export async function startTracing(defaultServiceName: string, env: Env): Promise<TracingHandle> {
  const exporters = exportersFrom(env);
  if (exporters.length === 0) return { tracerProvider: trace.getTracerProvider(), exporters, shutdown: async () => {} };
  const [sdk, hooks, resources, core] = await Promise.all([
    import("@opentelemetry/sdk-trace"),
    import("@opentelemetry/context-async-hooks"),
    import("@opentelemetry/resources"),
    import("@opentelemetry/core"),
  ]);
  const spanProcessors = await Promise.all(
    exporters.map(async (name) =>
      name === "console"
        ? new sdk.SimpleSpanProcessor({ exporter: new sdk.ConsoleSpanExporter() })
        : new sdk.BatchSpanProcessor({ exporter: new (await import("@opentelemetry/exporter-trace-otlp-http")).OTLPTraceExporter(otlpOptions(env)) }),
    ),
  );
  const attributes = keyValueList(env["OTEL_RESOURCE_ATTRIBUTES"]);
  const resource = resources.resourceFromAttributes({
    ...attributes,
    "service.name": env["OTEL_SERVICE_NAME"]?.trim() || attributes["service.name"] || defaultServiceName,
  });
  const provider = new sdk.TracerProvider({ resource, spanProcessors, sampler: samplerFrom(sdk, env) });
  context.setGlobalContextManager(new hooks.AsyncLocalStorageContextManager().enable());
  propagation.setGlobalPropagator(new core.W3CTraceContextPropagator());
  trace.setGlobalTracerProvider(provider);
  return { tracerProvider: provider, exporters, shutdown: () => provider.shutdown() };
}

/**
 * The exporter's endpoint and headers from `env`. The exporter would read `process.env` itself;
 * reading the `env` passed in keeps configuration explicit (and testable).
 */
function otlpOptions(env: Env): { url?: string; headers?: Record<string, string> } {
  const tracesEndpoint = env["OTEL_EXPORTER_OTLP_TRACES_ENDPOINT"]?.trim();
  const endpoint = env["OTEL_EXPORTER_OTLP_ENDPOINT"]?.trim();
  // The per-signal variable is used as is; the general one gets the signal's path appended.
  const url = tracesEndpoint || (endpoint ? `${endpoint.replace(/\/+$/, "")}/v1/traces` : undefined);
  const headers = { ...keyValueList(env["OTEL_EXPORTER_OTLP_HEADERS"]), ...keyValueList(env["OTEL_EXPORTER_OTLP_TRACES_HEADERS"]) };
  return { ...(url ? { url } : {}), ...(Object.keys(headers).length > 0 ? { headers } : {}) };
}

/** `key1=value1,key2=value2` (values percent-encoded), the format of the OTEL list variables. */
function keyValueList(raw: string | undefined): Record<string, string> {
  const entries: Record<string, string> = {};
  for (const item of (raw ?? "").split(",")) {
    const at = item.indexOf("=");
    if (at <= 0) continue;
    try {
      entries[decodeURIComponent(item.slice(0, at).trim())] = decodeURIComponent(item.slice(at + 1).trim());
    } catch {
      throw new ConfigError(`"${item}" in an OTEL_* list is not key=value with percent-encoding`);
    }
  }
  return entries;
}

function exportersFrom(env: Env): string[] {
  if (env["OTEL_SDK_DISABLED"]?.trim().toLowerCase() === "true") return [];
  const raw = env["OTEL_TRACES_EXPORTER"]?.trim();
  const endpoint = env["OTEL_EXPORTER_OTLP_TRACES_ENDPOINT"] || env["OTEL_EXPORTER_OTLP_ENDPOINT"];
  if (!raw) return endpoint ? ["otlp"] : [];
  const names = raw.split(",").map((name) => name.trim().toLowerCase());
  const unknown = names.find((name) => !knownExporters.has(name));
  if (unknown !== undefined) throw new ConfigError(`OTEL_TRACES_EXPORTER: "${unknown}" is not one of otlp, console, none`);
  return names.includes("none") ? [] : [...new Set(names)];
}

type SdkModule = typeof import("@opentelemetry/sdk-trace");
type Sampler = import("@opentelemetry/sdk-trace").Sampler;

function samplerFrom(sdk: SdkModule, env: Env): Sampler {
  const name = env["OTEL_TRACES_SAMPLER"]?.trim().toLowerCase() || "parentbased_always_on";
  const ratio = () => samplerRatio(env["OTEL_TRACES_SAMPLER_ARG"]);
  switch (name) {
    case "always_on":
      return new sdk.AlwaysOnSampler();
    case "always_off":
      return new sdk.AlwaysOffSampler();
    case "traceidratio":
      return new sdk.TraceIdRatioBasedSampler(ratio());
    case "parentbased_always_on":
      return new sdk.ParentBasedSampler({ root: new sdk.AlwaysOnSampler() });
    case "parentbased_always_off":
      return new sdk.ParentBasedSampler({ root: new sdk.AlwaysOffSampler() });
    case "parentbased_traceidratio":
      return new sdk.ParentBasedSampler({ root: new sdk.TraceIdRatioBasedSampler(ratio()) });
    default:
      throw new ConfigError(`OTEL_TRACES_SAMPLER: "${name}" is not a sampler this service knows`);
  }
}

function samplerRatio(raw: string | undefined): number {
  if (raw === undefined || raw.trim() === "") return 1;
  const ratio = Number(raw);
  if (!Number.isFinite(ratio) || ratio < 0 || ratio > 1) throw new ConfigError(`OTEL_TRACES_SAMPLER_ARG: "${raw}" is not a ratio from 0 to 1`);
  return ratio;
}
