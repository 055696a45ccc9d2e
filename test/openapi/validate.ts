/**
 * Validates an OpenAPI document with Redocly's linter (@redocly/openapi-core): the `recommended`
 * ruleset, whose errors include the structural OpenAPI 3.1 checks (`struct`), path and parameter
 * rules and JSON Schema keyword checks.
 */
import { createConfig, lintFromString, type Config, type NormalizedProblem } from "@redocly/openapi-core";

let config: Promise<Config> | undefined;

/** The problems Redocly reports for a document, as `severity rule: message at pointer` lines. */
export async function lintOpenApi(source: string, severity: "error" | "warn" = "error"): Promise<string[]> {
  config ??= createConfig({ extends: ["recommended"] });
  const problems = await lintFromString({ source, absoluteRef: "/virtual/openapi.yaml", config: await config });
  return problems.filter((p) => p.severity === severity || severity === "warn").map(formatProblem);
}

function formatProblem(problem: NormalizedProblem): string {
  const where = problem.location.map((l) => l.pointer ?? "").join(", ");
  return `${problem.severity} ${problem.ruleId}: ${problem.message} at ${where}`;
}
