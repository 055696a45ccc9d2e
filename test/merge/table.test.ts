// The regeneration table: a user's handler (helpers, extra imports, comments, odd formatting)
// merged with the handler gen-svc generates for a changed contract. Each case checks the merged
// file exactly (test/merge/fixtures/*.expected.ts), that merging it again changes nothing, and, all
// together in one tsc run, that every merged handler type-checks against its generated package.
import { spawnSync } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { beforeAll, describe, expect, test } from "vitest";
import { mergeHandler, type FindingKind } from "../../src/merge/merge.js";
import { baseMethods, baseRpcs, generateInventory, handlerPath, methodNames, type rpcs } from "./inventory.js";

const root = fileURLToPath(new URL("../..", import.meta.url));
const outRoot = `${root}.tmp/merge-table`;
const fixture = (name: string) => readFileSync(`${root}test/merge/fixtures/${name}.ts`, "utf8");
const crlf = (text: string) => text.replaceAll("\n", "\r\n");

interface Scenario {
  name: string;
  /** The user's handler (a fixture), as it was before the contract changed. */
  user: () => string;
  /** The RPC methods the user's handler was generated against. */
  previous: readonly string[];
  /** The contract now. */
  after: ReadonlyArray<keyof typeof rpcs>;
  expected: () => string;
  kinds: FindingKind[];
}

const scenarios: Scenario[] = [
  { name: "up to date", user: () => fixture("inventory"), previous: baseMethods, after: baseRpcs, expected: () => fixture("inventory"), kinds: [] },
  {
    name: "add an RPC (after the one before it)",
    user: () => fixture("inventory"),
    previous: baseMethods,
    after: ["get", "rename", "list", "delete"],
    expected: () => fixture("add.expected"),
    kinds: ["added"],
  },
  {
    name: "add an RPC at the start of the service",
    user: () => fixture("inventory"),
    previous: baseMethods,
    after: ["rename", "get", "list", "delete"],
    expected: () => fixture("add-first.expected"),
    kinds: ["added"],
  },
  { name: "remove an RPC", user: () => fixture("inventory"), previous: baseMethods, after: ["get", "list"], expected: () => fixture("remove.expected"), kinds: ["marked"] },
  {
    name: "rename an RPC (one removed, one added)",
    user: () => fixture("inventory"),
    previous: baseMethods,
    after: ["get", "list", "remove"],
    expected: () => fixture("rename.expected"),
    kinds: ["added", "marked"],
  },
  {
    name: "retype a request",
    user: () => fixture("inventory"),
    previous: baseMethods,
    after: ["getByRef", "list", "delete"],
    expected: () => fixture("retype-request.expected"),
    kinds: ["retyped"],
  },
  {
    name: "retype a response",
    user: () => fixture("inventory"),
    previous: baseMethods,
    after: ["getView", "list", "delete"],
    expected: () => fixture("retype-response.expected"),
    kinds: ["retyped"],
  },
  { name: "reorder the RPCs", user: () => fixture("inventory"), previous: baseMethods, after: ["delete", "list", "get"], expected: () => fixture("inventory"), kinds: [] },
  {
    name: "an RPC that comes back loses its mark",
    user: () => fixture("remove.expected"),
    previous: ["getItem", "listItems"],
    after: baseRpcs,
    expected: () => fixture("inventory"),
    kinds: ["unmarked"],
  },
  {
    name: "a removed RPC already marked stays marked once",
    user: () => fixture("remove.expected"),
    previous: ["getItem", "listItems"],
    after: ["get", "list"],
    expected: () => fixture("remove.expected"),
    kinds: ["no-rpc"],
  },
  {
    name: "tabs and CRLF line breaks",
    user: () => crlf(fixture("tabs")),
    previous: ["getItem"],
    after: ["get", "rename", "list"],
    expected: () => crlf(fixture("tabs.expected")),
    kinds: ["added", "added"],
  },
  { name: "an empty class gets every stub and its imports", user: () => fixture("empty"), previous: [], after: baseRpcs, expected: () => fixture("empty.expected"), kinds: ["added", "added", "added"] },
];

const slug = (name: string) => name.toLowerCase().replace(/[^a-z0-9]+/g, "-");

describe("regeneration scenarios", () => {
  const generated = new Map<string, string>();

  beforeAll(async () => {
    // One generated package per scenario (the merged handler is written into it below).
    for (const scenario of scenarios) generated.set(scenario.name, await generateInventory(scenario.after, join(outRoot, slug(scenario.name))));
  }, 180_000);

  test.each(scenarios)("$name", (scenario) => {
    const input = { generated: generated.get(scenario.name)!, service: "shop.v1.Inventory" };
    const merged = mergeHandler({ ...input, existing: scenario.user(), previousMethods: scenario.previous });
    expect(merged.text).toBe(scenario.expected());
    expect(merged.findings.map((f) => f.kind)).toEqual(scenario.kinds);
    expect(merged.changed).toBe(merged.findings.some((f) => f.changes));
    // Merging the result again against the same contract changes nothing.
    const again = mergeHandler({ ...input, existing: merged.text, previousMethods: scenario.after.map((key) => methodNames[key]) });
    expect(again.text).toBe(merged.text);
    expect(again.findings.filter((f) => f.changes)).toEqual([]);
    writeFileSync(join(outRoot, slug(scenario.name), handlerPath), merged.text);
  });

  test("every merged handler type-checks against its package (tsc --strict)", () => {
    const tsconfig = {
      compilerOptions: {
        target: "es2023", lib: ["es2023"], module: "nodenext", moduleResolution: "nodenext",
        strict: true, isolatedModules: true, verbatimModuleSyntax: true, skipLibCheck: true, noEmit: true, types: ["node"],
      },
      include: ["*/src/handlers/*.ts"],
    };
    writeFileSync(join(outRoot, "tsconfig.json"), JSON.stringify(tsconfig, null, 2));
    const result = spawnSync(`${root}node_modules/.bin/tsc`, ["-p", join(outRoot, "tsconfig.json")], { encoding: "utf8", timeout: 120_000 });
    expect(`${result.stdout}${result.stderr}`).toBe("");
    expect(result.status).toBe(0);
  }, 150_000);
});
