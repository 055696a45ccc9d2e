// HTTP load from a separate process: wrk (one thread, keep-alive connections) posting one JSON body.
import { writeFileSync } from "node:fs";
import { onCpu } from "./cpus.mjs";
import { processCpuUs } from "./proc-cpu.mjs";
import { run } from "./processes.mjs";

/** Writes the Lua script that makes wrk POST `body` as application/json. */
export function writePostScript(file, body) {
  if (body.includes("]]")) throw new Error("the body cannot be quoted in a Lua long string");
  writeFileSync(file, `wrk.method = "POST"\nwrk.headers["Content-Type"] = "application/json"\nwrk.body = [[${body}]]\n`);
}

/** Parses a wrk latency like `812.00us`, `1.23ms` or `2.01s` into milliseconds. */
function ms(text) {
  const [, value, unit] = /([\d.]+)(us|ms|s|m)/.exec(text) ?? [];
  return Number(value) * { us: 0.001, ms: 1, s: 1000, m: 60_000 }[unit];
}

/**
 * One wrk run: requests per second, p50/p99 in ms, and the count of non-2xx answers and socket
 * errors. With `serverPid`, also the server's CPU per request over the run (`cpuUsPerCall`, µs):
 * wrk has no warm-up phase, so the CPU is sampled just before and after it (the server must be
 * warm already; its idle time around the run adds next to nothing).
 */
export async function wrk({ url, script, connections, seconds, serverPid, loadCpu }) {
  const args = ["-t", "1", "-c", String(connections), "-d", `${seconds}s`, "--latency", "-s", script, url];
  const cpuBefore = serverPid ? processCpuUs(serverPid) : undefined;
  // With `loadCpu`, wrk runs on that CPU only (see lib/cpus.mjs).
  const result = await run(...onCpu(loadCpu, "wrk", args), { timeoutMs: (seconds + 30) * 1000 });
  const cpuUsed = cpuBefore === undefined ? undefined : processCpuUs(serverPid) - cpuBefore;
  if (result.status !== 0) throw new Error(`wrk failed (${result.status}): ${result.stderr || result.stdout}`);
  const out = result.stdout;
  const rps = Number(/Requests\/sec:\s+([\d.]+)/.exec(out)?.[1]);
  const p50 = /\n\s+50%\s+(\S+)/.exec(out)?.[1];
  const p99 = /\n\s+99%\s+(\S+)/.exec(out)?.[1];
  if (!Number.isFinite(rps) || !p99) throw new Error(`cannot read wrk's output:\n${out}`);
  const non2xx = Number(/Non-2xx or 3xx responses: (\d+)/.exec(out)?.[1] ?? 0);
  const socketErrors = /Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)/.exec(out);
  const failed = non2xx + (socketErrors ? socketErrors.slice(1).reduce((sum, n) => sum + Number(n), 0) : 0);
  const requests = Number(/(\d+) requests in /.exec(out)?.[1]);
  const cpu = cpuUsed === undefined || !(requests > 0) ? {} : { cpuUsPerCall: cpuUsed / requests };
  return { rps, p50Ms: ms(p50), p99Ms: ms(p99), failed, ...cpu };
}
