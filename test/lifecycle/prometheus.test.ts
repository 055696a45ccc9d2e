// A real Prometheus server (the Debian package; scripts/test-all.sh installs it) scrapes the admin
// port of the generated echo service running as a process, and a PromQL query through Prometheus'
// HTTP API sees exactly the calls the test made.
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { afterAll, afterEach, beforeAll, expect, test } from "vitest";
import { EchoClient } from "../../generated-samples/echo/src/gen/echo/grpc-client.js";
import { freePort, httpGet } from "./probes.js";
import { buildSample, Processes, waitUntil, type BuiltSample, type RunningProcess } from "./sample-process.js";

const CALLS = 7;

let echo: BuiltSample;
const processes = new Processes();
const cleanups: Array<() => void> = [];

beforeAll(() => {
  echo = buildSample("echo");
});
afterEach(async () => {
  await processes.killAll();
  for (const cleanup of cleanups.splice(0).reverse()) cleanup();
});
afterAll(() => echo?.remove());

/** Starts Prometheus on a free port, scraping `target` every second; waits until it is ready. */
async function startPrometheus(target: string): Promise<{ process: RunningProcess; url: string }> {
  const which = spawnSync("prometheus", ["--version"], { encoding: "utf8" });
  if (which.status !== 0) throw new Error("prometheus is not installed: apt-get install -y --no-install-recommends prometheus (scripts/test-all.sh does)");
  const dir = mkdtempSync(`${tmpdir()}/gen-svc-prometheus-`);
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
  writeFileSync(
    `${dir}/prometheus.yml`,
    [
      "global:",
      "  scrape_interval: 1s",
      "  scrape_timeout: 1s",
      "  evaluation_interval: 1s",
      "scrape_configs:",
      "  - job_name: echo",
      "    static_configs:",
      `      - targets: ["${target}"]`,
      "",
    ].join("\n"),
  );
  const port = await freePort();
  const prometheus = processes.spawnCommand("prometheus", [
    `--config.file=${dir}/prometheus.yml`,
    `--storage.tsdb.path=${dir}/data`,
    `--web.listen-address=127.0.0.1:${port}`,
  ]);
  const url = `http://127.0.0.1:${port}`;
  await waitUntil(
    async () => {
      if (prometheus.exit) throw new Error(prometheus.describe("Prometheus to start (it exited)"));
      const ready = await httpGet(`${url}/-/ready`, 2_000);
      return "status" in ready && ready.status === 200;
    },
    60_000,
    () => prometheus.describe("Prometheus /-/ready"),
    100,
  );
  return { process: prometheus, url };
}

/** The value of an instant PromQL query with a single-sample result, or undefined when empty. */
async function queryScalar(prometheusUrl: string, query: string): Promise<number | undefined> {
  const answer = await httpGet(`${prometheusUrl}/api/v1/query?query=${encodeURIComponent(query)}`);
  if (!("status" in answer) || answer.status !== 200) return undefined;
  const body = JSON.parse(answer.body) as { status: string; data: { resultType: string; result: Array<{ value: [number, string] }> } };
  expect(body.status).toBe("success");
  const [sample] = body.data.result;
  return sample ? Number(sample.value[1]) : undefined;
}

test(`Prometheus scrapes the running echo service and PromQL sees exactly ${CALLS} Echo calls`, { timeout: 150_000 }, async () => {
  const service = await processes.startSample(echo);
  const client = new EchoClient(service.address);
  try {
    for (let i = 0; i < CALLS; i++) expect((await client.echo({ text: `call ${i}` })).text).toBe(`call ${i}`);
  } finally {
    client.close();
  }

  const prometheus = await startPrometheus(`127.0.0.1:${service.adminPort}`);
  const handled = 'sum(grpc_server_handled_total{job="echo",grpc_service="echo.v1.Echo",grpc_method="Echo",grpc_type="unary",grpc_code="OK"})';
  let seen: number | undefined;
  await waitUntil(
    async () => (seen = await queryScalar(prometheus.url, handled)) === CALLS,
    60_000,
    () => `${handled} = ${seen}\n${prometheus.process.describe("the query")}`,
    250,
  );
  expect(seen).toBe(CALLS);
  // The same scrape also has the other go-grpc-prometheus series of those calls.
  expect(await queryScalar(prometheus.url, 'sum(grpc_server_started_total{grpc_method="Echo"})')).toBe(CALLS);
  expect(await queryScalar(prometheus.url, 'sum(grpc_server_handling_seconds_count{grpc_method="Echo"})')).toBe(CALLS);
  expect(await queryScalar(prometheus.url, 'sum(grpc_server_in_flight{grpc_method="Echo"})')).toBe(0);
  expect(await queryScalar(prometheus.url, 'up{job="echo"}')).toBe(1);

  prometheus.process.signal("SIGTERM");
  service.process.signal("SIGTERM");
  expect((await prometheus.process.waitForExit(30_000)).code).toBe(0);
  expect((await service.process.waitForExit(30_000)).code).toBe(0);
});
