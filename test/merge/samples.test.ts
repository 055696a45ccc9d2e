// The checked-in samples' handlers are real user code (helpers, narrowed return types, trimmed
// imports, renamed parameters): merging them with a fresh generation of the same contract must
// leave every byte as it is.
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { expect, test } from "vitest";
import { runCli } from "../../src/cli/main.js";
import { lazyGenerate } from "../../src/frontend/generator.js";
import { interfaceMethodNames, readContract } from "../../src/merge/contract.js";
import { mergeHandler } from "../../src/merge/merge.js";
import { tempDir, testDeps } from "../cli/helpers.js";

const root = fileURLToPath(new URL("../..", import.meta.url));
// Example and package folder: ecommerce has two proto packages, so two packages in subfolders.
const samples = [
  ["greeter", ""],
  ["addsvc", ""],
  ["routeguide", ""],
  ["ecommerce", "ecommerce-product-v1/"],
  ["ecommerce", "ecommerce-order-v1/"],
] as const;

test.each(samples)("regenerating %s %s leaves its implemented handler byte for byte", async (example, packageDir) => {
  const generatedRoot = join(tempDir(), example);
  const deps = testDeps(root, { generate: lazyGenerate });
  expect(await runCli(["generate", `proto-examples/${example}`, "-o", generatedRoot], deps)).toBe(0);
  const out = join(generatedRoot, packageDir);
  const sample = `${example}/${packageDir}`;
  const handlers = readdirSync(join(out, "src/handlers"));
  expect(handlers.length).toBeGreaterThan(0);
  for (const name of handlers) {
    const generated = readFileSync(join(out, "src/handlers", name), "utf8");
    const existing = readFileSync(join(root, "generated-samples", sample, "src/handlers", name), "utf8");
    const contract = readContract(generated);
    const service = readFileSync(join(out, "src/gen", name.replace(/\.ts$/, ""), "service.ts"), "utf8");
    const previousMethods = interfaceMethodNames(service, contract.interfaceName);
    expect(previousMethods).toEqual(contract.methods.map((m) => m.name));
    const merged = mergeHandler({ existing, generated, service: "any.Service", ...(previousMethods ? { previousMethods } : {}) });
    expect(merged.findings).toEqual([]);
    expect(merged.text).toBe(existing);
  }
}, 60_000);
