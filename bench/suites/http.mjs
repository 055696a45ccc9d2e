// HTTP/JSON rows: the same proto message as canonical JSON, a small and a 4 KiB body, each server
// in its own process, all loaded by wrk in alternating rounds.
import { create, toJsonString } from "@bufbuild/protobuf";
import { EchoRequestSchema, ECHO_PATH, payloadOf } from "../lib/echo.mjs";
import { pinProcess } from "../lib/cpus.mjs";
import { startServer } from "../lib/processes.mjs";
import { alternate, columns } from "../lib/rounds.mjs";
import { wrk, writePostScript } from "../lib/wrk.mjs";
import { describe } from "./grpc.mjs";

/** The servers of the HTTP rows, baseline first. */
export const HTTP_SERVERS = ["raw-node-http", "fastify", "gen-http"];
/** Request bodies: a small one, and one of 4 KiB (a 3,072-byte payload is 4,096 base64 characters). */
const BODIES = {
  small: toJsonString(EchoRequestSchema, create(EchoRequestSchema, { text: "hello", payload: payloadOf(16) })),
  "4KiB": toJsonString(EchoRequestSchema, create(EchoRequestSchema, { text: "hello", payload: payloadOf(3072) })),
};
const CONNECTIONS = 32;
const serverScript = new URL("../servers/http.mjs", import.meta.url);

/** POSTs `body` `count` times: warms the server up and checks it echoes the body's JSON. */
async function warmUpAndCheck(name, port, body, count) {
  const expected = JSON.parse(body);
  for (let i = 0; i < count; i++) {
    const response = await fetch(`http://127.0.0.1:${port}${ECHO_PATH}`, { method: "POST", headers: { "content-type": "application/json" }, body, signal: AbortSignal.timeout(5_000) });
    const answer = await response.json();
    if (response.status !== 200 || answer.text !== expected.text || answer.payload !== expected.payload) {
      throw new Error(`${name} answered ${response.status} ${JSON.stringify(answer).slice(0, 200)}`);
    }
  }
}

/** Runs the HTTP rows; `options`: rounds, seconds, tmpDir, cpus (see lib/cpus.mjs). */
export async function httpSuite(options, log) {
  const running = {};
  const rows = [];
  try {
    for (const variant of HTTP_SERVERS) {
      running[variant] = await startServer(serverScript, [variant]);
      if (options.cpus) await pinProcess(running[variant].pid, options.cpus.server);
    }
    for (const [bodyName, body] of Object.entries(BODIES)) {
      const script = `${options.tmpDir}/post-${bodyName}.lua`;
      writePostScript(script, body);
      const load = (v, seconds) => wrk({ url: `http://127.0.0.1:${running[v].port}${ECHO_PATH}`, script, connections: CONNECTIONS, seconds, serverPid: running[v].pid, loadCpu: options.cpus?.load });
      for (const [name, server] of Object.entries(running)) await warmUpAndCheck(name, server.port, body, options.smoke ? 20 : 300);
      // A second of load per server first, unmeasured: the JIT settles before the first round.
      if (!options.smoke) for (const variant of HTTP_SERVERS) await load(variant, 1);
      const samples = await alternate(options.rounds, HTTP_SERVERS, (v) => load(v, Math.max(1, Math.round(options.seconds))));
      const row = {
        id: `http-unary/${bodyName}/c${CONNECTIONS}`,
        suite: "http-unary",
        title: `HTTP/JSON unary, ${bodyName} body (${Buffer.byteLength(body)} B), ${CONNECTIONS} keep-alive connections`,
        unit: "req/s",
        baseline: "raw-node-http",
        subjects: Object.fromEntries(Object.entries(samples).map(([v, list]) => [v, columns(list)])),
        unavailable: {},
      };
      log(`${row.id}: ${describe(row)}`);
      rows.push(row);
    }
  } finally {
    await Promise.all(Object.values(running).map((s) => s.stop()));
  }
  return rows;
}
