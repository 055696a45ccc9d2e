// The pre-bound latency histogram must expose exactly what prom-client's own Histogram exposes
// for the same observations, in both text formats, so dashboards cannot tell them apart.
import { Histogram, Registry, type RegistryContentType } from "prom-client";
import { describe, expect, test } from "vitest";
import { BoundHistogram } from "../../src/runtime/middleware/bound-histogram.js";

const buckets = [0.001, 0.01, 0.1, 1];
const labelNames = ["grpc_method", "grpc_type"] as const;
const observations: Array<[Record<(typeof labelNames)[number], string>, number]> = [
  [{ grpc_method: "Echo", grpc_type: "unary" }, 0.0005],
  [{ grpc_method: "Echo", grpc_type: "unary" }, 0.001],
  [{ grpc_method: "Echo", grpc_type: "unary" }, 0.05],
  [{ grpc_method: "Expand", grpc_type: "server_stream" }, 3],
  [{ grpc_method: "Echo", grpc_type: "unary" }, 0.2],
];

function both(contentType: RegistryContentType = Registry.PROMETHEUS_CONTENT_TYPE) {
  const promRegistry = new Registry<RegistryContentType>();
  const boundRegistry = new Registry<RegistryContentType>();
  promRegistry.setContentType(contentType);
  boundRegistry.setContentType(contentType);
  const options = { name: "rpc_seconds", help: "Latency.", labelNames, buckets };
  const prom = new Histogram({ ...options, labelNames: [...labelNames], registers: [promRegistry] });
  const bound = new BoundHistogram({ ...options, registers: [boundRegistry] });
  for (const [labels, value] of observations) {
    prom.observe(labels, value);
    bound.bind(labels).observe(value);
  }
  return { promRegistry, boundRegistry, bound };
}

describe("BoundHistogram", () => {
  test("exposes the same text as prom-client's Histogram (Prometheus and OpenMetrics)", async () => {
    const { promRegistry, boundRegistry } = both();
    expect(await boundRegistry.metrics()).toBe(await promRegistry.metrics());
    expect(await boundRegistry.metrics()).toContain('rpc_seconds_bucket{le="0.1",grpc_method="Echo",grpc_type="unary"} 3');
    const open = both(Registry.OPENMETRICS_CONTENT_TYPE);
    expect(await open.boundRegistry.metrics()).toBe(await open.promRegistry.metrics());
  });

  test("the same JSON values, and binding a label set twice gives one series", async () => {
    const { promRegistry, boundRegistry, bound } = both();
    expect(bound.bind({ grpc_method: "Echo", grpc_type: "unary" })).toBe(bound.bind({ grpc_type: "unary", grpc_method: "Echo" }));
    // prom-client adds `exemplar: null` to its bucket lines (exemplars are off); nothing reads it.
    const withoutExemplars = (metrics: Awaited<ReturnType<Registry["getMetricsAsJSON"]>>) =>
      metrics.map((m) => ({ ...m, values: m.values.map((value) => ({ ...value, exemplar: undefined })) }));
    expect(withoutExemplars(await boundRegistry.getMetricsAsJSON())).toEqual(withoutExemplars(await promRegistry.getMetricsAsJSON()));
  });

  test("resetMetrics forgets the observations", async () => {
    const { boundRegistry } = both();
    boundRegistry.resetMetrics();
    expect(await boundRegistry.metrics()).toBe("# HELP rpc_seconds Latency.\n# TYPE rpc_seconds histogram\n");
  });
});
