/**
 * How the CLI tells the user what happened to handler files: which were updated and how (stdout),
 * and what needs their attention, as `path:line:col: message` warnings (stderr), with positions in
 * the file as `generate` left it.
 */
import { posix } from "node:path";
import { needsAttention, type HandlerPlan } from "../frontend/handlers.js";
import type { WriteOutcome } from "./output-write.js";

/** Lines for stdout and stderr after `generate` wrote `plan`; paths shown under `display`. */
export function generateReport(plan: HandlerPlan, outcome: WriteOutcome, display: string): { stdout: string[]; stderr: string[] } {
  const stdout: string[] = [];
  const stderr: string[] = [];
  const where = (path: string) => posix.join(display, path);
  for (const merge of plan.merges) {
    const written = outcome.merged.includes(merge.path);
    if (written) stdout.push(`gen-svc: updated ${where(merge.path)}: ${merge.result.findings.filter((f) => f.changes).map((f) => f.summary).join("; ")}\n`);
    if (outcome.changedMeanwhile.includes(merge.path)) {
      stderr.push(`gen-svc: warning: ${where(merge.path)}: changed while gen-svc was running, so it was not updated; run gen-svc generate again\n`);
      continue;
    }
    for (const finding of merge.result.findings.filter(needsAttention)) {
      const at = written ? finding.mergedAt : finding.at;
      stderr.push(`gen-svc: warning: ${where(merge.path)}:${at.line}:${at.column}: ${finding.message}\n`);
    }
  }
  for (const orphan of plan.orphans) stderr.push(`gen-svc: warning: ${where(orphan.path)}: ${orphan.message}\n`);
  return { stdout, stderr };
}
