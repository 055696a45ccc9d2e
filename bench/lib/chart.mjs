// The results chart as hand-built SVG text: for the gRPC unary and the HTTP rows, one panel of
// median throughput and one of median p99 latency, a group of bars per row and a bar per server.
import { median } from "./stats.mjs";

const COLORS = ["#4e79a7", "#f28e2b", "#e15759", "#76b7b2", "#59a14f", "#edc948", "#b07aa1"];
const WIDTH = 1100;
const PANEL_HEIGHT = 260;
const escape = (text) => String(text).replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
const short = (id) => id.split("/").slice(1).join(" ");

/** One bar panel at height `top`: `groups` (rows) x `series` (servers), `value(row, server)` per bar. */
function panel(top, title, rows, series, value, unit) {
  const left = 70;
  const plotWidth = WIDTH - left - 20;
  const plotHeight = PANEL_HEIGHT - 70;
  const values = rows.flatMap((row) => series.map((s) => value(row, s) ?? 0));
  const max = Math.max(...values, 1e-9) * 1.1;
  const groupWidth = plotWidth / rows.length;
  const barWidth = (groupWidth * 0.8) / series.length;
  const parts = [`<text x="${left}" y="${top + 16}" font-size="14" font-weight="bold">${escape(title)}</text>`];
  const y = (v) => top + 30 + plotHeight - (v / max) * plotHeight;
  for (let tick = 0; tick <= 4; tick++) {
    const v = (max / 4) * tick;
    parts.push(`<line x1="${left}" x2="${left + plotWidth}" y1="${y(v)}" y2="${y(v)}" stroke="#ddd"/>`);
    parts.push(`<text x="${left - 6}" y="${y(v) + 4}" font-size="10" text-anchor="end">${escape(formatTick(v))}</text>`);
  }
  parts.push(`<text x="12" y="${top + 30 + plotHeight / 2}" font-size="11" transform="rotate(-90 12 ${top + 30 + plotHeight / 2})" text-anchor="middle">${escape(unit)}</text>`);
  rows.forEach((row, g) => {
    const x0 = left + g * groupWidth + groupWidth * 0.1;
    series.forEach((s, i) => {
      const v = value(row, s);
      if (v === undefined) return;
      parts.push(`<rect x="${(x0 + i * barWidth).toFixed(1)}" y="${y(v).toFixed(1)}" width="${(barWidth - 1).toFixed(1)}" height="${(top + 30 + plotHeight - y(v)).toFixed(1)}" fill="${COLORS[i % COLORS.length]}"><title>${escape(`${s} ${short(row.id)}: ${formatTick(v)} ${unit}`)}</title></rect>`);
    });
    parts.push(`<text x="${(x0 + (groupWidth * 0.8) / 2).toFixed(1)}" y="${top + 30 + plotHeight + 14}" font-size="9" text-anchor="middle">${escape(short(row.id))}</text>`);
  });
  return parts.join("\n");
}

function formatTick(v) {
  return v >= 1000 ? `${(v / 1000).toFixed(1)}k` : v >= 10 ? v.toFixed(0) : v.toFixed(2);
}

function legend(top, series) {
  return series.map((s, i) => `<rect x="${70 + i * 150}" y="${top}" width="12" height="12" fill="${COLORS[i % COLORS.length]}"/><text x="${86 + i * 150}" y="${top + 10}" font-size="11">${escape(s)}</text>`).join("\n");
}

/** The SVG document for `results` (bench/run.mjs's JSON). */
export function renderChart(results) {
  const sections = [
    { title: "gRPC unary (h2load)", rows: results.rows.filter((r) => r.suite === "grpc-unary") },
    { title: "HTTP/JSON unary (wrk)", rows: results.rows.filter((r) => r.suite === "http-unary") },
  ].filter((section) => section.rows.length > 0);
  const parts = [];
  let top = 10;
  for (const section of sections) {
    const series = Object.keys(section.rows[0].subjects);
    parts.push(legend(top, series));
    top += 24;
    parts.push(panel(top, `${section.title}: throughput (median req/s)`, section.rows, series, (row, s) => medianOf(row, s, "rps"), "req/s"));
    top += PANEL_HEIGHT;
    parts.push(panel(top, `${section.title}: p99 latency (median of rounds, ms)`, section.rows, series, (row, s) => medianOf(row, s, "p99Ms"), "ms"));
    top += PANEL_HEIGHT + 10;
  }
  const header = `<text x="70" y="${top + 14}" font-size="11">${escape(`${results.date}, Node ${results.machine.node}, ${results.machine.cores} cores (${results.machine.cpu}), ${results.mode} run`)}</text>`;
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${top + 30}" font-family="sans-serif">\n<rect width="100%" height="100%" fill="white"/>\n${parts.join("\n")}\n${header}\n</svg>\n`;
}

function medianOf(row, subject, key) {
  const values = row.subjects[subject]?.[key];
  return values && values.length > 0 ? median(values) : undefined;
}
