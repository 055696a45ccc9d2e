// The per-call cost of each default middleware, in process and without a network: the echo
// sample's Echo endpoint called directly, with no middleware, each middleware alone, and the
// whole default chain. Complements bench/middleware.mjs, whose end-to-end figures are noisier.
//
//   npm run bench:middleware-micro   (builds gen-svc and the echo sample first)
import { createWriteStream, writeFileSync } from "node:fs";
import { Registry } from "prom-client";
import {
  createLogger,
  createRpcMetrics,
  logging,
  makeEndpoint,
  Metadata,
  recovery,
  serverMetrics,
  serverTracing,
} from "gen-svc/runtime";
import { echoSpec } from "../generated-samples/echo/dist/src/gen/echo/service.js";

const CALLS = Number(process.env.CALLS ?? 100_000);
const method = echoSpec.methods.echo;
const logger = createLogger({ name: "bench", level: "info", destination: createWriteStream("/dev/null") });
const variants = {
  "no middleware": [],
  "tracing (no SDK)": [serverTracing()],
  metrics: [serverMetrics(createRpcMetrics(new Registry(), "server"))],
  "logging (sampled)": [logging({ logger })],
  recovery: [recovery()],
  "default chain": [serverTracing(), serverMetrics(createRpcMetrics(new Registry(), "server")), logging({ logger }), recovery()],
};

const request = method.input.create({ text: "hello" });
const context = () => ({
  method,
  requestMetadata: new Metadata(),
  responseHeader: new Metadata(),
  responseTrailer: new Metadata(),
  deadline: undefined,
  signal: new AbortController().signal,
  peer: "127.0.0.1:1",
  transport: "grpc",
  logger,
});

/** CPU time (not wall time: the machine is shared) per call, 16 calls in flight at a time. */
async function microsPerCall(endpoint, calls) {
  const started = process.cpuUsage();
  for (let i = 0; i < calls; i += 16) await Promise.all(Array.from({ length: 16 }, () => endpoint(context(), request)));
  const used = process.cpuUsage(started);
  return (used.user + used.system) / calls;
}

const rows = [];
for (const [name, middleware] of Object.entries(variants)) {
  const endpoint = makeEndpoint(method, async (_ctx, req) => ({ text: req.text }), middleware);
  await microsPerCall(endpoint, CALLS / 5); // warm-up
  const samples = [];
  for (let i = 0; i < 5; i++) samples.push(await microsPerCall(endpoint, CALLS));
  rows.push([name, samples.sort((a, b) => a - b)[2]]);
}
const base = rows[0][1];
const report = [
  `# Per-call cost of the default middleware (in process, CPU time, ${CALLS} calls x 5 in batches of 16, median)`,
  "",
  `Node ${process.version}. The endpoint alone includes making the context and the response message.`,
  "",
  "| Chain | µs per call | added µs |",
  "| --- | ---: | ---: |",
  ...rows.map(([name, us]) => `| ${name} | ${us.toFixed(2)} | ${(us - base).toFixed(2)} |`),
  "",
].join("\n");
writeFileSync(new URL("./results/middleware-micro.md", import.meta.url), report);
console.log(report);
