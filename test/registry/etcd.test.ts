// The etcd registry against a real etcd on free loopback ports: registration and watch, the
// expiry of a SIGKILLed holder's lease, and etcd stopped and started again (same data, and data
// lost) with the same registrar and watcher still running.
import { Etcd3 } from "etcd3";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, afterEach, beforeAll, expect, test } from "vitest";
import { EtcdRegistry } from "../../src/runtime/registry/etcd.js";
import { freePort } from "../lifecycle/probes.js";
import { startEtcd, type EtcdPlace, type EtcdServer } from "./etcd-server.js";
import { ids, instance, startHolder, WatchRecorder } from "./support.js";

const SERVICE = "test.etcd.v1.Thing";
const TTL_SECONDS = 2;
const root = mkdtempSync(join(tmpdir(), "gen-svc-etcd-"));
const servers: EtcdServer[] = [];
const cleanups: Array<() => Promise<void> | void> = [];
let shared: EtcdServer;

async function newPlace(name: string): Promise<EtcdPlace> {
  return { dataDir: join(root, name), clientPort: await freePort(), peerPort: await freePort() };
}

async function start(place: EtcdPlace): Promise<EtcdServer> {
  const server = await startEtcd(place);
  servers.push(server);
  return server;
}

function registry(url: string): EtcdRegistry {
  const opened = new EtcdRegistry({ hosts: url, ttlSeconds: TTL_SECONDS, registerTimeoutMs: 30_000 });
  cleanups.push(() => opened.close());
  return opened;
}

function record(watched: EtcdRegistry): WatchRecorder {
  const recorder = new WatchRecorder(watched, SERVICE);
  cleanups.push(() => recorder.stop());
  return recorder;
}

beforeAll(async () => {
  shared = await start(await newPlace("shared"));
});
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});
afterAll(async () => {
  for (const server of servers) await server.stop();
  rmSync(root, { recursive: true, force: true });
});

test("register, watch, the key layout, TTL expiry after kill -9 of the holder, and deregistration", { timeout: 40_000 }, async () => {
  const registrar = registry(shared.url);
  const watcher = record(registry(shared.url));
  await watcher.until((set) => set.length === 0, 5_000, "the first (empty) set");
  const a = instance(SERVICE, "a", 5001, { zone: "z1" });
  await registrar.register(a);
  await watcher.until((set) => ids(set).join() === "a", 1_000, "a");
  expect(watcher.latest).toEqual([a]);

  // The documented key layout, read with a plain client.
  const plain = new Etcd3({ hosts: shared.url });
  cleanups.push(() => plain.close());
  const key = `/gen-svc/services/${encodeURIComponent(SERVICE)}/a`;
  const stored = await plain.get(key).exec();
  expect(JSON.parse(stored.kvs[0]?.value.toString() ?? "null")).toEqual(a);
  expect(stored.kvs[0]?.lease).not.toBe("0");

  const holder = startHolder(`etcd://127.0.0.1:${new URL(shared.url).port}?ttl=${TTL_SECONDS}`, instance(SERVICE, "child", 5002));
  cleanups.push(() => holder.kill());
  await holder.registered;
  await watcher.until((set) => ids(set).join() === "a,child", 1_000, "a and child");
  // Keep-alives hold the child's key beyond its TTL.
  await new Promise((resolve) => setTimeout(resolve, TTL_SECONDS * 1_000 + 500));
  expect(ids(watcher.latest)).toEqual(["a", "child"]);

  const killedAt = performance.now();
  await holder.kill();
  const goneAt = await watcher.until((set) => ids(set).join() === "a", TTL_SECONDS * 1_000 + 1_000, "child gone after kill -9");
  console.log(`etcd: kill -9 of the holder seen by the watcher after ${Math.round(goneAt - killedAt)} ms (TTL ${TTL_SECONDS} s)`);

  const deregisteredAt = performance.now();
  await registrar.deregister(a);
  const deregisterSeenAt = await watcher.until((set) => set.length === 0, 1_000, "a deregistered");
  console.log(`etcd: deregistration seen after ${Math.round(deregisterSeenAt - deregisteredAt)} ms`);
  expect((await plain.get(key).exec()).kvs).toEqual([]);
});

test("etcd stopped and started again on the same ports and data: the registrar and the watcher recover", { timeout: 60_000 }, async () => {
  const place = await newPlace("restart");
  let etcd = await start(place);
  const registrar = registry(etcd.url);
  const watcher = record(registry(etcd.url));
  await registrar.register(instance(SERVICE, "a", 5001));
  await watcher.until((set) => ids(set).join() === "a", 2_000, "a");

  await etcd.stop();
  // While etcd is away (longer than a TTL) the watcher keeps its last set, and a registration waits.
  const late = registrar.register(instance(SERVICE, "late", 5002));
  await new Promise((resolve) => setTimeout(resolve, TTL_SECONDS * 1_000 + 1_000));
  expect(ids(watcher.latest)).toEqual(["a"]);

  const restartedAt = performance.now();
  etcd = await start(place);
  const healthyAt = performance.now();
  const seenAt = await watcher.until((set) => ids(set).join() === "a,late", TTL_SECONDS * 1_000, "a and late after the restart");
  await late;
  console.log(`etcd restart (same data): registration made while etcd was down visible to the same watcher ${Math.round(seenAt - restartedAt)} ms after etcd was started (${Math.round(healthyAt - restartedAt)} ms until /health answered)`);
  // Keep-alives resumed: the restart renewed the leases for one TTL, and they outlive it.
  await new Promise((resolve) => setTimeout(resolve, TTL_SECONDS * 1_000 + 1_000));
  expect(ids(watcher.latest)).toEqual(["a", "late"]);
});

test("etcd restarted with its data lost: the instance re-registers within one TTL and the watcher emits it again", { timeout: 60_000 }, async () => {
  const place = await newPlace("lost");
  let etcd = await start(place);
  const registrar = registry(etcd.url);
  const watcher = record(registry(etcd.url));
  await registrar.register(instance(SERVICE, "a", 5001));
  await watcher.until((set) => ids(set).join() === "a", 2_000, "a");

  await etcd.stop();
  rmSync(place.dataDir, { recursive: true, force: true });
  await new Promise((resolve) => setTimeout(resolve, 1_000));
  expect(ids(watcher.latest)).toEqual(["a"]);
  const setsBefore = watcher.sets.length;

  const restartedAt = performance.now();
  etcd = await start(place);
  const healthyAt = performance.now();
  const seenAt = await watcher.until(
    (set) => ids(set).join() === "a" && watcher.sets.length > setsBefore,
    TTL_SECONDS * 1_000 + 1_000,
    "a emitted again after the restart",
  );
  console.log(
    `etcd restart (data lost): instance re-registered and emitted again ${Math.round(seenAt - restartedAt)} ms after etcd was started (${Math.round(healthyAt - restartedAt)} ms until /health answered); sets in between: ${JSON.stringify(watcher.sets.slice(setsBefore).map((s) => ids(s.instances)))}`,
  );
  const plain = new Etcd3({ hosts: etcd.url });
  cleanups.push(() => plain.close());
  expect((await plain.getAll().prefix("/gen-svc/services/").keys()).length).toBe(1);
});
