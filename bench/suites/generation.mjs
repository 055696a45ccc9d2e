// Generation rows: `gen-svc generate` against protoc + protoc-gen-es alone (the message code gen-svc
// builds on) on the same input: each example, the shared corpus in one run, and synthetic
// contracts of growing size. Wall time and peak memory (max RSS of the process tree, from
// /usr/bin/time) of each run; the rows alternate the two tools over the rounds.
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { run } from "../lib/processes.mjs";
import { alternate, columns } from "../lib/rounds.mjs";

const root = fileURLToPath(new URL("../../", import.meta.url));
export const GENERATORS = ["protoc-gen-es", "gen-svc"];
/** buf cannot compile this corpus entry (message-set extensions in options); gen-svc's CLI compiles with buf. */
const BUF_CANNOT_COMPILE = new Set(["google/protobuf/unittest_custom_options.proto"]);

/** Every .proto under `dir`, relative to it. */
function protoFiles(dir) {
  return readdirSync(dir, { recursive: true }).filter((f) => f.endsWith(".proto")).map(String).sort();
}

/** The corpus entries (ENTRIES.txt), without the one buf cannot compile; `limit` keeps the first ones. */
function corpusEntries(corpus, limit) {
  const entries = readFileSync(join(corpus, "ENTRIES.txt"), "utf8")
    .split("\n")
    .map((line) => line.split("#")[0].trim())
    .filter((line) => line !== "" && !BUF_CANNOT_COMPILE.has(line));
  return limit ? entries.slice(0, limit) : entries;
}

/** Writes a contract of `services` services (10 methods and 10 messages each) into `dir`: one file per service, one proto package. */
export function writeSyntheticContract(dir, services) {
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(join(dir, "synth/v1"), { recursive: true });
  for (let s = 0; s < services; s++) {
    const messages = Array.from({ length: 10 }, (_, m) =>
      [`// Message ${m} of service ${s}.`, `message S${s}M${m} {`, "  string id = 1;", "  int64 count = 2;", "  repeated string tags = 3;", `  bytes data = 4;`, "}"].join("\n"),
    );
    const methods = Array.from({ length: 10 }, (_, m) => `  // Method ${m}.\n  rpc Call${m}(S${s}M${m}) returns (S${s}M${(m + 1) % 10});`);
    const text = ['syntax = "proto3";', "", "package synth.v1;", "", `// Synthetic service ${s}.`, `service Service${s} {`, ...methods, "}", "", ...messages, ""].join("\n");
    writeFileSync(join(dir, `synth/v1/service${s}.proto`), text);
  }
}

/** `/usr/bin/time` around `command`: resolves with wall seconds and peak RSS in MiB; throws on failure. */
async function timed(command, args, { cwd, timeoutMs }) {
  const result = await run("/usr/bin/time", ["-f", "BENCH-TIME %e %M", command, ...args], { cwd, timeoutMs });
  const match = /BENCH-TIME ([\d.]+) (\d+)/.exec(result.stderr);
  if (result.status !== 0 || !match) throw new Error(`${command} ${args.slice(0, 3).join(" ")} failed (${result.status ?? result.signal}):\n${result.stderr.slice(-2000)}`);
  return { seconds: Number(match[1]), peakMiB: Number(match[2]) / 1024 };
}

/** One job: the input files (relative to `cwd`) and include directories, run by either tool (protoc-gen-es under protoc, or under buf with `job.buf`). */
function runGenerator(tool, job, outDir, timeoutMs) {
  rmSync(outDir, { recursive: true, force: true });
  mkdirSync(outDir, { recursive: true });
  const includes = job.includes.flatMap((dir) => ["-I", dir]);
  if (tool === "gen-svc") {
    return timed(process.execPath, [join(root, "bin/gen-svc.js"), "generate", ...job.files, ...includes, "-o", outDir], { cwd: job.cwd, timeoutMs });
  }
  const plugin = join(root, "node_modules/.bin/protoc-gen-es");
  if (job.buf) {
    // Debian's protoc (3.21) cannot parse editions, which some corpus entries use: buf compiles
    // these inputs for protoc-gen-es, as it does for gen-svc.
    const template = JSON.stringify({ version: "v2", plugins: [{ local: plugin, out: outDir, opt: ["target=ts"] }] });
    return timed(join(root, "node_modules/.bin/buf"), ["generate", ".", "--template", template, ...job.files.flatMap((f) => ["--path", f])], { cwd: job.cwd, timeoutMs });
  }
  return timed("protoc", [`--plugin=protoc-gen-es=${plugin}`, `--es_out=${outDir}`, "--es_opt=target=ts", ...includes, "-I", join(root, "proto"), ...job.files], { cwd: job.cwd, timeoutMs });
}

/** The generation jobs: examples, corpus, synthetic sizes (smaller in smoke mode). */
function jobs(options) {
  const list = [];
  for (const example of readdirSync(join(root, "proto-examples")).sort()) {
    if (options.smoke && example !== "echo") continue;
    const cwd = join(root, "proto-examples", example);
    list.push({ id: `generate/example/${example}`, title: `example ${example}`, cwd, files: protoFiles(cwd), includes: ["."] });
  }
  const corpus = options.corpusDir;
  const entries = corpusEntries(corpus, options.smoke ? 2 : undefined);
  list.push({ id: "generate/corpus", title: `the corpus, ${entries.length} entries in one run`, cwd: corpus, files: entries, includes: ["."], corpus: true, buf: true });
  for (const services of options.smoke ? [2, 4, 8] : [10, 100, 1000]) {
    const cwd = join(options.tmpDir, `synthetic-${services}`);
    list.push({ id: `generate/synthetic/${services}`, title: `synthetic: ${services} services x 10 methods x 10 messages`, cwd, services, includes: ["."], synthetic: true, buf: true });
  }
  return list;
}

/** Runs the generation rows; `options`: rounds, smoke, tmpDir, corpusDir. */
export async function generationSuite(options, log) {
  const rows = [];
  for (const job of jobs(options)) {
    if (job.synthetic) {
      writeSyntheticContract(job.cwd, job.services);
      job.files = protoFiles(job.cwd);
    }
    // The biggest inputs run once per tool: they take long, and their noise is small against their size.
    const rounds = job.services >= 1000 || job.corpus ? Math.min(options.rounds, 1) : options.rounds;
    const samples = await alternate(rounds, GENERATORS, (tool) => runGenerator(tool, job, join(options.tmpDir, "out", tool), 600_000));
    const row = {
      id: job.id,
      suite: "generation",
      title: `generate ${job.title} (${job.files.length} files)`,
      unit: "s",
      lowerIsBetter: true,
      baseline: "protoc-gen-es",
      baselineCompiler: job.buf ? "buf generate" : "protoc",
      subjects: Object.fromEntries(Object.entries(samples).map(([tool, list]) => [tool, columns(list)])),
      unavailable: {},
      ...(job.services ? { services: job.services } : {}),
    };
    log(`${row.id}: ${Object.entries(row.subjects).map(([t, c]) => `${t} ${c.seconds.join("/")} s, ${Math.round(Math.max(...c.peakMiB))} MiB`).join("; ")}`);
    rows.push(row);
  }
  rmSync(join(options.tmpDir, "out"), { recursive: true, force: true });
  return rows;
}

