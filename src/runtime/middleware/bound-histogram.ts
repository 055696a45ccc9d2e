/**
 * A Prometheus histogram whose label sets are bound once and observed without hashing. prom-client's
 * `Histogram.observe(labels, value)` validates and hashes the label set on every call (also through
 * `labels(...)`), about 1 µs: a measurable share of a small gRPC call. Here each label set (one per
 * method) is a {@link HistogramSeries} holding plain counters; prom-client's registry still
 * formats and serves the metric, which it reads through `get()` like any of its own.
 */
import type { Registry, RegistryContentType } from "prom-client";

/** How a {@link BoundHistogram} is made. */
export interface BoundHistogramOptions<L extends string> {
  readonly name: string;
  readonly help: string;
  readonly labelNames: readonly L[];
  /** Upper bounds of the buckets, ascending; `+Inf` is added. */
  readonly buckets: readonly number[];
  readonly registers: readonly Registry<RegistryContentType>[];
}

/** One line of the metric as prom-client's registry reads it (its `MetricValueWithName`). */
export interface HistogramValue {
  readonly metricName: string;
  readonly labels: Readonly<Record<string, string | number>>;
  readonly value: number;
}

/** The metric as prom-client's registry reads it from `get()` (its `MetricObjectWithValues`). */
export interface HistogramSnapshot {
  readonly name: string;
  readonly help: string;
  readonly type: "histogram";
  readonly values: HistogramValue[];
  readonly aggregator: "sum";
}

/** One label set's observations. */
export class HistogramSeries {
  /** Observations per bucket (not cumulative); the last slot counts those above every bound. */
  readonly counts: Float64Array;
  sum = 0;
  count = 0;

  constructor(
    readonly labels: Readonly<Record<string, string>>,
    private readonly bounds: readonly number[],
  ) {
    this.counts = new Float64Array(bounds.length + 1);
  }

  /** Records one value (e.g. seconds). */
  observe(value: number): void {
    const { bounds } = this;
    let i = 0;
    while (i < bounds.length && value > bounds[i]!) i++;
    this.counts[i]!++;
    this.sum += value;
    this.count++;
  }
}

/** A histogram metric registered in prom-client registries, observed through bound series. */
export class BoundHistogram<L extends string> {
  readonly name: string;
  readonly help: string;
  readonly type = "histogram" as const;
  /** How prom-client's cluster aggregation merges it across workers. */
  readonly aggregator = "sum" as const;
  private readonly bounds: readonly number[];
  private readonly series = new Map<string, HistogramSeries>();

  constructor(private readonly options: BoundHistogramOptions<L>) {
    this.name = options.name;
    this.help = options.help;
    this.bounds = [...options.buckets];
    // Registry.registerMetric reads name, help, type and get(): what this class provides.
    for (const registry of options.registers) registry.registerMetric(this as unknown as Parameters<Registry["registerMetric"]>[0]);
  }

  /** The series of a label set, made on first use; keep it and observe into it. */
  bind(labels: Readonly<Record<L, string>>): HistogramSeries {
    const key = this.options.labelNames.map((name) => labels[name]).join("\u0000");
    let series = this.series.get(key);
    if (series === undefined) this.series.set(key, (series = new HistogramSeries({ ...labels }, this.bounds)));
    return series;
  }

  /** Forgets every observation (prom-client's `registry.resetMetrics()` calls it). */
  reset(): void {
    this.series.clear();
  }

  /** The metric as prom-client's own histograms report it: cumulative buckets, sum and count per series. */
  async get(): Promise<HistogramSnapshot> {
    const values: HistogramValue[] = [];
    for (const series of this.series.values()) {
      let cumulative = 0;
      for (const [i, bound] of this.bounds.entries()) {
        cumulative += series.counts[i]!;
        values.push({ metricName: `${this.name}_bucket`, labels: { le: bound, ...series.labels }, value: cumulative });
      }
      values.push({ metricName: `${this.name}_bucket`, labels: { le: "+Inf", ...series.labels }, value: series.count });
      values.push({ metricName: `${this.name}_sum`, labels: series.labels, value: series.sum });
      values.push({ metricName: `${this.name}_count`, labels: series.labels, value: series.count });
    }
    return { name: this.name, help: this.help, type: this.type, values, aggregator: this.aggregator };
  }
}
