/**
 * Starting the OpenTelemetry trace SDK from the standard `OTEL_*` environment variables. Nothing
 * is loaded unless an exporter is asked for (`OTEL_TRACES_EXPORTER`, or an OTLP endpoint), so a
 * service without tracing pays nothing at start-up; it then uses the API's no-op provider.
 */
import { context, propagation, trace, type TracerProvider } from "@opentelemetry/api";
import { ConfigError } from "./config.js";

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
 * (which alone imply `otlp`), `OTEL_SERVICE_NAME`, `OTEL_RESOURCE_ATTRIBUTES`,
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
        : new sdk.BatchSpanProcessor({ exporter: new (await import("@opentelemetry/exporter-trace-otlp-http")).OTLPTraceExporter() }),
    ),
  );
  const resource = resources
    .resourceFromAttributes({ "service.name": defaultServiceName })
    .merge(resources.detectResources({ detectors: [resources.envDetector] }));
  const provider = new sdk.TracerProvider({ resource, spanProcessors, sampler: samplerFrom(sdk, env) });
  context.setGlobalContextManager(new hooks.AsyncLocalStorageContextManager().enable());
  propagation.setGlobalPropagator(new core.W3CTraceContextPropagator());
  trace.setGlobalTracerProvider(provider);
  return { tracerProvider: provider, exporters, shutdown: () => provider.shutdown() };
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
