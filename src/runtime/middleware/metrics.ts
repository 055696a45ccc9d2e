/**
 * Metrics with prom-client, named as go-grpc-prometheus names them so existing dashboards and
 * alerts work: calls started and handled (by method and code), a latency histogram, calls in
 * flight, and messages each way, for servers (`grpc_server_*`) and clients (`grpc_client_*`).
 * The metrics live in the registry passed in; nothing is registered globally.
 */
import { Counter, Gauge, type Registry } from "prom-client";
import { Code, codeName } from "../code.js";
import type { Middleware } from "../endpoint.js";
import type { ServiceError } from "../errors.js";
import type { ClientMiddleware } from "../outgoing.js";
import type { MethodKind, MethodSpec } from "../spec.js";
import { BoundHistogram, type HistogramSeries } from "./bound-histogram.js";
import { observe, observeCall, type CallObserver } from "./observe.js";

/** The metrics of one side (server or client), registered in one registry. */
export interface RpcMetrics {
  readonly started: Counter<Label>;
  readonly handled: Counter<Label | "grpc_code">;
  readonly handlingSeconds: BoundHistogram<Label>;
  readonly inFlight: Gauge<Label>;
  readonly received: Counter<Label>;
  readonly sent: Counter<Label>;
}

type Label = "grpc_type" | "grpc_service" | "grpc_method";

/** Latency buckets in seconds: 1 ms to 10 s, as go-grpc-prometheus's default plus finer low end. */
const LATENCY_BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

/**
 * The calls of each method counted since the last scrape, kept as plain numbers: prom-client
 * hashes the label set on every update, so counting into it directly costs more than a small
 * call's own work. Written into the metrics when the registry collects them.
 */
const TALLIES = Symbol("gen-svc.rpc-metrics.tallies");

/** The metrics as {@link createRpcMetrics} makes them: with the per-method tallies it flushes. */
type TalliedMetrics = RpcMetrics & { readonly [TALLIES]?: Map<string, MethodTally> };

/** Creates and registers the metrics of `side` in `registry` (once per registry and side). */
export function createRpcMetrics(registry: Registry, side: "server" | "client"): RpcMetrics {
  const registers = [registry];
  const labelNames = ["grpc_type", "grpc_service", "grpc_method"] as const;
  const prefix = `grpc_${side}`;
  const what = side === "server" ? "RPCs started on the server" : "RPCs started by the client";
  const tallies = new Map<string, MethodTally>();
  // Every metric flushes every tally before it is read; whichever is read first does the work.
  const collect = () => {
    for (const tally of tallies.values()) tally.flush();
  };
  const metrics: TalliedMetrics = {
    started: new Counter({ name: `${prefix}_started_total`, help: `Total number of ${what}.`, labelNames, registers, collect }),
    handled: new Counter({
      name: `${prefix}_handled_total`,
      help: `Total number of RPCs completed on the ${side}, regardless of success or failure.`,
      labelNames: [...labelNames, "grpc_code"],
      registers,
      collect,
    }),
    handlingSeconds: new BoundHistogram({
      name: `${prefix}_handling_seconds`,
      help: `Histogram of response latency (seconds) of RPCs until completed by the ${side}.`,
      labelNames,
      buckets: LATENCY_BUCKETS,
      registers,
    }),
    inFlight: new Gauge({ name: `${prefix}_in_flight`, help: `Number of RPCs in flight on the ${side}.`, labelNames, registers, collect }),
    received: new Counter({
      name: `${prefix}_msg_received_total`,
      help: `Total number of RPC stream messages received by the ${side}.`,
      labelNames,
      registers,
      collect,
    }),
    sent: new Counter({ name: `${prefix}_msg_sent_total`, help: `Total number of RPC stream messages sent by the ${side}.`, labelNames, registers, collect }),
    [TALLIES]: tallies,
  };
  return metrics;
}

/** Server middleware recording every call in `metrics` (from `createRpcMetrics(registry, "server")`). */
export function serverMetrics(metrics: RpcMetrics): Middleware {
  return (next) => {
    // A chain serves one method: its tally is found once, not per call.
    let method: MethodSpec | undefined;
    let tally: MethodTally | undefined;
    return (ctx, input) => {
      if (method !== ctx.method) tally = tallyOf(metrics, (method = ctx.method));
      return observeCall(ctx, input, next, new MetricsObserver(tally!, "server"));
    };
  };
}

/** Client middleware recording every outgoing call in `metrics` (from `createRpcMetrics(registry, "client")`). */
export function clientMetrics(metrics: RpcMetrics): ClientMiddleware {
  return (next) => (call, input) =>
    observe({ method: call.method, signal: call.options.signal }, (observed) => next(call, observed), input, new MetricsObserver(tallyOf(metrics, call.method), "client"));
}

/** Labels per method, computed once: calls are the hot path. */
const grpcTypes: Record<MethodKind, string> = {
  unary: "unary",
  server_streaming: "server_stream",
  client_streaming: "client_stream",
  bidi_streaming: "bidi_stream",
};

/** The tally of a method in `metrics`; metrics made elsewhere than createRpcMetrics get one of their own, flushed as it counts. */
function tallyOf(metrics: TalliedMetrics, method: MethodSpec): MethodTally {
  const tallies = metrics[TALLIES];
  if (tallies === undefined) return new MethodTally(method, metrics, true);
  let tally = tallies.get(method.path);
  if (tally === undefined) tallies.set(method.path, (tally = new MethodTally(method, metrics, false)));
  return tally;
}

/**
 * One method's counts since the last flush (in flight: the current number). Latencies go to the
 * histogram as they come, into the method's series bound once.
 */
class MethodTally {
  private readonly labels: Record<Label, string>;
  private readonly latency: HistogramSeries;
  private started = 0;
  private inFlight = 0;
  private received = 0;
  private sent = 0;
  /** Calls ended since the last flush, by code. */
  private readonly handled = new Map<Code, number>();
  private everStarted = false;

  /** `flushEach`: write into `metrics` after every update (metrics whose collect does not flush). */
  constructor(
    method: MethodSpec,
    private readonly metrics: RpcMetrics,
    private readonly flushEach: boolean,
  ) {
    this.labels = { grpc_type: grpcTypes[method.kind], grpc_service: method.serviceName, grpc_method: method.name };
    this.latency = metrics.handlingSeconds.bind(this.labels);
  }

  start(): void {
    this.started++;
    this.inFlight++;
    if (this.flushEach) this.flush();
  }

  /** One message each way: `received` true for one the side took in. */
  message(received: boolean): void {
    if (received) this.received++;
    else this.sent++;
    if (this.flushEach) this.flush();
  }

  /** A call ended with `code` after `seconds`. */
  end(code: Code, seconds: number): void {
    this.inFlight--;
    this.handled.set(code, (this.handled.get(code) ?? 0) + 1);
    this.latency.observe(seconds);
    if (this.flushEach) this.flush();
  }

  /** Adds what was counted since the last flush to the metrics. */
  flush(): void {
    const { metrics, labels } = this;
    if (this.started > 0) {
      metrics.started.inc(labels, this.started);
      this.everStarted = true;
    }
    if (this.everStarted) metrics.inFlight.set(labels, this.inFlight);
    if (this.received > 0) metrics.received.inc(labels, this.received);
    if (this.sent > 0) metrics.sent.inc(labels, this.sent);
    for (const [code, count] of this.handled) metrics.handled.inc({ ...labels, grpc_code: codeName(code) }, count);
    this.started = this.received = this.sent = 0;
    this.handled.clear();
  }
}

/**
 * The observer of one call, counting into its method's tally. It hears of inputs and outputs of
 * the endpoint: a server receives its inputs and sends its outputs, a client the other way round.
 */
class MetricsObserver implements CallObserver {
  private readonly startedAt = performance.now();

  constructor(
    private readonly tally: MethodTally,
    private readonly side: "server" | "client",
  ) {
    tally.start();
  }

  received(): void {
    this.tally.message(this.side === "server");
  }

  sent(): void {
    this.tally.message(this.side === "client");
  }

  end(error: ServiceError | undefined): void {
    this.tally.end(error?.code ?? Code.OK, (performance.now() - this.startedAt) / 1000);
  }
}
