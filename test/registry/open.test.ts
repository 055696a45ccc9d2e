// openRegistry: the backend each registry URL opens, the static list it describes, and the
// ConfigError every malformed URL gets.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { expect, test } from "vitest";
import { ConfigError } from "../../src/runtime/config.js";
import { EtcdRegistry } from "../../src/runtime/registry/etcd.js";
import { DnsDiscovery } from "../../src/runtime/registry/kubernetes-dns.js";
import { LocalRegistry } from "../../src/runtime/registry/local.js";
import { openRegistry } from "../../src/runtime/registry/open.js";
import { parseRegistryUrl } from "../../src/runtime/registry/url.js";
import { StaticRegistry } from "../../src/runtime/registry/static.js";
import type { ServiceInstance } from "../../src/runtime/registry/types.js";

async function firstSets(registry: StaticRegistry, service: string): Promise<Array<readonly ServiceInstance[]>> {
  const abort = new AbortController();
  const sets: Array<readonly ServiceInstance[]> = [];
  const reading = (async () => {
    for await (const set of registry.watch(service, abort.signal)) sets.push(set);
  })();
  await new Promise((resolve) => setTimeout(resolve, 100));
  abort.abort();
  await reading;
  return sets;
}

test("static:// lists gRPC addresses per service and emits them once", async () => {
  const registry = await openRegistry("static://?shop.v1.Product=10.0.0.1:50051,[::1]:50052&shop.v1.Order=order.internal:7000");
  expect(registry).toBeInstanceOf(StaticRegistry);
  const product = await firstSets(registry as StaticRegistry, "shop.v1.Product");
  expect(product).toEqual([
    [
      { service: "shop.v1.Product", id: "10.0.0.1:50051", host: "10.0.0.1", ports: { grpc: 50051 }, version: "", metadata: {} },
      { service: "shop.v1.Product", id: "[::1]:50052", host: "::1", ports: { grpc: 50052 }, version: "", metadata: {} },
    ],
  ]);
  expect(await firstSets(registry as StaticRegistry, "shop.v1.Order")).toEqual([
    [{ service: "shop.v1.Order", id: "order.internal:7000", host: "order.internal", ports: { grpc: 7000 }, version: "", metadata: {} }],
  ]);
  expect(await firstSets(registry as StaticRegistry, "shop.v1.Unknown")).toEqual([[]]);
});

test("each scheme opens its backend with the URL's settings", async () => {
  const dir = mkdtempSync(join(tmpdir(), "gen-svc-open-"));
  try {
    const local = await openRegistry(`local://${dir}?heartbeat=500&stale=2000`);
    expect(local).toBeInstanceOf(LocalRegistry);
    expect((local as LocalRegistry).dir).toBe(dir);
    const byDefault = await openRegistry("local://", { env: { XDG_RUNTIME_DIR: dir } });
    expect((byDefault as LocalRegistry).dir).toBe(join(dir, "gen-svc"));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  const etcd = await openRegistry("etcd://127.0.0.1:2379,127.0.0.1:22379?ttl=5&prefix=/my/services/");
  expect(etcd).toBeInstanceOf(EtcdRegistry);
  expect((etcd as EtcdRegistry).keyOf({ service: "a.B", id: "i/1" })).toBe("/my/services/a.B/i%2F1");
  await etcd.close();
  const etcdDefaults = (await openRegistry("etcd://10.0.0.1:2379")) as EtcdRegistry;
  expect(etcdDefaults.keyOf({ service: "a.B", id: "x" })).toBe("/gen-svc/services/a.B/x");
  await etcdDefaults.close();
  expect(await openRegistry("k8s://shop")).toBeInstanceOf(DnsDiscovery);
  expect(await openRegistry("dns://?a.B=api.test:80&server=127.0.0.1")).toBeInstanceOf(DnsDiscovery);
  expect(parseRegistryUrl("ETCD://h:1/p?x=1")).toMatchObject({ scheme: "etcd", authority: "h:1", path: "/p" });
});

test.each([
  ["127.0.0.1:2379", /not of the form scheme:\/\//],
  ["redis://127.0.0.1:6379", /unknown scheme redis:\/\/ \(use one of local:\/\/, etcd:\/\//],
  ["local://somehost", /local:\/\/ takes a path/],
  ["local://?heartbeat=0", /heartbeat=0 is not an integer from 1/],
  ["local://?color=red", /unknown parameter color/],
  ["etcd://", /etcd:\/\/ needs host:port/],
  ["etcd://127.0.0.1", /"127.0.0.1" is not host:port/],
  ["etcd://127.0.0.1:99999", /"127.0.0.1:99999" is not host:port/],
  ["etcd://127.0.0.1:2379?ttl=0", /ttl=0 is not an integer from 1 to 3600/],
  ["etcd://127.0.0.1:2379?ttl=2.5", /ttl=2.5 is not an integer/],
  ["etcd://127.0.0.1:2379?prefix=", /prefix is empty/],
  ["etcd://127.0.0.1:2379?lease=3", /unknown parameter lease/],
  ["static://", /static:\/\/ lists no addresses/],
  ["static://host:1", /write static:\/\/\?<service>=host:port/],
  ["static://?a.B=nohost", /"nohost" is not host:port/],
  ["k8s://Not_A_Namespace", /is not a Kubernetes namespace name/],
  ["k8s://shop?interval=5", /interval=5 is not an integer from 100/],
  ["k8s://shop?server=dns.example:53", /server=dns.example:53 is not an IP address/],
  ["dns://?interval=1000", /dns:\/\/ lists no services/],
  ["dns://?a.B=api.test", /"api.test" is not host:port/],
])("%s is a ConfigError", async (url, message) => {
  const opening = openRegistry(url);
  await expect(opening).rejects.toBeInstanceOf(ConfigError);
  await expect(opening).rejects.toThrow(message);
});
