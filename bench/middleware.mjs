// The cost of the default middleware chain: requests per second of the generated echo server with
// the chain `startServer` installs against the same server with no middleware, in the same run.
// Each server runs in its own process; one client process drives both in alternating rounds, so
// machine noise hits both alike. Bounded: ROUNDS x 2 rounds of SECONDS each.
//
//   npm run bench:middleware   (builds gen-svc and the echo sample first)
import { fork } from "node:child_process";
import { writeFileSync } from "node:fs";
import { EchoClient } from "../generated-samples/echo/dist/src/gen/echo/grpc-client.js";

const ROUNDS = Number(process.env.ROUNDS ?? 5);
const SECONDS = Number(process.env.SECONDS ?? 3);
const CONCURRENCY = Number(process.env.CONCURRENCY ?? 32);
const serverScript = new URL("./middleware-server.mjs", import.meta.url);

/** Starts a server variant; resolves with its port and a way to stop it. */
function startServer(variant) {
  const child = fork(serverScript, [variant], { stdio: ["ignore", "ignore", "inherit", "ipc"] });
  return new Promise((resolve, reject) => {
    child.once("error", reject);
    child.once("exit", (code) => reject(new Error(`${variant} server exited with ${code}`)));
    child.once("message", ({ port }) =>
      resolve({
        port,
        stop: () => new Promise((done) => (child.removeAllListeners("exit"), child.once("exit", done), child.kill("SIGTERM"))),
      }),
    );
  });
}

/** Unary calls completed per second over `seconds`, `concurrency` at a time on one connection. */
async function measure(client, seconds, concurrency) {
  const request = { text: "hello" };
  for (let i = 0; i < 200; i++) await client.echo(request); // warm-up
  let done = 0;
  const until = performance.now() + seconds * 1000;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (performance.now() < until) {
        await client.echo(request);
        done++;
      }
    }),
  );
  return done / ((performance.now() - started) / 1000);
}

const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

const servers = { empty: await startServer("empty"), default: await startServer("default") };
const clients = Object.fromEntries(Object.entries(servers).map(([name, s]) => [name, new EchoClient(`127.0.0.1:${s.port}`)]));
const results = { empty: [], default: [] };
try {
  for (let round = 0; round < ROUNDS; round++) {
    for (const variant of round % 2 === 0 ? ["empty", "default"] : ["default", "empty"]) {
      results[variant].push(await measure(clients[variant], SECONDS, CONCURRENCY));
    }
  }
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
