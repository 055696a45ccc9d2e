// CPU pinning for load rows: on a 2-core machine the load generator and the server otherwise
// compete for the same cores (and the server's GC helper threads with the load generator), which
// makes throughput swing by tens of percent between rounds. Pinned, every server gets one core for
// all its threads and the load generator the other, so a row measures what one core of server
// serves, the same way for every server compared.
import { cpus } from "node:os";
import { run } from "./processes.mjs";

/** Where servers and load generators run: `{ server, load }` CPU numbers, or undefined when pinning is off or impossible. */
export async function cpuPlan(enabled) {
  if (!enabled || process.platform !== "linux" || cpus().length < 2) return undefined;
  const probe = await run("taskset", ["-c", "0", "true"], { timeoutMs: 5_000 }).catch(() => undefined);
  return probe?.status === 0 ? { server: 0, load: 1 } : undefined;
}

/** `[command, args]` that run `command` on CPU `cpu` only (through taskset), or as is when `cpu` is undefined. */
export function onCpu(cpu, command, args) {
  return cpu === undefined ? [command, args] : ["taskset", ["-c", String(cpu), command, ...args]];
}

/** Moves every thread of process `pid` to `cpu`. */
export async function pinProcess(pid, cpu) {
  const result = await run("taskset", ["-a", "-p", "-c", String(cpu), String(pid)], { timeoutMs: 5_000 });
  if (result.status !== 0) throw new Error(`taskset could not pin ${pid} to CPU ${cpu}: ${result.stderr}`);
}

/** Lets every thread of process `pid` run on every CPU again. */
export async function unpinProcess(pid) {
  await pinProcess(pid, `0-${cpus().length - 1}`);
}
