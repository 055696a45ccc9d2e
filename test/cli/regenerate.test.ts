// Regeneration through the CLI and the plugin with the real generator: an edited contract is
// merged into the user's handler (atomically, and never over an edit made meanwhile), main.ts and
// tests stay as they are, check reports a stale handler, and renames are refused, not duplicated.
import { readFileSync, renameSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { nodeFileSystem } from "../../src/cli/fs.js";
import { runCli } from "../../src/cli/main.js";
import { lazyGenerate } from "../../src/frontend/generator.js";
import { respond, type PluginDeps } from "../../src/plugin/plugin.js";
import { create } from "@bufbuild/protobuf";
import { CodeGeneratorRequestSchema } from "@bufbuild/protobuf/wkt";
import { baseRpcs, generateInventory, inventoryProto, type rpcs } from "../merge/inventory.js";
import { readTree, tempDir, testDeps, writeTree, type TestDeps } from "./helpers.js";

const fixtures = fileURLToPath(new URL("../merge/fixtures/", import.meta.url));
const fixture = (name: string) => readFileSync(join(fixtures, `${name}.ts`), "utf8");
const handler = "out/src/handlers/inventory.ts";

/** A project generated from the base contract, with the user's implemented handler in place. */
async function implementedProject(): Promise<string> {
  const cwd = tempDir();
  writeTree(cwd, { "shop/v1/inventory.proto": inventoryProto(baseRpcs) });
  expect(await generate(cwd)).toBe(0);
  writeFileSync(join(cwd, handler), fixture("inventory"));
  return cwd;
}

function editContract(cwd: string, keys: ReadonlyArray<keyof typeof rpcs>): void {
  writeTree(cwd, { "shop/v1/inventory.proto": inventoryProto(keys) });
}

async function generate(cwd: string, deps: TestDeps = testDeps(cwd, { generate: lazyGenerate })): Promise<number> {
  return runCli(["generate", "shop/v1/inventory.proto", "-o", "out"], deps);
}

describe("gen-svc generate after a contract change", () => {
  it("merges the new RPC into the handler and leaves main.ts and the tests untouched", async () => {
    const cwd = await implementedProject();
    const before = readTree(join(cwd, "out"));
    editContract(cwd, ["get", "rename", "list", "delete"]);
    const deps = testDeps(cwd, { generate: lazyGenerate });
    expect(await generate(cwd, deps)).toBe(0);
    expect(deps.err).toEqual([]);
    expect(deps.out.join("")).toBe(
      "gen-svc: updated out/src/handlers/inventory.ts: added renameItem()\n" +
        // 11 of the code and README, 10 deployment files (Dockerfile, .dockerignore, compose.yaml, prometheus.yml, k8s/ x6).
        "gen-svc: wrote 21 files in out (1 handler updated, 5 user-owned kept)\n",
    );
    const after = readTree(join(cwd, "out"));
    expect(after["src/handlers/inventory.ts"]).toBe(fixture("add.expected"));
    for (const path of ["src/main.ts", "test/inventory.test.ts", "package.json", "tsconfig.json"]) expect(after[path]).toBe(before[path]);
    expect(JSON.parse(after["gen-svc.json"]!).handlers).toEqual([
      { path: "src/handlers/inventory.ts", service: "shop.v1.Inventory", methods: ["getItem", "renameItem", "listItems", "deleteItem"] },
    ]);
  });

  it("marks the method of a removed RPC with a warning at its place, once", async () => {
    const cwd = await implementedProject();
    editContract(cwd, ["get", "list"]);
    const deps = testDeps(cwd, { generate: lazyGenerate });
    expect(await generate(cwd, deps)).toBe(0);
    const warning =
      "gen-svc: warning: out/src/handlers/inventory.ts:34:11: method deleteItem() has no RPC in shop.v1.Inventory, so it is not served: delete it, or restore the RPC\n";
    expect(deps.err.join("")).toBe(warning);
    expect(deps.out[0]).toBe("gen-svc: updated out/src/handlers/inventory.ts: marked deleteItem() @deprecated (no RPC; not deleted)\n");
    expect(readFileSync(join(cwd, handler), "utf8")).toBe(fixture("remove.expected"));
    const again = testDeps(cwd, { generate: lazyGenerate });
    expect(await generate(cwd, again)).toBe(0);
    expect(again.err.join("")).toBe(warning);
    expect(readFileSync(join(cwd, handler), "utf8")).toBe(fixture("remove.expected"));
  });

  it("keeps a handler edited while gen-svc runs, and says so", async () => {
    const cwd = await implementedProject();
    editContract(cwd, ["get", "rename", "list", "delete"]);
    const real = nodeFileSystem();
    const edited = `${fixture("inventory")}// saved by an editor\n`;
    // The editor saves the handler while gen-svc stages its merged version.
    const fs = {
      ...real,
      writeFile: async (path: string, data: string | Uint8Array) => {
        if (path.includes(".inventory.ts.")) writeFileSync(join(cwd, handler), edited);
        return real.writeFile(path, data);
      },
    };
    const deps = testDeps(cwd, { generate: lazyGenerate, fs });
    expect(await generate(cwd, deps)).toBe(0);
    expect(deps.err.join("")).toBe("gen-svc: warning: out/src/handlers/inventory.ts: changed while gen-svc was running, so it was not updated; run gen-svc generate again\n");
    expect(readFileSync(join(cwd, handler), "utf8")).toBe(edited);
    expect(Object.keys(readTree(join(cwd, "out"))).filter((p) => p.includes("gen-svc-tmp"))).toEqual([]);
  });
});

describe("renames", () => {
  it("refuses a renamed service while the old handler is there, then merges once the user renamed it", async () => {
    const cwd = await implementedProject();
    const before = readTree(join(cwd, "out"));
    writeTree(cwd, { "shop/v1/inventory.proto": inventoryProto(baseRpcs).replace("service Inventory {", "service Stock {") });
    const deps = testDeps(cwd, { generate: lazyGenerate });
    expect(await generate(cwd, deps)).toBe(1);
    expect(deps.err.join("")).toBe(
      "gen-svc: shop.v1.Stock would get a new handler file src/handlers/stock.ts, while src/handlers/inventory.ts (shop.v1.Inventory), " +
        "the handler of a service no longer in the contract, is still there. If you renamed the service, rename src/handlers/inventory.ts " +
        'to src/handlers/stock.ts, its class to StockHandler and make it implement StockService from "../gen/stock/service.js", then run ' +
        "again: gen-svc merges the contract into it. If the old service is gone for good, delete or move src/handlers/inventory.ts. Nothing was written\n",
    );
    expect(readTree(join(cwd, "out"))).toEqual(before);
    // Doing what the message says.
    const renamed = fixture("inventory")
      .replaceAll("InventoryService", "StockService")
      .replace("export class InventoryHandler", "export class StockHandler")
      .replace("../gen/inventory/service.js", "../gen/stock/service.js");
    writeFileSync(join(cwd, "out/src/handlers/stock.ts"), renamed);
    renameSync(join(cwd, handler), join(cwd, `${handler}.bak`));
    const again = testDeps(cwd, { generate: lazyGenerate });
    expect(await generate(cwd, again)).toBe(0);
    expect(again.err).toEqual([]);
    const tree = readTree(join(cwd, "out"));
    expect(tree["src/handlers/stock.ts"]).toBe(renamed);
    expect(Object.keys(tree).filter((p) => p.startsWith("src/gen/inventory/"))).toEqual([]);
  });

  it("refuses to write a second handler when the user renamed the handler file", async () => {
    const cwd = await implementedProject();
    renameSync(join(cwd, handler), join(cwd, "out/src/handlers/items.ts"));
    const before = readTree(join(cwd, "out"));
    const deps = testDeps(cwd, { generate: lazyGenerate });
    expect(await generate(cwd, deps)).toBe(1);
    expect(deps.err.join("")).toBe(
      "gen-svc: src/handlers/items.ts implements shop.v1.Inventory, but gen-svc keeps that service's handler in src/handlers/inventory.ts, " +
        "which is missing, so it would write a second handler there. Rename src/handlers/items.ts back to src/handlers/inventory.ts " +
        "(and its import in src/main.ts) and run again; gen-svc then merges the contract's changes into it. Nothing was written\n",
    );
    expect(readTree(join(cwd, "out"))).toEqual(before);
  });

  it("warns about the handler of a removed service when nothing new takes its place", async () => {
    const cwd = await implementedProject();
    const withAudit = `${inventoryProto(baseRpcs)}\nservice Audit {\n  rpc GetItem(GetItemRequest) returns (Item);\n}\n`;
    writeTree(cwd, { "shop/v1/inventory.proto": withAudit });
    expect(await generate(cwd)).toBe(0);
    editContract(cwd, baseRpcs);
    const deps = testDeps(cwd, { generate: lazyGenerate });
    expect(await generate(cwd, deps)).toBe(0);
    expect(deps.err.join("")).toBe(
      "gen-svc: warning: out/src/handlers/audit.ts: shop.v1.Audit is no longer in the contract, so its generated code goes away " +
        "and this handler no longer compiles; delete the file or move its code\n",
    );
    expect(readTree(join(cwd, "out/src/handlers"))).toHaveProperty("audit.ts");
  });
});

describe("gen-svc check", () => {
  it("reports a handler that no longer matches the contract with file:line:col, and passes once regenerated", async () => {
    const cwd = await implementedProject();
    editContract(cwd, ["get", "rename", "list"]);
    const deps = testDeps(cwd, { generate: lazyGenerate });
    expect(await runCli(["check"], deps)).toBe(1);
    const out = deps.out.join("");
    expect(out).toContain(
      "out/src/handlers/inventory.ts:14:14: InventoryHandler has no method renameItem() for an RPC of shop.v1.Inventory\n" +
        "out/src/handlers/inventory.ts:33:11: method deleteItem() has no RPC in shop.v1.Inventory, so it is not served: delete it, or restore the RPC\n" +
        "--- a/out/src/handlers/inventory.ts\n+++ b/out/src/handlers/inventory.ts\n",
    );
    expect(out).toContain("+    async renameItem(\n");
    expect(deps.err.join("")).toContain("1 of 1 package out of date");
    expect(await generate(cwd)).toBe(0);
    const clean = testDeps(cwd, { generate: lazyGenerate });
    expect(await runCli(["check"], clean)).toBe(0);
    // The marked method is still worth a warning, but generate would change nothing.
    expect(clean.err.join("")).toBe(
      "gen-svc: warning: out/src/handlers/inventory.ts:47:11: method deleteItem() has no RPC in shop.v1.Inventory, so it is not served: delete it, or restore the RPC\n",
    );
  });
});

describe("protoc-gen-svc with out_dir", () => {
  it("emits the merged handler and leaves main.ts out", async () => {
    const generated = await generateInventory(["get", "rename", "list", "delete"], join(tempDir(), "fresh"));
    const lines: string[] = [];
    const deps: PluginDeps = {
      defaultRuntime: "^9.9.9",
      generate: async () => [
        { path: "src/handlers/inventory.ts", content: generated, userOwned: true, handler: { service: "shop.v1.Inventory", methods: ["getItem", "renameItem", "listItems", "deleteItem"] } },
        { path: "src/main.ts", content: "// main\n", userOwned: true },
      ],
      exists: async () => true,
      readFile: async (path) => (path === "out/src/handlers/inventory.ts" ? fixture("inventory") : undefined),
      listFiles: async () => ["inventory.ts"],
      log: (line) => void lines.push(line),
    };
    const res = await respond(create(CodeGeneratorRequestSchema, { parameter: "out_dir=out" }), deps);
    expect(res.error ?? "").toBe("");
    expect(res.file.map((f) => [f.name, f.content])).toEqual([["src/handlers/inventory.ts", fixture("add.expected")]]);
    expect(lines).toEqual(["protoc-gen-svc: updated out/src/handlers/inventory.ts: added renameItem()"]);
  });
});
