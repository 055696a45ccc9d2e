// The local registry with real record files in a temporary folder: registrars and watchers in this
// process, and a registrar in a child process killed with SIGKILL.
import { mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, expect, test } from "vitest";
import { defaultLocalRegistryDir, LocalRegistry } from "../../src/runtime/registry/local.js";
import { ids, instance, startHolder, WatchRecorder, type Holder } from "./support.js";

const SERVICE = "test.local.v1.Thing";
let dir: string;
const cleanups: Array<() => Promise<void> | void> = [];

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), "gen-svc-local-registry-"));
});
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  rmSync(dir, { recursive: true, force: true });
});

function registry(options: ConstructorParameters<typeof LocalRegistry>[0] = {}): LocalRegistry {
  const opened = new LocalRegistry({ dir, ...options });
  cleanups.push(() => opened.close());
  return opened;
}

function record(watched: LocalRegistry, service = SERVICE): WatchRecorder {
  const recorder = new WatchRecorder(watched, service);
  cleanups.push(() => recorder.stop());
  return recorder;
}

function holder(url: string, id: string, port: number): Holder {
  const started = startHolder(url, instance(SERVICE, id, port));
  cleanups.push(() => started.kill());
  return started;
}

test("two registrars here and one in a child process; SIGKILL: gone once stale; deregister: gone within 1 s", { timeout: 30_000 }, async () => {
  const first = registry();
  const second = registry();
  // Default heartbeat (1 s) and staleness (3 s); the pid check is off so staleness alone counts.
  const watcher = record(registry({ checkPid: false }));
  await first.register(instance(SERVICE, "a", 5001));
  await second.register(instance(SERVICE, "b", 5002));
  const child = holder(`local://${dir}`, "child", 5003);
  await child.registered;
  await watcher.until((set) => ids(set).join() === "a,b,child", 2_000, "a, b and child");
  expect(watcher.latest?.find((i) => i.id === "child")).toEqual(instance(SERVICE, "child", 5003));

  // Heartbeats keep every record alive well past the staleness.
  await new Promise((resolve) => setTimeout(resolve, 3_500));
  expect(ids(watcher.latest)).toEqual(["a", "b", "child"]);

  const killedAt = performance.now();
  await child.kill();
  const goneAt = await watcher.until((set) => !ids(set).includes("child"), 3_000 + 1_000, "child gone after SIGKILL");
  const deathSeenMs = goneAt - killedAt;
  console.log(`local: SIGKILLed instance gone from the watch after ${Math.round(deathSeenMs)} ms (staleness 3000 ms)`);
  expect(ids(watcher.latest)).toEqual(["a", "b"]);
  // Whoever saw the stale record deleted it.
  expect(readdirSync(join(dir, encodeURIComponent(SERVICE))).sort()).toEqual(["a.json", "b.json"]);

  const deregisteredAt = performance.now();
  await second.deregister(instance(SERVICE, "b", 5002));
  const deregisterSeenAt = await watcher.until((set) => ids(set).join() === "a", 1_000, "b deregistered");
  console.log(`local: deregistration seen after ${Math.round(deregisterSeenAt - deregisteredAt)} ms`);
});

test("with the pid check, a SIGKILLed process on this host is gone within about a rescan", { timeout: 20_000 }, async () => {
  const watcher = record(registry());
  const child = holder(`local://${dir}?heartbeat=1000&stale=3000`, "child", 5003);
  await child.registered;
  await watcher.until((set) => ids(set).join() === "child", 2_000, "child registered");
  const killedAt = performance.now();
  await child.kill();
  const goneAt = await watcher.until((set) => set.length === 0, 1_000, "child gone");
  console.log(`local: SIGKILLed instance gone with the pid check after ${Math.round(goneAt - killedAt)} ms`);
});

test("watchers of other services see nothing; close deregisters; a late watcher sees the current set at once", async () => {
  const registrar = registry();
  await registrar.register(instance(SERVICE, "a", 5001));
  await registrar.register(instance("test.local.v1.Other", "o", 5009));
  const late = record(registry());
  const startedAt = performance.now();
  const seenAt = await late.until((set) => ids(set).join() === "a", 1_000, "a");
  expect(seenAt - startedAt).toBeLessThan(500);
  await registrar.close();
  await late.until((set) => set.length === 0, 1_000, "empty after close");
  expect(readdirSync(join(dir, encodeURIComponent("test.local.v1.Other")))).toEqual([]);
});

test("ignores damaged and foreign record files, and the default folder follows XDG_RUNTIME_DIR", async () => {
  const { writeFileSync, mkdirSync } = await import("node:fs");
  const folder = join(dir, encodeURIComponent(SERVICE));
  mkdirSync(folder, { recursive: true });
  writeFileSync(join(folder, "junk.json"), "{ not json");
  writeFileSync(join(folder, "foreign.json"), JSON.stringify({ instance: instance("other.Service", "x", 1) }));
  writeFileSync(join(folder, "bad-port.json"), JSON.stringify({ instance: instance(SERVICE, "p", 70_000) }));
  const registrar = registry();
  await registrar.register(instance(SERVICE, "good", 5001));
  const watcher = record(registry());
  await watcher.until((set) => set.length > 0, 1_000, "a set");
  expect(ids(watcher.latest)).toEqual(["good"]);

  expect(defaultLocalRegistryDir({ XDG_RUNTIME_DIR: "/run/user/1000" })).toBe("/run/user/1000/gen-svc");
  expect(defaultLocalRegistryDir({})).toBe(join(tmpdir(), `gen-svc-${process.getuid?.()}`));
  await expect(registrar.register({ ...instance(SERVICE, "", 1) })).rejects.toThrow(/invalid service instance/);
});
