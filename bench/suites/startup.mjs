// The start-up row: bench/startup.ts (generated echo service vs a bare grpc-js server, spawn to the
// first health Check answered SERVING) run as a child with a few runs, its samples read back.
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { run } from "../lib/processes.mjs";

const root = fileURLToPath(new URL("../../", import.meta.url));

/** Runs the start-up row; `options`: smoke, outDir, echoDist. */
export async function startupSuite(options, log) {
  const json = `${options.outDir}/startup.json`;
  const env = {
    ...process.env,
    RUNS: String(options.smoke ? 2 : 8),
    ECHO_DIST: options.echoDist,
    STARTUP_JSON: json,
    STARTUP_MD: `${options.outDir}/startup.md`,
  };
  const result = await run(process.execPath, [`${root}bench/startup.ts`], { cwd: root, env, timeoutMs: 300_000 });
  if (result.status !== 0) throw new Error(`bench/startup.ts failed (${result.status ?? result.signal}):\n${result.stderr.slice(-2000)}`);
  const samples = JSON.parse(readFileSync(json, "utf8"));
  const row = {
    id: "startup/echo",
    suite: "startup",
    title: "start-up: spawn to the first health Check answered SERVING",
    unit: "ms",
    lowerIsBetter: true,
    baseline: "bare-grpc-js",
    subjects: { "bare-grpc-js": { ms: samples.baseline }, "gen-echo-service": { ms: samples.generated }, "node -e 0": { ms: samples.bareNode } },
    unavailable: {},
  };
  log(`${row.id}: generated ${samples.generated.map(Math.round).join("/")} ms, bare grpc-js ${samples.baseline.map(Math.round).join("/")} ms`);
  return [row];
}
