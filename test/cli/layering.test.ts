/**
 * DESIGN §1: the front ends (`src/cli`, `src/plugin`) depend on core, never on each other; what
 * they share lives in `src/frontend`, which depends on neither.
 */
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

const srcDir = fileURLToPath(new URL("../../src", import.meta.url));

/** The relative import specifiers (`../x/y.js`) of every module in `src/<folder>`, per file. */
function relativeImports(folder: string): Array<[string, string]> {
  const found: Array<[string, string]> = [];
  for (const name of readdirSync(join(srcDir, folder)).filter((file) => file.endsWith(".ts"))) {
    const text = readFileSync(join(srcDir, folder, name), "utf8");
    for (const match of text.matchAll(/\bfrom\s+"(\.{1,2}\/[^"]+)"|\bimport\(\s*"(\.{1,2}\/[^"]+)"\s*\)/g)) {
      found.push([`${folder}/${name}`, match[1] ?? match[2] ?? ""]);
    }
  }
  return found;
}

/** The imports of `folder` that reach into one of `forbidden` (sibling folders of src). */
function importsInto(folder: string, forbidden: readonly string[]): string[] {
  return relativeImports(folder)
    .filter(([, spec]) => forbidden.some((other) => spec.startsWith(`../${other}/`)))
    .map(([file, spec]) => `${file} imports ${spec}`);
}

describe("front-end layering", () => {
  it("keeps cli and plugin independent of each other, sharing only src/frontend", () => {
    expect(importsInto("plugin", ["cli"])).toEqual([]);
    expect(importsInto("cli", ["plugin"])).toEqual([]);
    expect(importsInto("frontend", ["cli", "plugin"])).toEqual([]);
    // Both front ends do use the shared folder (the check above is not vacuous).
    expect(relativeImports("plugin").some(([, spec]) => spec.startsWith("../frontend/"))).toBe(true);
    expect(relativeImports("cli").some(([, spec]) => spec.startsWith("../frontend/"))).toBe(true);
  });
});
