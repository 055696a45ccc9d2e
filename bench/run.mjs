// `npm run bench`: every benchmark of issue 8 in one run, results as same-run ratios.
//
//   npm run bench                 full run (under 10 minutes on 2 cores)
//   npm run bench -- --smoke      seconds-long run of every row (CI: test/bench/smoke.test.ts)
//   node bench/run.mjs [--smoke] [--out DIR] [--only grpc,http,client,generation,startup]
//                      [--rounds N] [--seconds S] [--no-pin]
//
// `npm run bench` builds gen-svc first; this script generates the echo service into
// .tmp/bench/echo and compiles it, then runs the suites. Writes DIR/bench.json (or
// bench-smoke.json), DIR/bench.md and DIR/bench.svg; DIR defaults to bench/results.
import { existsSync, mkdirSync, rmSync, writeFileSync } from "node:fs";
import { cpus, loadavg } from "node:os";
import { join, resolve } from "node:path";
import { parseArgs } from "node:util";
import { fileURLToPath } from "node:url";
import { renderChart } from "./lib/chart.mjs";
import { cpuPlan } from "./lib/cpus.mjs";
import { run } from "./lib/processes.mjs";
import { checkTargets, renderMarkdown, targetsTable } from "./lib/report.mjs";

const root = fileURLToPath(new URL("../", import.meta.url));
export const SUITES = ["grpc", "http", "client", "generation", "startup"];

function parseOptions(argv) {
  const { values } = parseArgs({
    args: argv,
    options: {
      smoke: { type: "boolean", default: false },
      "no-pin": { type: "boolean", default: false },
      out: { type: "string" },
      only: { type: "string" },
      rounds: { type: "string" },
      seconds: { type: "string" },
    },
  });
  const smoke = values.smoke;
  return {
    smoke,
    mode: smoke ? "smoke" : "full",
    outDir: resolve(values.out ?? join(root, "bench/results")),
    suites: values.only ? values.only.split(",") : SUITES,
    rounds: Number(values.rounds ?? (smoke ? 1 : 3)),
    pin: !values["no-pin"],
    seconds: Number(values.seconds ?? (smoke ? 0.3 : 1)),
    warmUpMs: smoke ? 100 : 300,
    tmpDir: join(root, `.tmp/bench/run-${process.pid}`),
    echoDir: join(root, ".tmp/bench/echo"),
    corpusDir: corpusDir(),
  };
}

/**
 * The shared corpus, found as test/support/corpus.ts finds it: `$GEN_SVC_CORPUS`, else
 * `../shared/corpus` beside the repository, else `/work/shared/corpus` (a clone elsewhere).
 */
function corpusDir() {
  const candidates = [process.env.GEN_SVC_CORPUS, join(root, "../shared/corpus"), "/work/shared/corpus"].filter(Boolean);
  const found = candidates.find((dir) => existsSync(join(dir, "ENTRIES.txt")));
  if (found === undefined) throw new Error(`the shared corpus is missing; looked in ${candidates.join(", ")} (set GEN_SVC_CORPUS)`);
  return found;
}

/** Generates the echo service with the built gen-svc into .tmp/bench/echo and compiles it. */
async function prepareEcho(echoDir, log) {
  rmSync(echoDir, { recursive: true, force: true });
  const generated = await run(process.execPath, [join(root, "bin/gen-svc.js"), "generate", join(root, "proto-examples/echo"), "-o", echoDir, "--runtime", "file:../../.."], { cwd: root });
  if (generated.status !== 0) throw new Error(`generating the echo service failed:\n${generated.stderr}`);
  const compiled = await run(process.execPath, [join(root, "node_modules/typescript/bin/tsc"), "-p", join(echoDir, "tsconfig.json")], { cwd: root });
  if (compiled.status !== 0) throw new Error(`compiling the echo service failed:\n${compiled.stdout}${compiled.stderr}`);
  log(`echo service generated and compiled in ${echoDir}`);
}

async function main() {
  const options = parseOptions(process.argv.slice(2));
  const log = (line) => console.log(`[bench ${new Date().toISOString().slice(11, 19)}] ${line}`);
  const started = performance.now();
  const cpu = cpus();
  const results = {
    date: new Date().toISOString(),
    mode: options.mode,
    machine: { cores: cpu.length, cpu: cpu[0]?.model.trim() ?? "unknown", node: process.version, platform: `${process.platform}-${process.arch}`, loadAverage: loadavg()[0].toFixed(2) },
    options: { rounds: options.rounds, seconds: options.seconds, suites: options.suites },
    rows: [],
  };
  mkdirSync(options.tmpDir, { recursive: true });
  mkdirSync(options.outDir, { recursive: true });
  try {
    await prepareEcho(options.echoDir, log);
    // Servers on one CPU, load generators on the other (lib/cpus.mjs), unless --no-pin.
    const cpus = await cpuPlan(options.pin);
    results.options.pinned = cpus ?? false;
    log(cpus ? `servers pinned to CPU ${cpus.server}, load generators to CPU ${cpus.load}` : "CPUs not pinned");
    const suiteOptions = { ...options, cpus, echoDist: join(options.echoDir, "dist") };
    // Imported only now: the suites load the echo service compiled just above.
    const runners = {
      grpc: async () => (await import("./suites/grpc.mjs")).grpcSuite,
      http: async () => (await import("./suites/http.mjs")).httpSuite,
      client: async () => (await import("./suites/client.mjs")).clientSuite,
      generation: async () => (await import("./suites/generation.mjs")).generationSuite,
      startup: async () => (await import("./suites/startup.mjs")).startupSuite,
    };
    for (const suite of options.suites) {
      if (!runners[suite]) throw new Error(`unknown suite ${suite}; known: ${SUITES.join(", ")}`);
      log(`suite ${suite}`);
      results.rows.push(...(await (await runners[suite]())(suiteOptions, log)));
    }
  } finally {
    rmSync(options.tmpDir, { recursive: true, force: true });
  }
  results.elapsedSeconds = (performance.now() - started) / 1000;
  const targets = checkTargets(results);
  results.targets = targets.map(({ perRow, ...target }) => target);
  const name = options.smoke ? "bench-smoke" : "bench";
  writeFileSync(join(options.outDir, `${name}.json`), `${JSON.stringify(results, null, 1)}\n`);
  writeFileSync(join(options.outDir, `${name}.svg`), renderChart(results));
  writeFileSync(join(options.outDir, `${name}.md`), renderMarkdown(results, targets).replace("](bench.svg)", `](${name}.svg)`));
  console.log(`\n${targetsTable(targets)}\n\nwrote ${join(options.outDir, name)}.{json,md,svg} in ${Math.round(results.elapsedSeconds)} s`);
}

await main();
