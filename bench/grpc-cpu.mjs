// A focused gRPC comparison for working on one server's cost: a few variants of
// bench/servers/grpc.mjs, one unary row, more and longer alternating rounds than the full suite,
// reporting median throughput and median server CPU per call, each as a ratio to the first variant.
//
//   npm run bench:grpc -- [--variants raw-grpc-js,gen-empty,gen-default] [--payload 16B|4KiB]
//                         [--connections 1] [--streams 16] [--rounds 5] [--seconds 2] [--pin]
//
// Needs .tmp/bench/echo, which `npm run bench` (or `npm run bench -- --only startup`) generates.
import { mkdirSync, writeFileSync } from "node:fs";
import { parseArgs } from "node:util";
import { echoRequestBody, PAYLOADS } from "./lib/echo.mjs";
import { cpuPlan, pinProcess } from "./lib/cpus.mjs";
import { h2load } from "./lib/h2load.mjs";
import { startServer } from "./lib/processes.mjs";
import { alternate } from "./lib/rounds.mjs";
import { median } from "./lib/stats.mjs";

const { values } = parseArgs({
  options: {
    variants: { type: "string", default: "raw-grpc-js,gen-empty,gen-default" },
    payload: { type: "string", default: "16B" },
    connections: { type: "string", default: "1" },
    streams: { type: "string", default: "16" },
    rounds: { type: "string", default: "5" },
    seconds: { type: "string", default: "2" },
    pin: { type: "boolean", default: false },
  },
});
const variants = values.variants.split(",");
const tmpDir = new URL(`../.tmp/bench/grpc-cpu-${process.pid}/`, import.meta.url).pathname;
mkdirSync(tmpDir, { recursive: true });
const bodyFile = `${tmpDir}/body.bin`;
writeFileSync(bodyFile, echoRequestBody(PAYLOADS[values.payload]));

const running = {};
try {
  const plan = await cpuPlan(values.pin);
  for (const variant of variants) {
    running[variant] = await startServer(new URL("./servers/grpc.mjs", import.meta.url), [variant]);
    if (plan) await pinProcess(running[variant].pid, plan.server);
  }
  const load = { loadCpu: plan?.load, bodyFile, connections: Number(values.connections), streams: Number(values.streams), seconds: Number(values.seconds), warmUpMs: 500, logFile: `${tmpDir}/h2load.log` };
  const samples = await alternate(Number(values.rounds), variants, (v) =>
    h2load({ ...load, serverPid: running[v].pid, url: `http://127.0.0.1:${running[v].port}/echo.v1.Echo/Echo` }),
  );
  const base = variants[0];
  const baseRps = median(samples[base].map((s) => s.rps));
  const baseCpu = median(samples[base].map((s) => s.cpuUsPerCall));
  console.log(`${values.payload}, ${values.connections} connection(s) x ${values.streams} streams, ${values.rounds} rounds of ${values.seconds} s`);
  for (const v of variants) {
    const rps = median(samples[v].map((s) => s.rps));
    const cpu = median(samples[v].map((s) => s.cpuUsPerCall));
    const rounds = samples[v].map((s) => Math.round(s.rps)).join(" ");
    console.log(`${v.padEnd(14)} ${Math.round(rps).toString().padStart(6)} req/s (${(rps / baseRps).toFixed(2)}x; ${rounds})  ${cpu.toFixed(1).padStart(6)} us CPU/call (${(baseCpu / cpu).toFixed(2)}x)`);
  }
} finally {
  await Promise.all(Object.values(running).map((s) => s.stop()));
}
