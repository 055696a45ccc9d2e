// The cost of the contract's policies: requests per second of the generated echo server and
// client with every policy gen-svc enforces on a unary call (server: rate limit, timeout,
// concurrency limit; client: timeout, retry with its budget, circuit breaker), set generously so
// that none refuses, against the same server and client with no policies, in the same run. Both
// servers run in their own processes; one client process drives both in alternating rounds.
// Authentication is left out (it needs keys; its cost is the JWT or key check, measured apart).
// Bounded: ROUNDS x 2 rounds of SECONDS each.
//
//   npm run bench:policy   (builds gen-svc and the echo sample first)
import { writeFileSync } from "node:fs";
import { alternatingRounds, forkEchoServer } from "./lib/echo-rounds.mjs";
import { median } from "./lib/stats.mjs";
import { EchoClient } from "../generated-samples/echo/dist/src/gen/echo/grpc-client.js";

const ROUNDS = Number(process.env.ROUNDS ?? 5);
const SECONDS = Number(process.env.SECONDS ?? 3);
const CONCURRENCY = Number(process.env.CONCURRENCY ?? 32);
const serverScript = new URL("./policy-server.mjs", import.meta.url);

/** Every policy, none of which refuses a call of this benchmark. */
const fullPolicies = {
  "echo.v1.Echo": {
    timeoutMs: 5000,
    rateLimit: { requestsPerSecond: 1e9, burst: 1e6 },
    concurrencyLimit: { maxConcurrent: 10_000, maxQueue: 1000 },
    retry: { maxAttempts: 3, retryableCodes: ["UNAVAILABLE"] },
    circuitBreaker: { failureRatio: 0.5, minimumCalls: 10 },
  },
};

const servers = { none: await forkEchoServer(serverScript, ""), full: await forkEchoServer(serverScript, JSON.stringify(fullPolicies)) };
const clients = {
  none: new EchoClient(`127.0.0.1:${servers.none.port}`, { policies: false }),
  full: new EchoClient(`127.0.0.1:${servers.full.port}`, { policies: { overrides: fullPolicies } }),
};
let results;
try {
  results = await alternatingRounds(clients, { rounds: ROUNDS, seconds: SECONDS, concurrency: CONCURRENCY });
} finally {
  for (const client of Object.values(clients)) client.close();
  await Promise.all(Object.values(servers).map((s) => s.stop()));
}

const none = median(results.none);
const full = median(results.full);
const report = [
  `# Every policy vs none (unary echo through the default chain, ${CONCURRENCY} concurrent calls on one connection)`,
  "",
  `Node ${process.version}, ${ROUNDS} alternating rounds of ${SECONDS} s each; median requests per second.`,
  "",
  "| Server and client | req/s (median) | rounds |",
  "| --- | ---: | --- |",
  `| no policies | ${Math.round(none)} | ${results.none.map(Math.round).join(", ")} |`,
  `| server: rate limit, timeout, concurrency limit; client: timeout, retry + budget, circuit breaker | ${Math.round(full)} | ${results.full.map(Math.round).join(", ")} |`,
  "",
  `Ratio policies / none: **${(full / none).toFixed(2)}** (cost: ${((1 - full / none) * 100).toFixed(1)}% of throughput).`,
  "",
].join("\n");
writeFileSync(new URL("./results/policy.md", import.meta.url), report);
console.log(report);
