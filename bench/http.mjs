// The cost of gen-svc's HTTP/JSON transport: requests per second of the generated echo endpoint
// at `POST /echo.v1.Echo/Echo` against a bare node:http JSON echo, in the same run. Each server
// runs in its own process; one client process (node:http with a keep-alive agent, CONCURRENCY
// requests at a time) drives both in alternating rounds, so machine noise hits both alike.
// Bounded: ROUNDS x 2 rounds of SECONDS each.
//
//   npm run bench:http   (builds gen-svc and the echo sample first)
import { fork } from "node:child_process";
import { writeFileSync } from "node:fs";
import { Agent, request } from "node:http";

const ROUNDS = Number(process.env.ROUNDS ?? 5);
const SECONDS = Number(process.env.SECONDS ?? 3);
const CONCURRENCY = Number(process.env.CONCURRENCY ?? 32);
const serverScript = new URL("./http-server.mjs", import.meta.url);
const body = JSON.stringify({ text: "hello" });

function startServer(variant) {
  const child = fork(serverScript, [variant], { stdio: ["ignore", "ignore", "inherit", "ipc"] });
  return new Promise((resolve, reject) => {
    child.once("error", reject);
    child.once("exit", (code) => reject(new Error(`${variant} server exited with ${code}`)));
    child.once("message", ({ port }) =>
      resolve({ port, stop: () => new Promise((done) => (child.removeAllListeners("exit"), child.once("exit", done), child.kill("SIGTERM"))) }),
    );
  });
}

/** One POST; resolves when the whole answer has been read, rejects on anything but 200. */
function post(port, agent) {
  return new Promise((resolve, reject) => {
    const req = request({ host: "127.0.0.1", port, path: "/echo.v1.Echo/Echo", method: "POST", agent, headers: { "content-type": "application/json", "content-length": Buffer.byteLength(body) } }, (res) => {
      res.resume();
      res.once("end", () => (res.statusCode === 200 ? resolve() : reject(new Error(`status ${res.statusCode}`))));
    });
    req.once("error", reject);
    req.end(body);
  });
}

async function measure(port, seconds, concurrency) {
  const agent = new Agent({ keepAlive: true, maxSockets: concurrency });
  try {
    for (let i = 0; i < 200; i++) await post(port, agent); // warm-up
    let done = 0;
    const started = performance.now();
    const until = started + seconds * 1000;
    await Promise.all(
      Array.from({ length: concurrency }, async () => {
        while (performance.now() < until) {
          await post(port, agent);
          done++;
        }
      }),
    );
    return done / ((performance.now() - started) / 1000);
  } finally {
    agent.destroy();
  }
}

const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
const servers = { bare: await startServer("bare"), "gen-svc": await startServer("gen-svc") };
const results = { bare: [], "gen-svc": [] };
try {
  for (let round = 0; round < ROUNDS; round++) {
    for (const variant of round % 2 === 0 ? ["bare", "gen-svc"] : ["gen-svc", "bare"]) {
      results[variant].push(await measure(servers[variant].port, SECONDS, CONCURRENCY));
    }
  }
} finally {
  await Promise.all(Object.values(servers).map((s) => s.stop()));
}

const bare = median(results.bare);
const gen = median(results["gen-svc"]);
const report = [
  `# HTTP/JSON transport vs bare node:http (unary echo, ${CONCURRENCY} concurrent keep-alive requests)`,
  "",
  `Node ${process.version}, ${ROUNDS} alternating rounds of ${SECONDS} s each; median requests per second.`,
  "",
  "| Server | req/s (median) | rounds |",
  "| --- | ---: | --- |",
  `| bare node:http JSON echo | ${Math.round(bare)} | ${results.bare.map(Math.round).join(", ")} |`,
  `| gen-svc HTTP transport (router, proto3 JSON, no middleware) | ${Math.round(gen)} | ${results["gen-svc"].map(Math.round).join(", ")} |`,
  "",
  `Ratio gen-svc / bare: **${(gen / bare).toFixed(2)}**.`,
  "",
].join("\n");
writeFileSync(new URL("./results/http.md", import.meta.url), report);
console.log(report);
