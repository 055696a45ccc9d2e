// The cost of the default middleware chain: requests per second of the generated echo server with
// the chain `startServer` installs against the same server with no middleware, in the same run.
// Each server runs in its own process; one client process drives both in alternating rounds, so
// machine noise hits both alike. Bounded: ROUNDS x 2 rounds of SECONDS each.
//
//   npm run bench:middleware   (builds gen-svc and the echo sample first)
import { writeFileSync } from "node:fs";
import { alternatingRounds, forkEchoServer } from "./lib/echo-rounds.mjs";
import { median } from "./lib/stats.mjs";
import { EchoClient } from "../generated-samples/echo/dist/src/gen/echo/grpc-client.js";

const ROUNDS = Number(process.env.ROUNDS ?? 5);
const SECONDS = Number(process.env.SECONDS ?? 3);
const CONCURRENCY = Number(process.env.CONCURRENCY ?? 32);
const serverScript = new URL("./middleware-server.mjs", import.meta.url);

const servers = { empty: await forkEchoServer(serverScript, "empty"), default: await forkEchoServer(serverScript, "default") };
const clients = Object.fromEntries(Object.entries(servers).map(([name, s]) => [name, new EchoClient(`127.0.0.1:${s.port}`)]));
let results;
try {
  results = await alternatingRounds(clients, { rounds: ROUNDS, seconds: SECONDS, concurrency: CONCURRENCY });
} finally {
  for (const client of Object.values(clients)) client.close();
  await Promise.all(Object.values(servers).map((s) => s.stop()));
}

const empty = median(results.empty);
const full = median(results.default);
const report = [
  `# Default middleware chain vs none (unary echo, ${CONCURRENCY} concurrent calls on one connection)`,
  "",
  `Node ${process.version}, ${ROUNDS} alternating rounds of ${SECONDS} s each; median requests per second.`,
  "",
  "| Server | req/s (median) | rounds |",
  "| --- | ---: | --- |",
  `| no middleware | ${Math.round(empty)} | ${results.empty.map(Math.round).join(", ")} |`,
  `| default chain (tracing no-op, metrics, logging sampled, recovery) | ${Math.round(full)} | ${results.default.map(Math.round).join(", ")} |`,
  "",
  `Ratio default / none: **${(full / empty).toFixed(2)}** (cost of the chain: ${((1 - full / empty) * 100).toFixed(1)}% of throughput).`,
  "",
].join("\n");
writeFileSync(new URL("./results/middleware.md", import.meta.url), report);
console.log(report);
