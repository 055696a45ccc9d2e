// gRPC load from a separate process: h2load (Debian's nghttp2-client) posting one framed protobuf
// request per call, with the headers gRPC needs. Throughput comes from h2load's summary, latency
// percentiles from its per-request log file.
import { readFileSync, rmSync } from "node:fs";
import { onCpu } from "./cpus.mjs";
import { processCpuUs } from "./proc-cpu.mjs";
import { run } from "./processes.mjs";
import { quantile } from "./stats.mjs";

/**
 * One timed h2load run against `url`: `connections` clients, `streams` concurrent streams each,
 * posting `bodyFile`, for `seconds` after a warm-up of `warmUpMs`. Resolves with requests per
 * second, p50/p99 latency in ms, and the succeeded/failed counts. h2load counts any HTTP 2xx as
 * success; gRPC failures come back as 200 with a grpc-status trailer, so each server's answer is
 * checked separately before the load (see suites/grpc.mjs). With `serverPid`, also the server's CPU
 * per succeeded call over the measured time (`cpuUsPerCall`, µs).
 */
export async function h2load({ url, bodyFile, connections, streams, seconds, warmUpMs, logFile, serverPid, loadCpu }) {
  const args = [
    "-c", String(connections),
    "-m", String(streams),
    "-t", "1",
    "-D", `${Math.round(seconds * 1000)}ms`,
    "--warm-up-time", `${warmUpMs}ms`,
    "-H", "content-type: application/grpc",
    "-H", "te: trailers",
    "-d", bodyFile,
    "--log-file", logFile,
    url,
  ];
  rmSync(logFile, { force: true });
  // The server's CPU is sampled from the end of the warm-up, when h2load starts counting.
  let cpuBefore;
  const sampler = serverPid ? setTimeout(() => (cpuBefore = processCpuUs(serverPid)), warmUpMs) : undefined;
  // With `loadCpu`, h2load runs on that CPU only (see lib/cpus.mjs).
  const result = await run(...onCpu(loadCpu, "h2load", args), { timeoutMs: (seconds + 30) * 1000 });
  clearTimeout(sampler);
  const cpuUsed = cpuBefore === undefined ? undefined : processCpuUs(serverPid) - cpuBefore;
  if (result.status !== 0) throw new Error(`h2load failed (${result.status}): ${result.stderr || result.stdout}`);
  const out = result.stdout;
  const rps = Number(/finished in [\d.]+\w*, ([\d.]+) req\/s/.exec(out)?.[1]);
  const counts = /requests: (\d+) total, \d+ started, (\d+) done, (\d+) succeeded, (\d+) failed, (\d+) errored/.exec(out);
  if (!Number.isFinite(rps) || !counts) throw new Error(`cannot read h2load's output:\n${out}`);
  const latencies = latenciesOf(logFile);
  rmSync(logFile, { force: true });
  return {
    rps,
    p50Ms: quantile(latencies, 0.5) / 1000,
    p99Ms: quantile(latencies, 0.99) / 1000,
    succeeded: Number(counts[3]),
    failed: Number(counts[4]) + Number(counts[5]),
    ...(cpuUsed === undefined ? {} : { cpuUsPerCall: cpuUsed / Math.max(1, Number(counts[3])) }),
  };
}

/** Request durations in µs from h2load's log file: `start-time<TAB>status<TAB>duration-µs` lines. */
function latenciesOf(logFile) {
  const values = [];
  for (const line of readFileSync(logFile, "utf8").split("\n")) {
    const duration = Number(line.split("\t")[2]);
    if (Number.isFinite(duration) && line !== "") values.push(duration);
  }
  return values;
}
