/**
 * Metrics with prom-client, named as go-grpc-prometheus names them so existing dashboards and
 * alerts work: calls started and handled (by method and code), a latency histogram, calls in
 * flight, and messages each way, for servers (`grpc_server_*`) and clients (`grpc_client_*`).
 * The metrics live in the registry passed in; nothing is registered globally.
 */
import { Counter, Gauge, Histogram, type Registry } from "prom-client";
import { Code, codeName } from "../code.js";
import type { Middleware } from "../endpoint.js";
import type { ClientMiddleware } from "../outgoing.js";
import type { MethodKind, MethodSpec } from "../spec.js";
import { observe, observeCall, type CallObserver } from "./observe.js";

/** The metrics of one side (server or client), registered in one registry. */
export interface RpcMetrics {
  readonly started: Counter<Label>;
  readonly handled: Counter<Label | "grpc_code">;
  readonly handlingSeconds: Histogram<Label>;
  readonly inFlight: Gauge<Label>;
  readonly received: Counter<Label>;
  readonly sent: Counter<Label>;
}

type Label = "grpc_type" | "grpc_service" | "grpc_method";

/** Latency buckets in seconds: 1 ms to 10 s, as go-grpc-prometheus's default plus finer low end. */
const LATENCY_BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

/** Creates and registers the metrics of `side` in `registry` (once per registry and side). */
export function createRpcMetrics(registry: Registry, side: "server" | "client"): RpcMetrics {
  const registers = [registry];
  const labelNames = ["grpc_type", "grpc_service", "grpc_method"] as const;
  const prefix = `grpc_${side}`;
  const what = side === "server" ? "RPCs started on the server" : "RPCs started by the client";
  return {
    started: new Counter({ name: `${prefix}_started_total`, help: `Total number of ${what}.`, labelNames, registers }),
    handled: new Counter({
      name: `${prefix}_handled_total`,
      help: `Total number of RPCs completed on the ${side}, regardless of success or failure.`,
      labelNames: [...labelNames, "grpc_code"],
      registers,
    }),
    handlingSeconds: new Histogram({
      name: `${prefix}_handling_seconds`,
      help: `Histogram of response latency (seconds) of RPCs until completed by the ${side}.`,
      labelNames,
      buckets: LATENCY_BUCKETS,
      registers,
    }),
    inFlight: new Gauge({ name: `${prefix}_in_flight`, help: `Number of RPCs in flight on the ${side}.`, labelNames, registers }),
    received: new Counter({
      name: `${prefix}_msg_received_total`,
      help: `Total number of RPC stream messages received by the ${side}.`,
      labelNames,
      registers,
    }),
    sent: new Counter({ name: `${prefix}_msg_sent_total`, help: `Total number of RPC stream messages sent by the ${side}.`, labelNames, registers }),
  };
}

/** Server middleware recording every call in `metrics` (from `createRpcMetrics(registry, "server")`). */
export function serverMetrics(metrics: RpcMetrics): Middleware {
  const cache = new WeakMap<MethodSpec, MethodMetrics>();
  return (next) => (ctx, input) => observeCall(ctx, input, next, callObserver(metrics, cache, ctx.method, "server"));
}

/** Client middleware recording every outgoing call in `metrics` (from `createRpcMetrics(registry, "client")`). */
export function clientMetrics(metrics: RpcMetrics): ClientMiddleware {
  const cache = new WeakMap<MethodSpec, MethodMetrics>();
  return (next) => (call, input) =>
    observe({ method: call.method, signal: call.options.signal }, (observed) => next(call, observed), input, callObserver(metrics, cache, call.method, "client"));
}

/** Labels per method, computed once: calls are the hot path. */
const grpcTypes: Record<MethodKind, string> = {
  unary: "unary",
  server_streaming: "server_stream",
  client_streaming: "client_stream",
  bidi_streaming: "bidi_stream",
};

/** The metric children of one method, bound to its labels once: label lookups cost per call. */
interface MethodMetrics {
  readonly started: { inc(): void };
  readonly inFlight: { inc(): void; dec(): void };
  readonly handlingSeconds: { startTimer(): () => unknown };
  readonly received: { inc(): void };
  readonly sent: { inc(): void };
  /** `handled` by code, bound as codes occur. */
  readonly handled: Map<Code, { inc(): void }>;
  readonly labels: Record<Label, string>;
}

/**
 * An observer counting into `metrics`. The observer hears of inputs and outputs of the endpoint:
 * a server receives its inputs and sends its outputs, a client the other way round.
 */
function callObserver(metrics: RpcMetrics, cache: WeakMap<MethodSpec, MethodMetrics>, method: MethodSpec, side: "server" | "client"): CallObserver {
  let bound = cache.get(method);
  if (bound === undefined) cache.set(method, (bound = bind(metrics, method)));
  const m = bound;
  m.started.inc();
  m.inFlight.inc();
  const stopTimer = m.handlingSeconds.startTimer();
  const input = side === "server" ? m.received : m.sent;
  const output = side === "server" ? m.sent : m.received;
  return {
    received: () => input.inc(),
    sent: () => output.inc(),
    end: (error) => {
      stopTimer();
      m.inFlight.dec();
      const code = error?.code ?? Code.OK;
      let handled = m.handled.get(code);
      if (handled === undefined) m.handled.set(code, (handled = metrics.handled.labels({ ...m.labels, grpc_code: codeName(code) })));
      handled.inc();
    },
  };
}

function bind(metrics: RpcMetrics, method: MethodSpec): MethodMetrics {
  const labels = { grpc_type: grpcTypes[method.kind], grpc_service: method.serviceName, grpc_method: method.name };
  return {
    started: metrics.started.labels(labels),
    inFlight: metrics.inFlight.labels(labels),
    handlingSeconds: metrics.handlingSeconds.labels(labels),
    received: metrics.received.labels(labels),
    sent: metrics.sent.labels(labels),
    handled: new Map(),
    labels,
  };
}
