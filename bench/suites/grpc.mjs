// gRPC server rows: unary (payload x concurrent streams x connections) and server streaming,
// every server in its own process, all loaded by h2load in alternating rounds.
import { writeFileSync } from "node:fs";
import * as grpc from "@grpc/grpc-js";
import { echoRequestBody, echoRequestInit, expandRequestBody, grpcJsEchoService, PAYLOADS } from "../lib/echo.mjs";
import { pinProcess } from "../lib/cpus.mjs";
import { h2load } from "../lib/h2load.mjs";
import { startServer } from "../lib/processes.mjs";
import { alternate, columns } from "../lib/rounds.mjs";

/** The servers of the unary rows, baseline first. */
export const GRPC_SERVERS = ["raw-grpc-js", "gen-empty", "gen-default", "gen-policy", "nice-grpc", "connect-node"];
/** The servers of the streaming row. */
export const STREAM_SERVERS = ["raw-grpc-js", "gen-empty", "gen-default"];
const STREAMS = [1, 16, 64];
const CONNECTIONS = [1, 4];
/** Expand: messages per call and payload bytes per message. */
const EXPAND = { count: 100, size: 16 };

const serverScript = new URL("../servers/grpc.mjs", import.meta.url);

/**
 * Starts every variant (pinned to `cpus.server` when the run pins CPUs); resolves with the running
 * ones and the reasons of those that cannot run.
 */
async function startAll(variants, cpus) {
  const running = {};
  const unavailable = {};
  for (const variant of variants) {
    const server = await startServer(serverScript, [variant]);
    if (server.unavailable) unavailable[variant] = server.unavailable;
    else running[variant] = server;
    if (cpus && !server.unavailable) await pinProcess(server.pid, cpus.server);
  }
  return { running, unavailable };
}

/** One Echo and one Expand call with the grpc-js client: every server must answer what the bench expects. */
async function checkAnswers(name, port) {
  const Client = grpc.makeGenericClientConstructor(grpcJsEchoService, "Echo");
  const client = new Client(`127.0.0.1:${port}`, grpc.credentials.createInsecure());
  try {
    const request = echoRequestInit(PAYLOADS["4KiB"]);
    const deadline = Date.now() + 5_000;
    const answer = await new Promise((resolve, reject) => client.echo(request, { deadline }, (error, response) => (error ? reject(error) : resolve(response))));
    if (answer.text !== request.text || answer.payload.length !== request.payload.length) throw new Error(`${name} answered Echo wrongly`);
    let count = 0;
    await new Promise((resolve, reject) => {
      const stream = client.expand({ count: 3, request }, { deadline });
      stream.on("data", () => count++).on("error", reject).on("end", resolve);
    });
    if (count !== 3) throw new Error(`${name} streamed ${count} Expand answers instead of 3`);
  } finally {
    client.close();
  }
}

/** Runs the gRPC rows; `options`: rounds, seconds, warmUpMs, tmpDir, cpus (see lib/cpus.mjs). */
export async function grpcSuite(options, log) {
  const { running, unavailable } = await startAll(GRPC_SERVERS, options.cpus);
  const rows = [];
  try {
    for (const [name, server] of Object.entries(running)) await checkAnswers(name, server.port);
    const measured = GRPC_SERVERS.filter((v) => running[v]);
    if (!options.smoke) await warmUp(running, measured, options);
    for (const [payloadName, size] of Object.entries(PAYLOADS)) {
      const bodyFile = `${options.tmpDir}/echo-${payloadName}.bin`;
      writeFileSync(bodyFile, echoRequestBody(size));
      for (const connections of CONNECTIONS) {
        for (const streams of STREAMS) {
          const load = { loadCpu: options.cpus?.load, bodyFile, connections, streams, seconds: options.seconds, warmUpMs: options.warmUpMs, logFile: `${options.tmpDir}/h2load.log` };
          const samples = await alternate(options.rounds, measured, (v) => h2load({ ...load, serverPid: running[v].pid, url: `http://127.0.0.1:${running[v].port}/echo.v1.Echo/Echo` }));
          const row = unaryRow({ payloadName, connections, streams }, samples, unavailable);
          log(`${row.id}: ${describe(row)}`);
          rows.push(row);
        }
      }
    }
    rows.push(await streamingRow(running, options, log));
  } finally {
    await Promise.all(Object.values(running).map((s) => s.stop()));
  }
  return rows;
}

/**
 * Unmeasured load on every server before the first row (3 s each, 16 streams): the JIT settles,
 * so the first rows are not slower than the rest (they were, for every server, and most for the
 * servers with the most code on the call path).
 */
async function warmUp(running, variants, options) {
  const bodyFile = `${options.tmpDir}/warm-up.bin`;
  writeFileSync(bodyFile, echoRequestBody(PAYLOADS["16B"]));
  for (const v of variants) {
    await h2load({ url: `http://127.0.0.1:${running[v].port}/echo.v1.Echo/Echo`, bodyFile, connections: 1, streams: 16, seconds: 3, warmUpMs: 0, logFile: `${options.tmpDir}/h2load.log`, loadCpu: options.cpus?.load });
  }
}

function unaryRow({ payloadName, connections, streams }, samples, unavailable) {
  return {
    id: `grpc-unary/${payloadName}/c${connections}/m${streams}`,
    suite: "grpc-unary",
    title: `gRPC unary, ${payloadName} payload, ${connections} connection(s) x ${streams} stream(s)`,
    unit: "req/s",
    baseline: "raw-grpc-js",
    subjects: Object.fromEntries(Object.entries(samples).map(([v, list]) => [v, columns(list)])),
    unavailable,
  };
}

/** Server streaming: Expand calls of EXPAND.count messages, 16 streams on one connection; messages/s. */
async function streamingRow(running, options, log) {
  const bodyFile = `${options.tmpDir}/expand.bin`;
  writeFileSync(bodyFile, expandRequestBody(EXPAND.count, EXPAND.size));
  const load = { loadCpu: options.cpus?.load, bodyFile, connections: 1, streams: 16, seconds: options.seconds, warmUpMs: options.warmUpMs, logFile: `${options.tmpDir}/h2load.log` };
  const samples = await alternate(options.rounds, STREAM_SERVERS, async (v) => {
    const result = await h2load({ ...load, serverPid: running[v].pid, url: `http://127.0.0.1:${running[v].port}/echo.v1.Echo/Expand` });
    return { ...result, rps: result.rps * EXPAND.count };
  });
  const row = {
    id: "grpc-stream/expand100x16B/c1/m16",
    suite: "grpc-stream",
    title: `gRPC server streaming, ${EXPAND.count} x ${EXPAND.size} B messages per call, 1 connection x 16 streams`,
    unit: "msg/s",
    baseline: "raw-grpc-js",
    subjects: Object.fromEntries(Object.entries(samples).map(([v, list]) => [v, columns(list)])),
    unavailable: {},
  };
  log(`${row.id}: ${describe(row)}`);
  return row;
}

/** A one-line log of a row: each subject's median throughput. */
export function describe(row) {
  return Object.entries(row.subjects)
    .map(([name, c]) => `${name} ${Math.round([...c.rps].sort((a, b) => a - b)[Math.floor(c.rps.length / 2)])}`)
    .join(", ");
}
