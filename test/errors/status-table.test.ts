/** The README's code -> HTTP status table is the runtime's one table (code.ts), row for row. */
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { expect, it } from "vitest";
import { Code, httpStatusFromCode } from "../../src/runtime/index.js";

const root = fileURLToPath(new URL("../..", import.meta.url));

it("the README's table is httpStatusFromCode for all 17 codes", () => {
  const readme = readFileSync(`${root}README.md`, "utf8");
  const section = readme.slice(readme.indexOf("**Status codes and HTTP statuses.**"));
  const rows = section.split("\n").filter((line) => /^\| [A-Z_]+ \| \d+ \|/.test(line));
  const documented = new Map<string, number>();
  for (const row of rows) {
    const cells = row.split("|").map((cell) => cell.trim()).filter((cell) => cell !== "");
    for (let i = 0; i + 1 < cells.length; i += 2) documented.set(cells[i]!, Number(cells[i + 1]));
  }
  const runtime = new Map(Object.entries(Code).map(([name, code]) => [name, httpStatusFromCode(code)]));
  expect(documented).toEqual(runtime);
});
