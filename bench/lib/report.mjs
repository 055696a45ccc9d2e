// The targets of issue 8 checked against a run's rows, and the Markdown summary of the run.
import { median, ratioSummary, summary } from "./stats.mjs";

const rowsOf = (results, suite) => results.rows.filter((row) => row.suite === suite);
const metricOf = (row) => (row.suite === "generation" ? "seconds" : row.suite === "startup" ? "ms" : "rps");

/** Per row: the same-round ratio subject / other, summarised (median, min, max over the rounds). */
function rowRatios(rows, subject, other) {
  return rows
    .filter((row) => row.subjects[subject] && row.subjects[other])
    .map((row) => ({ id: row.id, ...ratioSummary(row.subjects[subject][metricOf(row)], row.subjects[other][metricOf(row)]) }));
}

/**
 * A ratio target over rows: the figure is the median of the rows' median ratios, with the lowest
 * and highest row medians; met when that median reaches `at` (`above`: strictly more) and, with
 * `everyRow`, when every row does.
 */
function ratioTarget(name, rows, subject, other, { at, above = false, everyRow = false, unavailable }) {
  const perRow = rowRatios(rows, subject, other);
  if (perRow.length === 0) return { name, status: "not measured", figure: unavailable ?? `no ${subject} rows in this run` };
  const medians = perRow.map((r) => r.median);
  const overall = median(medians);
  const reaches = (v) => (above ? v > at : v >= at);
  const met = everyRow ? medians.every(reaches) : reaches(overall);
  const status = at === 0 ? "info" : met ? "met" : "not met";
  const worst = perRow.reduce((a, b) => (a.median <= b.median ? a : b));
  const figure = `${overall.toFixed(2)}x (rows ${Math.min(...medians).toFixed(2)}-${Math.max(...medians).toFixed(2)}; worst ${worst.id}, rounds ${worst.min.toFixed(2)}-${worst.max.toFixed(2)})${cpuFigure(rows, subject, other)}`;
  return { name, status, figure, ratio: overall, perRow };
}

/**
 * The same comparison in server CPU per call (other's over subject's, so higher is better like
 * throughput), when the rows measured it: the steadier figure on a shared machine. Informative;
 * the status is decided on throughput.
 */
function cpuFigure(rows, subject, other) {
  const perRow = rows
    .filter((row) => row.subjects[subject]?.cpuUsPerCall && row.subjects[other]?.cpuUsPerCall)
    .map((row) => ratioSummary(row.subjects[other].cpuUsPerCall, row.subjects[subject].cpuUsPerCall).median);
  if (perRow.length === 0) return "";
  // The client rows measure the client process; every other row the server.
  const side = rows[0]?.suite === "grpc-client" ? "client" : "server";
  return `; ${side} CPU per call ${median(perRow).toFixed(2)}x (rows ${Math.min(...perRow).toFixed(2)}-${Math.max(...perRow).toFixed(2)})`;
}

/** Every target of issue 8, each `{ name, status: met | not met | not measured | info, figure }`. */
export function checkTargets(results) {
  const unary = rowsOf(results, "grpc-unary");
  const policyMissing = unary[0]?.unavailable?.["gen-policy"];
  const targets = [
    ratioTarget("gRPC: generated server, empty chain >= 0.95x raw grpc-js", unary, "gen-empty", "raw-grpc-js", { at: 0.95 }),
    ratioTarget("gRPC: generated server, default chain >= 0.85x raw grpc-js", unary, "gen-default", "raw-grpc-js", { at: 0.85 }),
    ratioTarget("gRPC: generated server, full policy set (no target; vs raw grpc-js)", unary, "gen-policy", "raw-grpc-js", { at: 0, unavailable: policyMissing }),
    ratioTarget("gRPC: generated (default chain) ahead of nice-grpc in every row", unary, "gen-default", "nice-grpc", { at: 1, above: true, everyRow: true }),
    ratioTarget("gRPC: generated (default chain) ahead of connect-node in every row", unary, "gen-default", "connect-node", { at: 1, above: true, everyRow: true }),
    ratioTarget("gRPC server streaming: generated (empty chain) vs raw, msg/s (no target)", rowsOf(results, "grpc-stream"), "gen-empty", "raw-grpc-js", { at: 0 }),
    ratioTarget("gRPC client: generated >= 0.95x raw grpc-js client", rowsOf(results, "grpc-client"), "gen-client", "raw-grpc-js-client", { at: 0.95 }),
    ratioTarget("gRPC client: generated + discovery + p2c balancing >= 0.95x raw client", rowsOf(results, "grpc-client"), "gen-client-balanced", "raw-grpc-js-client", { at: 0.95 }),
    clientCpuTarget(rowsOf(results, "grpc-client")[0]),
    ratioTarget("HTTP/JSON: generated transport >= 0.9x raw node:http (same protobuf-es JSON work)", rowsOf(results, "http-unary"), "gen-http", "raw-node-http", { at: 0.9 }),
    ratioTarget("HTTP/JSON: generated transport ahead of fastify in every row", rowsOf(results, "http-unary"), "gen-http", "fastify", { at: 1, above: true, everyRow: true }),
    ...generationTargets(rowsOf(results, "generation"), results.mode),
    startupTarget(rowsOf(results, "startup")[0]),
  ];
  return targets;
}

function generationTargets(rows, mode) {
  const synthetic = rows.filter((row) => row.services).sort((a, b) => a.services - b.services);
  const targets = [];
  if (synthetic.length >= 2) {
    const [small, large] = [synthetic.at(-2), synthetic.at(-1)];
    const t = (row) => median(row.subjects["gen-svc"].seconds);
    // The growth exponent between the two largest sizes: 1 is linear; fixed costs push it below 1.
    const exponent = Math.log(t(large) / t(small)) / Math.log(large.services / small.services);
    const perService = synthetic.map((row) => `${row.services}: ${t(row).toFixed(1)} s (${((t(row) / row.services) * 1000).toFixed(0)} ms/service)`).join(", ");
    targets.push({ name: "generation grows linearly with contract size (exponent <= 1.1 between the two largest)", status: exponent <= 1.1 ? "met" : "not met", figure: `exponent ${exponent.toFixed(2)}; ${perService}`, ratio: exponent });
  }
  const corpus = rows.find((row) => row.id === "generate/corpus");
  if (corpus) {
    const s = summary(corpus.subjects["gen-svc"].seconds);
    const es = median(corpus.subjects["protoc-gen-es"].seconds);
    const status = mode === "smoke" ? "not measured" : s.median < 30 ? "met" : "not met";
    targets.push({ name: "the corpus generates in under 30 s", status, figure: `${s.median.toFixed(1)} s, peak ${Math.round(Math.max(...corpus.subjects["gen-svc"].peakMiB))} MiB (protoc-gen-es alone: ${es.toFixed(1)} s)${mode === "smoke" ? " (smoke: part of the corpus)" : ""}` });
  }
  return targets;
}

/** The client's CPU per call (raw's over the balanced client's, per round): the steadier view of the client rows. */
function clientCpuTarget(row) {
  const name = "gRPC client CPU per call: raw grpc-js / generated + balancing (no target; higher is better)";
  const balanced = row?.subjects["gen-client-balanced"]?.cpuUsPerCall;
  if (!balanced) return { name, status: "not measured", figure: "no client CPU figures in this run" };
  const raw = row.subjects["raw-grpc-js-client"].cpuUsPerCall;
  const r = ratioSummary(raw, balanced);
  const us = (values) => `${median(values).toFixed(0)} us`;
  return { name, status: "info", figure: `${r.median.toFixed(2)}x (rounds ${r.min.toFixed(2)}-${r.max.toFixed(2)}; ${us(balanced)} against ${us(raw)}; generated without balancing ${us(row.subjects["gen-client"].cpuUsPerCall)})`, ratio: r.median };
}

function startupTarget(row) {
  if (!row) return { name: "start-up to SERVING under 300 ms", status: "not measured", figure: "no start-up row" };
  const s = summary(row.subjects["gen-echo-service"].ms);
  const bare = median(row.subjects["bare-grpc-js"].ms);
  return { name: "start-up to SERVING under 300 ms", status: s.median < 300 ? "met" : "not met", figure: `${Math.round(s.median)} ms (${Math.round(s.min)}-${Math.round(s.max)}; bare grpc-js ${Math.round(bare)} ms)` };
}

/** One row as a Markdown table: each subject's median and min-max of its metric, p99, and its same-round ratio to the baseline. */
function rowTable(row) {
  const metric = metricOf(row);
  const cpuOf = (name) => row.subjects[name]?.cpuUsPerCall;
  const lines = [`### ${row.title}`, "", `\`${row.id}\`, ${row.subjects[row.baseline][metric].length} round(s)`, "", `| | ${row.unit} median (min-max) | p99 ms (median) | peak MiB | ratio to ${row.baseline} (min-max) | CPU µs per call (median) |`, "| --- | ---: | ---: | ---: | ---: | ---: |"];
  for (const [name, columns] of Object.entries(row.subjects)) {
    const s = summary(columns[metric]);
    const ratio = name === row.baseline ? "1" : fmtRatio(ratioSummary(columns[metric], row.subjects[row.baseline][metric]));
    const p99 = columns.p99Ms ? median(columns.p99Ms).toFixed(2) : "";
    const peak = columns.peakMiB ? Math.round(Math.max(...columns.peakMiB)) : "";
    const cpu = cpuOf(name) ? median(cpuOf(name)).toFixed(1) : "";
    lines.push(`| ${name} | ${fmt(s.median)} (${fmt(s.min)}-${fmt(s.max)}) | ${p99} | ${peak} | ${ratio} | ${cpu} |`);
  }
  for (const [name, reason] of Object.entries(row.unavailable ?? {})) lines.push(`| ${name} | not measured: ${reason} | | | | |`);
  return [...lines, ""].join("\n");
}

const fmt = (v) => (v >= 100 ? Math.round(v).toString() : v.toFixed(2));
const fmtRatio = (r) => (r ? `${r.median.toFixed(2)} (${r.min.toFixed(2)}-${r.max.toFixed(2)})` : "");

/** The targets as a Markdown table. */
export function targetsTable(targets) {
  return ["| Target | Figure (same-run ratios: median, min-max) | Status |", "| --- | --- | --- |", ...targets.map((t) => `| ${t.name} | ${t.figure} | **${t.status}** |`)].join("\n");
}

/** The whole Markdown summary of a run. */
export function renderMarkdown(results, targets) {
  const m = results.machine;
  return [
    `# gen-svc benchmark (${results.mode} run)`,
    "",
    `${results.date}; Node ${m.node}; ${m.cores} cores (${m.cpu}); load average ${m.loadAverage} at the start; ${results.options.rounds} alternating round(s) of ${results.options.seconds} s per load row; took ${Math.round(results.elapsedSeconds)} s.`,
    "Every figure is a ratio against the baseline measured in the same rounds (the machine is shared: absolute numbers are noisy).",
    results.options.pinned
      ? `Load rows ran pinned: every server on CPU ${results.options.pinned.server} (all its threads), the load generator (h2load, wrk, the client loop) on CPU ${results.options.pinned.load}.`
      : "Load rows ran unpinned: servers and load generators shared both CPUs.",
    "",
    "## Targets",
    "",
    targetsTable(targets),
    "",
    "![throughput and p99 per server](bench.svg)",
    "",
    "## Rows",
    "",
    ...results.rows.map(rowTable),
  ].join("\n");
}
