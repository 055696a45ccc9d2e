// DNS discovery (Kubernetes headless services through SRV, plain host names through A/AAAA)
// against a small DNS server on 127.0.0.1 whose zone the test edits, opened through registry URLs.
import { afterEach, beforeEach, expect, test } from "vitest";
import { defaultKubernetesServiceName } from "../../src/runtime/registry/kubernetes-dns.js";
import { openRegistry } from "../../src/runtime/registry/open.js";
import type { ServiceRegistry } from "../../src/runtime/registry/types.js";
import { TestDnsServer } from "./dns-server.js";
import { ids, WatchRecorder } from "./support.js";

const PRODUCT = "ecommerce.product.v1.ProductService";
const SRV_NAME = "_grpc._tcp.product.shop.svc.cluster.local";
let dns: TestDnsServer;
const cleanups: Array<() => Promise<void> | void> = [];

beforeEach(async () => {
  dns = await TestDnsServer.start();
  cleanups.push(() => dns.close());
});
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function open(url: string): Promise<ServiceRegistry> {
  const registry = await openRegistry(url);
  cleanups.push(() => registry.close());
  return registry;
}

function record(registry: ServiceRegistry, service: string): WatchRecorder {
  const recorder = new WatchRecorder(registry, service);
  cleanups.push(() => recorder.stop());
  return recorder;
}

function podsZone(): void {
  dns.zone.set(SRV_NAME, [
    { type: "SRV", data: { port: 50051, target: "pod-a.product.shop.svc.cluster.local", weight: 10 } },
    { type: "SRV", data: { port: 50052, target: "pod-b.product.shop.svc.cluster.local", weight: 0 } },
  ]);
  dns.zone.set("pod-a.product.shop.svc.cluster.local", [{ type: "A", data: "10.0.0.1" }]);
  dns.zone.set("pod-b.product.shop.svc.cluster.local", [
    { type: "A", data: "10.0.0.2" },
    { type: "AAAA", data: "fd00::2" },
  ]);
}

test("k8s:// resolves the SRV records of the headless service, re-resolves on the interval, and keeps the set through an outage", { timeout: 20_000 }, async () => {
  podsZone();
  const registry = await open(`k8s://shop?server=${dns.address}&interval=200`);
  const watcher = record(registry, PRODUCT);
  await watcher.until((set) => set.length > 0, 3_000, "the pods");
  expect(watcher.latest).toEqual([
    { service: PRODUCT, id: "10.0.0.1:50051", host: "10.0.0.1", ports: { grpc: 50051 }, version: "", metadata: { weight: "10" } },
    { service: PRODUCT, id: "10.0.0.2:50052", host: "10.0.0.2", ports: { grpc: 50052 }, version: "", metadata: {} },
    { service: PRODUCT, id: "[fd00::2]:50052", host: "fd00::2", ports: { grpc: 50052 }, version: "", metadata: {} },
  ]);
  expect(dns.questions).toContain(`SRV ${SRV_NAME}`);

  // pod-a stops being ready: its SRV record goes.
  const changedAt = performance.now();
  dns.zone.set(SRV_NAME, dns.zone.get(SRV_NAME)?.slice(1) ?? []);
  const seenAt = await watcher.until((set) => !ids(set).includes("10.0.0.1:50051"), 1_000, "pod-a gone");
  console.log(`dns: SRV change seen after ${Math.round(seenAt - changedAt)} ms (interval 200 ms)`);
  expect(ids(watcher.latest)).toEqual(["10.0.0.2:50052", "[fd00::2]:50052"]);

  // DNS stops answering: the last set stays (no empty set is emitted).
  const setsBefore = watcher.sets.length;
  dns.silent = true;
  await new Promise((resolve) => setTimeout(resolve, 1_500));
  expect(watcher.sets.length).toBe(setsBefore);
  dns.silent = false;

  // The service is deleted: NXDOMAIN means no instances.
  dns.zone.delete(SRV_NAME);
  await watcher.until((set) => set.length === 0, 3_000, "the empty set after NXDOMAIN");
});

test("k8s:// maps a service explicitly, uses the port name, and an unknown name is empty", { timeout: 10_000 }, async () => {
  dns.zone.set("_http._tcp.catalog.default.svc.example.org", [{ type: "SRV", data: { port: 8080, target: "10.1.2.3" } }]);
  const registry = await open(`k8s://?port=http&domain=example.org&${PRODUCT}=catalog&server=${dns.address}&interval=200`);
  const watcher = record(registry, PRODUCT);
  await watcher.until((set) => set.length > 0, 3_000, "catalog");
  expect(watcher.latest).toEqual([{ service: PRODUCT, id: "10.1.2.3:8080", host: "10.1.2.3", ports: { http: 8080 }, version: "", metadata: {} }]);

  const missing = record(registry, "ecommerce.order.v1.OrderService");
  await missing.until((set) => set.length === 0, 3_000, "an empty set for a service DNS does not know");
  expect(dns.questions).toContain("SRV _http._tcp.order.default.svc.example.org");
});

test("dns:// resolves A and AAAA records of a host name with the given port", { timeout: 10_000 }, async () => {
  dns.zone.set("api.internal.test", [
    { type: "A", data: "192.0.2.10" },
    { type: "A", data: "192.0.2.11" },
    { type: "AAAA", data: "2001:db8::10" },
  ]);
  const registry = await open(`dns://?test.Api=api.internal.test:9000&server=${dns.address}&interval=200`);
  const watcher = record(registry, "test.Api");
  await watcher.until((set) => set.length > 0, 3_000, "the addresses");
  expect(ids(watcher.latest)).toEqual(["192.0.2.10:9000", "192.0.2.11:9000", "[2001:db8::10]:9000"]);
  expect(watcher.latest?.every((i) => i.ports.grpc === 9000)).toBe(true);
  // Registering is the platform's job: it does nothing and does not fail.
  await registry.register({ service: "test.Api", id: "x", host: "h", ports: { grpc: 1 }, version: "", metadata: {} });
});

test("default Kubernetes service names", () => {
  expect(defaultKubernetesServiceName(PRODUCT)).toBe("product");
  expect(defaultKubernetesServiceName("shop.v1.OrderHistoryService")).toBe("order-history");
  expect(defaultKubernetesServiceName("Greeter")).toBe("greeter");
  expect(defaultKubernetesServiceName("a.b.HTTPGateway")).toBe("httpgateway");
});
