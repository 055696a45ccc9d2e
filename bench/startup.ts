// Start-up time of a generated service against a bare @grpc/grpc-js server, in the same run.
// Each is spawned RUNS times (alternating, after one warm-up each) and timed from spawn to
//   - its "serving" log line on stdout, and
//   - the first grpc.health.v1 Check answered SERVING (a client polls the port every 2 ms),
// plus the process' own `startup_ms` (Node's clock from process start to serving). A bare
// `node -e 0` (spawn to exit) shows what any Node process costs here. Writes
// bench/results/startup.md.
//
//   npm run bench:startup   (builds gen-svc and the echo sample first; RUNS=10 by default)
import * as grpc from "@grpc/grpc-js";
import { service as healthDefinition } from "grpc-health-check";
import { spawn, type ChildProcess } from "node:child_process";
import { mkdirSync, writeFileSync } from "node:fs";
import { connect, createServer, type AddressInfo } from "node:net";
import { cpus, loadavg } from "node:os";
import { fileURLToPath } from "node:url";

const RUNS = Number(process.env["RUNS"] ?? 10);
const root = fileURLToPath(new URL("..", import.meta.url));
const HealthClient = grpc.makeGenericClientConstructor(healthDefinition, "Health");

/** A server to time: the script Node runs and the environment it needs. */
interface Subject {
  name: string;
  script: string;
  env: (grpcPort: number) => Record<string, string>;
}

const subjects: Subject[] = [
  {
    name: "generated echo service (startServer: health, reflection, admin port, metrics, logging, tracing off)",
    // `npm run bench` points ECHO_DIST at the echo service it generates into .tmp/bench/echo.
    script: `${process.env["ECHO_DIST"] ?? `${root}generated-samples/echo/dist`}/src/main.js`,
    env: (port) => ({ HOST: "127.0.0.1", GRPC_PORT: String(port), ADMIN_PORT: "0", HTTP_PORT: "0" }),
  },
  {
    name: "baseline: bare @grpc/grpc-js server (one service + grpc-health-check)",
    script: `${root}bench/baseline-server.mjs`,
    env: (port) => ({ GRPC_PORT: String(port) }),
  },
];

/** One start of one subject, in milliseconds. */
interface Sample {
  toServingLine: number;
  toHealthy: number;
  ownStartupMs: number;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
};
const ms = (value: number) => value.toFixed(0);

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

function accepts(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host: "127.0.0.1", port });
    socket.once("connect", () => (socket.destroy(), resolve(true)));
    socket.once("error", () => (socket.destroy(), resolve(false)));
  });
}

/** Resolves once a Check on `port` answers SERVING; polls the port every 2 ms first. */
async function waitHealthy(port: number, until: number): Promise<void> {
  while (!(await accepts(port))) {
    if (performance.now() > until) throw new Error(`port ${port} never accepted`);
    await sleep(2);
  }
  const client = new HealthClient(`127.0.0.1:${port}`, grpc.credentials.createInsecure());
  try {
    for (;;) {
      const status = await new Promise<string | undefined>((resolve) =>
        (client as unknown as { check: (r: object, o: grpc.CallOptions, cb: (e: unknown, r?: { status: string }) => void) => void }).check(
          { service: "" },
          { deadline: Date.now() + Math.max(0, until - performance.now()) },
          (error, response) => resolve(error ? undefined : response?.status),
        ),
      );
      if (status === "SERVING") return;
      if (performance.now() > until) throw new Error(`health Check on ${port} never answered SERVING`);
      await sleep(2);
    }
  } finally {
    client.close();
  }
}

/** Resolves with the child's first stdout line containing `"msg":"serving"`, timed. */
function servingLine(child: ChildProcess, spawnedAt: number): Promise<{ at: number; line: Record<string, unknown> }> {
  return new Promise((resolve, reject) => {
    let out = "";
    child.stdout!.setEncoding("utf8").on("data", (chunk: string) => {
      out += chunk;
      const line = out.split("\n").find((l) => l.includes('"msg":"serving"') && l.endsWith("}"));
      if (line) resolve({ at: performance.now() - spawnedAt, line: JSON.parse(line) as Record<string, unknown> });
    });
    child.once("exit", (code) => reject(new Error(`exited with ${code} before serving:\n${out}`)));
  });
}

/** Stops `child` by its pid (SIGTERM, then SIGKILL after 10 s) and waits for it. */
async function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((resolve) => child.once("exit", resolve));
  process.kill(child.pid!, "SIGTERM");
  const killer = setTimeout(() => process.kill(child.pid!, "SIGKILL"), 10_000);
  await exited;
  clearTimeout(killer);
}

async function startOnce(subject: Subject): Promise<Sample> {
  const port = await freePort();
  const spawnedAt = performance.now();
  const child = spawn(process.execPath, [subject.script], {
    cwd: root,
    env: { ...process.env, ...subject.env(port) },
    stdio: ["ignore", "pipe", "inherit"],
  });
  try {
    const [serving, toHealthy] = await Promise.all([
      servingLine(child, spawnedAt),
      waitHealthy(port, spawnedAt + 30_000).then(() => performance.now() - spawnedAt),
    ]);
    return { toServingLine: serving.at, toHealthy, ownStartupMs: Number(serving.line["startup_ms"]) };
  } finally {
    await stop(child);
  }
}

/** Spawn to exit of `node -e 0`: the floor any Node process pays on this machine. */
async function bareNode(): Promise<number> {
  const spawnedAt = performance.now();
  const child = spawn(process.execPath, ["-e", "0"], { stdio: "ignore" });
  await new Promise((resolve) => child.once("exit", resolve));
  return performance.now() - spawnedAt;
}

async function main(): Promise<void> {
  const samples = new Map<Subject, Sample[]>(subjects.map((s) => [s, []]));
  const bare: number[] = [];
  for (const subject of subjects) await startOnce(subject); // warm-up: file cache, JIT of the bench
  await bareNode();
  for (let run = 0; run < RUNS; run++) {
    const order = run % 2 === 0 ? subjects : [...subjects].reverse();
    for (const subject of order) samples.get(subject)!.push(await startOnce(subject));
    bare.push(await bareNode());
  }
  const report = render(samples, bare);
  console.log(report);
  mkdirSync(`${root}bench/results`, { recursive: true });
  writeFileSync(process.env["STARTUP_MD"] ?? `${root}bench/results/startup.md`, report);
  // Every sample (spawn to healthy, ms), machine-readable, for bench/run.mjs; STARTUP_MD/STARTUP_JSON move both files.
  const toHealthy = (subject: Subject) => samples.get(subject)!.map((sample) => sample.toHealthy);
  const json = { generated: toHealthy(subjects[0]!), baseline: toHealthy(subjects[1]!), bareNode: bare };
  writeFileSync(process.env["STARTUP_JSON"] ?? `${root}bench/results/startup.json`, `${JSON.stringify(json)}\n`);
}

function render(samples: Map<Subject, Sample[]>, bare: number[]): string {
  const [generated, baseline] = subjects.map((s) => samples.get(s)!);
  const row = (name: string, values: Sample[]) => {
    const pick = (key: keyof Sample) => values.map((v) => v[key]);
    return `| ${name} | ${ms(median(pick("toServingLine")))} | ${ms(median(pick("toHealthy")))} | ${ms(median(pick("ownStartupMs")))} | ${ms(Math.min(...pick("toHealthy")))}–${ms(Math.max(...pick("toHealthy")))} |`;
  };
  const ratio = (key: keyof Sample) => (median(generated!.map((v) => v[key])) / median(baseline!.map((v) => v[key]))).toFixed(2);
  const cpu = cpus();
  return [
    "# Start-up time: generated service vs bare @grpc/grpc-js",
    "",
    `Node ${process.version}, ${cpu.length} × ${cpu[0]?.model.trim() ?? "unknown CPU"}, ${new Date().toISOString().slice(0, 10)}; ` +
      `load average ${loadavg()[0]!.toFixed(2)} at the end; ${RUNS} starts each (alternating, after one warm-up), medians in milliseconds.`,
    "",
    "| Server | spawn → \"serving\" line | spawn → first health Check SERVING | own startup_ms (process start → serving) | spawn → healthy, min–max |",
    "| --- | ---: | ---: | ---: | --- |",
    ...subjects.map((s) => row(s.name, samples.get(s)!)),
    `| bare \`node -e 0\` (spawn → exit) | | ${ms(median(bare))} | | ${ms(Math.min(...bare))}–${ms(Math.max(...bare))} |`,
    "",
    `Ratio generated / baseline: **${ratio("toHealthy")}** to the first SERVING health answer, ${ratio("toServingLine")} to the "serving" line, ` +
      `${ratio("ownStartupMs")} in the processes' own startup_ms.`,
    `Beyond a bare Node process: generated ${ms(median(generated!.map((v) => v.toHealthy)) - median(bare))} ms, ` +
      `baseline ${ms(median(baseline!.map((v) => v.toHealthy)) - median(bare))} ms.`,
    "",
  ].join("\n");
}

await main();
