/**
 * The mDNS registry scenario, run by mdns.test.ts INSIDE a private network namespace
 * (`unshare -n`, only `lo` up) so that no multicast leaves the machine; it refuses to run anywhere
 * else (only `lo`, and a namespace other than LAUNCHER_NETNS, the launcher's). Steps, each measured:
 * 1. an announcer process registers an instance; a watcher started afterwards learns it by query;
 * 2. a watcher already running sees a new in-process registration by its announcement;
 * 3. the announcer is killed with SIGKILL (no goodbye): the watcher forgets it after the TTL;
 * 4. the in-process instance is deregistered (goodbye, TTL 0): the watcher forgets it at once.
 * Prints one line `RESULT <json>` with the measurements and exits 0, or prints the error and exits 1.
 */
import { readlinkSync } from "node:fs";
import { networkInterfaces } from "node:os";
import { MdnsRegistry } from "../../src/runtime/registry/mdns.js";
import type { ServiceInstance } from "../../src/runtime/registry/types.js";
import { killAndWait, spawnTypeScript, waitForLine, WatchRecorder } from "./consul-support.js";

const SERVICE = "ecommerce.product.v1.ProductService";
const TTL_S = 2;
const HEARTBEAT_MS = 1_000;
const SOCKET = { interface: "127.0.0.1", bind: "0.0.0.0" };

function assertPrivateNetwork(): void {
  const interfaces = Object.keys(networkInterfaces());
  const ownNamespace = readlinkSync("/proc/self/ns/net");
  // The launching process tells which namespace it ran in; this one must be a different one.
  const launcherNamespace = process.env.LAUNCHER_NETNS;
  if (!launcherNamespace || interfaces.some((name) => name !== "lo") || ownNamespace === launcherNamespace) {
    throw new Error(`refusing to send multicast: not in a private network namespace (interfaces ${interfaces.join(", ")}; ${ownNamespace})`);
  }
}

const has = (id: string) => (ids: readonly string[]) => ids.includes(id);
const lacks = (id: string) => (ids: readonly string[]) => !ids.includes(id);

async function main(): Promise<Record<string, number>> {
  assertPrivateNetwork();
  const options = { socket: SOCKET, ttlSeconds: TTL_S, heartbeatMs: HEARTBEAT_MS, initialWaitMs: 3_000 };
  const announcer = spawnTypeScript("./mdns-announcer-child.ts", {
    MDNS_INSTANCE_ID: "announcer",
    MDNS_SERVICE: SERVICE,
    MDNS_TTL_S: String(TTL_S),
    MDNS_HEARTBEAT_MS: String(HEARTBEAT_MS),
  });
  const watching = new MdnsRegistry(options);
  const registrar = new MdnsRegistry(options);
  try {
    await waitForLine(announcer, "announced", 15_000);
    // 1. Learned by query: the heartbeat (1 s) is not what brings it this soon.
    const watchStarted = performance.now();
    const watcher = new WatchRecorder(watching, SERVICE);
    const first = await watcher.until(has("announcer"), 2_000);
    const seenByQueryMs = first.at - watchStarted;
    expectEqual(first.instances.find((instance) => instance.id === "announcer"), {
      service: SERVICE, id: "announcer", host: "127.0.0.1", ports: { grpc: 50_061 }, version: "2.0.0", metadata: { zone: "lan" },
    });

    // 2. Seen by its announcement.
    const polite: ServiceInstance = { service: SERVICE, id: "polite/1", host: "127.0.0.1", ports: { grpc: 50_062, http: 8_062 }, version: "2.0.1", metadata: { weight: "2" } };
    const registeredAt = performance.now();
    await registrar.register(polite);
    const both = await watcher.until((ids) => ids.join() === "announcer,polite/1", 2_000);
    const seenByAnnouncementMs = both.at - registeredAt;
    expectEqual(both.instances.find((instance) => instance.id === "polite/1"), polite);

    // 3. Crash: no goodbye, forgotten once the TTL has passed since the last announcement.
    const killedAt = performance.now();
    await killAndWait(announcer, "SIGKILL");
    const afterKill = await watcher.until(lacks("announcer"), TTL_S * 1000 + 1_000, watcher.sets.indexOf(both));
    const goneAfterKillMs = afterKill.at - killedAt;
    if (!afterKill.ids.includes("polite/1")) throw new Error("the live instance was dropped with the dead one");

    // 4. Goodbye: forgotten at once.
    const deregisteredAt = performance.now();
    await registrar.deregister(polite);
    const afterGoodbye = await watcher.until((ids) => ids.length === 0, 1_000, watcher.sets.indexOf(afterKill));
    const goneAfterGoodbyeMs = afterGoodbye.at - deregisteredAt;
    await watcher.stop();
    return { ttlSeconds: TTL_S, heartbeatMs: HEARTBEAT_MS, seenByQueryMs, seenByAnnouncementMs, goneAfterKillMs, goneAfterGoodbyeMs };
  } finally {
    await killAndWait(announcer, "SIGKILL");
    await registrar.close();
    await watching.close();
  }
}

function expectEqual(actual: unknown, expected: unknown): void {
  if (JSON.stringify(actual) !== JSON.stringify(expected)) throw new Error(`expected ${JSON.stringify(expected)}, got ${JSON.stringify(actual)}`);
}

try {
  const result = await main();
  process.stdout.write(`RESULT ${JSON.stringify(result)}\n`);
} catch (error) {
  process.stderr.write(`mdns scenario failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exitCode = 1;
}
