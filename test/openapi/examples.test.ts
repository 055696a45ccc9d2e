// Every contract of proto-examples/ and every corpus entry with google.api.http gives an OpenAPI
// document that Redocly's recommended rules find no error in. Documents are built from the
// descriptors directly (no CLI, no tsc), so this stays quick.
import { readdirSync, readFileSync } from "node:fs";
import { join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { buildApiModel } from "../../src/model/build.js";
import { openApiYaml } from "../../src/openapi/files.js";
import { compileModule } from "../model/compile.js";
import { corpusDir } from "../support/corpus.js";
import { compileWithBundled } from "./compile.js";
import { lintOpenApi } from "./validate.js";

const root = fileURLToPath(new URL("../..", import.meta.url));

/** The documents of a compiled set of files, one per proto package with services. */
function documents(registry: ReturnType<typeof compileModule>, files: string[]): string[] {
  return buildApiModel(registry, files, []).packages.map((pkg) => openApiYaml(pkg, { version: "0.1.0" }));
}

/** Operations (one per HTTP binding or default route) of a document. */
function operationCount(text: string): number {
  const doc = parse(text) as { paths: Record<string, Record<string, unknown>> };
  return Object.values(doc.paths).reduce((sum, item) => sum + Object.keys(item).length, 0);
}

describe("proto-examples", () => {
  const examples = readdirSync(join(root, "proto-examples"));

  it.each(examples)("%s", async (example) => {
    const dir = join(root, "proto-examples", example);
    const files = readdirSync(dir, { recursive: true, encoding: "utf8" }).filter((f) => f.endsWith(".proto"));
    const texts = documents(compileWithBundled(dir, files), files);
    expect(texts.length).toBeGreaterThan(0);
    for (const text of texts) {
      expect(await lintOpenApi(text)).toEqual([]);
      expect(operationCount(text)).toBeGreaterThan(0);
    }
  });
});

const corpus = corpusDir();
const httpEntries = readFileSync(`${corpus}/ENTRIES.txt`, "utf8")
  .split("\n")
  .filter((line) => line.includes("google.api.http: yes") && line.includes("buf=ok"))
  .map((line) => line.split("#")[0]!.trim());

describe("the corpus entries with google.api.http", () => {
  it("are the 39 the issue counts", () => {
    expect(httpEntries).toHaveLength(39);
  });

  it.each(httpEntries)("%s", async (entry) => {
    const texts = documents(compileModule(corpus, entry), [entry]);
    expect(texts.length).toBeGreaterThan(0);
    for (const text of texts) {
      expect(await lintOpenApi(text), relative(root, entry)).toEqual([]);
      expect(operationCount(text)).toBeGreaterThan(0);
    }
  }, 60_000);
});
