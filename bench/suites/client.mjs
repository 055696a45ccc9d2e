// Client rows: the generated EchoClient against a hand-written @grpc/grpc-js client, both calling
// the same raw grpc-js server (its own process), and the generated client through a
// BalancedConnection over a static registry. The load loop runs in this process: CONCURRENCY
// calls in flight, bounded by a call count and a time limit per round.
import * as grpc from "@grpc/grpc-js";
import { BalancedConnection, StaticRegistry, staticInstance } from "gen-svc/runtime";
// The echo service is generated into .tmp/bench/echo by bench/run.mjs (never the checked-in sample).
import { EchoClient } from "../../.tmp/bench/echo/dist/src/gen/echo/grpc-client.js";
import { echoRequestInit, grpcJsEchoService, PAYLOADS } from "../lib/echo.mjs";
import { pinProcess, unpinProcess } from "../lib/cpus.mjs";
import { startServer } from "../lib/processes.mjs";
import { alternate, columns } from "../lib/rounds.mjs";
import { quantile } from "../lib/stats.mjs";
import { describe } from "./grpc.mjs";

/** The clients of the row, baseline first. */
export const CLIENTS = ["raw-grpc-js-client", "gen-client", "gen-client-balanced"];
const CONCURRENCY = 16;
const MAX_CALLS = 200_000;
const SERVICE = "echo.v1.Echo";

/** Each client as `call(request) => Promise<response>` plus `close()`. */
function makeClients(port) {
  const RawClient = grpc.makeGenericClientConstructor(grpcJsEchoService, "Echo");
  const raw = new RawClient(`127.0.0.1:${port}`, grpc.credentials.createInsecure());
  const generated = new EchoClient(`127.0.0.1:${port}`);
  const balancedConnection = new BalancedConnection(SERVICE, new StaticRegistry([staticInstance(SERVICE, "127.0.0.1", port)]));
  const balanced = new EchoClient(balancedConnection);
  return {
    "raw-grpc-js-client": {
      call: (request) => new Promise((resolve, reject) => raw.echo(request, (error, response) => (error ? reject(error) : resolve(response)))),
      close: () => raw.close(),
    },
    "gen-client": { call: (request) => generated.echo(request), close: () => generated.close() },
    "gen-client-balanced": { call: (request) => balanced.echo(request), close: () => balancedConnection.close() },
  };
}

/**
 * Calls per second and latency over `seconds` (or MAX_CALLS calls), CONCURRENCY at a time, and
 * this process's CPU per call: the client's own cost, which the server process and the other
 * load on a shared machine move far less than they move calls per second.
 */
async function measure(client, request, seconds) {
  const latencies = [];
  const cpu = process.cpuUsage();
  const started = performance.now();
  const until = started + seconds * 1000;
  let issued = 0;
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (performance.now() < until && issued < MAX_CALLS) {
        issued++;
        const at = performance.now();
        await client.call(request);
        latencies.push(performance.now() - at);
      }
    }),
  );
  const elapsed = (performance.now() - started) / 1000;
  const used = process.cpuUsage(cpu);
  const cpuUsPerCall = (used.user + used.system) / Math.max(1, latencies.length);
  return { rps: latencies.length / elapsed, p50Ms: quantile(latencies, 0.5), p99Ms: quantile(latencies, 0.99), cpuUsPerCall };
}

/**
 * Runs the client row; `options`: rounds, seconds, warmUpMs, cpus. With `cpus`, the server runs on
 * the server CPU and this process (the clients under test) on the load CPU for the row.
 */
export async function clientSuite(options, log) {
  const server = await startServer(new URL("../servers/grpc.mjs", import.meta.url), ["raw-grpc-js"]);
  const clients = makeClients(server.port);
  if (options.cpus) {
    await pinProcess(server.pid, options.cpus.server);
    await pinProcess(process.pid, options.cpus.load);
  }
  try {
    const request = echoRequestInit(PAYLOADS["16B"]);
    for (const client of Object.values(clients)) await measure(client, request, options.warmUpMs / 1000);
    // Three times the rounds of a server row: a round of this row is cheap and its noise large.
    const samples = await alternate(options.rounds * 3, CLIENTS, (name) => measure(clients[name], request, options.seconds));
    const row = {
      id: `grpc-client/16B/m${CONCURRENCY}`,
      suite: "grpc-client",
      title: `gRPC client, unary 16 B payload, ${CONCURRENCY} calls in flight on one channel, against the raw grpc-js server`,
      unit: "calls/s",
      baseline: "raw-grpc-js-client",
      subjects: Object.fromEntries(Object.entries(samples).map(([v, list]) => [v, columns(list)])),
      unavailable: {},
    };
    log(`${row.id}: ${describe(row)}`);
    return [row];
  } finally {
    for (const client of Object.values(clients)) client.close();
    await server.stop();
    if (options.cpus) await unpinProcess(process.pid);
  }
}
