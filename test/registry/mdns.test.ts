/**
 * The mDNS registry backend, exercised by mdns-scenario.ts inside a private network namespace
 * (`unshare -n`, root) so that no multicast ever leaves the machine. Without `unshare` (or without
 * the right to use it) this test FAILS; it never skips and never runs mDNS on the host network.
 */
import { spawn, spawnSync } from "node:child_process";
import { readlinkSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

const HOOKS = fileURLToPath(new URL("./ts-hooks.mjs", import.meta.url));
const SCENARIO = fileURLToPath(new URL("./mdns-scenario.ts", import.meta.url));
const LIMIT_MS = 40_000;

interface ScenarioResult {
  ttlSeconds: number;
  heartbeatMs: number;
  seenByQueryMs: number;
  seenByAnnouncementMs: number;
  goneAfterKillMs: number;
  goneAfterGoodbyeMs: number;
}

/** Runs the scenario in a new network namespace; its process group is killed if it overruns. */
function runInPrivateNetwork(): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn("unshare", ["-n", "bash", "-c", 'ip link set lo up && exec "$SCENARIO_NODE" --import "$SCENARIO_HOOKS" "$SCENARIO_FILE"'], {
      env: { ...process.env, SCENARIO_NODE: process.execPath, SCENARIO_HOOKS: HOOKS, SCENARIO_FILE: SCENARIO, LAUNCHER_NETNS: readlinkSync("/proc/self/ns/net") },
      stdio: ["ignore", "pipe", "pipe"],
      detached: true, // its own process group, so the announcer it starts goes too on a timeout
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
    const timer = setTimeout(() => {
      if (child.pid !== undefined) process.kill(-child.pid, "SIGKILL");
    }, LIMIT_MS);
    child.once("error", (error) => {
      clearTimeout(timer);
      reject(error);
    });
    child.once("close", (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

describe("mDNS registry (inside unshare -n)", () => {
  it("unshare is available: the mDNS test cannot run without a private network namespace", () => {
    const probe = spawnSync("unshare", ["-n", "true"], { encoding: "utf8" });
    expect(probe.error, "unshare not found").toBeUndefined();
    expect(probe.status, `unshare -n failed: ${probe.stderr}`).toBe(0);
  });

  it("announce → seen within 1 s; SIGKILL → gone within TTL + 1 s; goodbye → gone at once", { timeout: LIMIT_MS + 5_000 }, async () => {
    const run = await runInPrivateNetwork();
    expect(run.code, `scenario failed:\n${run.stderr}\n${run.stdout}`).toBe(0);
    const line = run.stdout.split("\n").find((text) => text.startsWith("RESULT "));
    expect(line, run.stdout).toBeDefined();
    const result = JSON.parse((line as string).slice("RESULT ".length)) as ScenarioResult;
    expect(result.seenByQueryMs).toBeLessThan(1_000);
    // Learned by answering its query, before the next heartbeat could have announced it.
    expect(result.seenByQueryMs).toBeLessThan(result.heartbeatMs);
    expect(result.seenByAnnouncementMs).toBeLessThan(1_000);
    expect(result.goneAfterKillMs).toBeLessThan(result.ttlSeconds * 1000 + 1_000);
    // Not before the TTL minus one heartbeat: it was the TTL, not a goodbye, that removed it.
    expect(result.goneAfterKillMs).toBeGreaterThan(result.ttlSeconds * 1000 - result.heartbeatMs - 100);
    expect(result.goneAfterGoodbyeMs).toBeLessThan(300);
    console.info(
      `mdns (TTL ${result.ttlSeconds} s, heartbeat ${result.heartbeatMs} ms): seen by query after ${result.seenByQueryMs.toFixed(0)} ms, ` +
        `by announcement after ${result.seenByAnnouncementMs.toFixed(0)} ms; killed instance gone after ${result.goneAfterKillMs.toFixed(0)} ms; ` +
        `goodbye seen after ${result.goneAfterGoodbyeMs.toFixed(0)} ms`,
    );
  });
});
