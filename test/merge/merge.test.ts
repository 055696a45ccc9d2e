// The merge's decisions one by one: where the class is, what it leaves alone, what it reports
// and where (positions before and after merging).
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { beforeAll, describe, expect, it } from "vitest";
import { interfaceMethodNames } from "../../src/merge/contract.js";
import { mergeHandler } from "../../src/merge/merge.js";
import { tempDir } from "../cli/helpers.js";
import { baseMethods, baseRpcs, generateInventory, type rpcs } from "./inventory.js";

const root = fileURLToPath(new URL("../..", import.meta.url));
const user = readFileSync(`${root}test/merge/fixtures/inventory.ts`, "utf8");
const service = "shop.v1.Inventory";

const contracts: Record<string, ReadonlyArray<keyof typeof rpcs>> = {
  base: baseRpcs,
  added: ["get", "rename", "list", "delete"],
  removed: ["get", "list"],
  view: ["getView", "list", "delete"],
  stream: ["getStream", "list", "delete"],
};
const generated: Record<string, string> = {};

beforeAll(async () => {
  const dir = tempDir();
  for (const [name, keys] of Object.entries(contracts)) generated[name] = await generateInventory(keys, join(dir, name));
}, 120_000);

const merge = (existing: string, contract: string, previousMethods: readonly string[] = baseMethods) =>
  mergeHandler({ existing, generated: generated[contract]!, service, previousMethods });

describe("finding the handler class", () => {
  it("merges into a class the user renamed that still implements the service interface", () => {
    const renamed = user.replace("export class InventoryHandler", "export class Inventory");
    const merged = merge(renamed, "added");
    expect(merged.findings.map((f) => f.kind)).toEqual(["added"]);
    expect(merged.text).toContain("export class Inventory implements InventoryService {");
    expect(merged.text).toContain("async renameItem(");
  });

  it("changes nothing and says why when no class implements the interface", () => {
    const gone = user.replace("export class InventoryHandler implements InventoryService", "export class Shelf");
    const merged = merge(gone, "added");
    expect(merged.text).toBe(gone);
    expect(merged.changed).toBe(false);
    expect(merged.findings).toEqual([
      expect.objectContaining({ kind: "no-class", changes: false, at: { line: 1, column: 1 } }),
    ]);
    expect(merged.findings[0]!.message).toBe(
      "cannot update this handler for shop.v1.Inventory: no class InventoryHandler or class implementing InventoryService, " +
        "so gen-svc does not know where its methods (getItem(), renameItem(), listItems(), deleteItem()) go; keep the handler " +
        "in one class named InventoryHandler (or implementing InventoryService) and run again, or update it by hand",
    );
  });

  it("does not pick one of several classes implementing the interface", () => {
    const two = `${user.replace("export class InventoryHandler", "export class A")}\nexport class B implements InventoryService {}\n`;
    const merged = merge(two, "added");
    expect(merged.text).toBe(two);
    expect(merged.findings[0]!.message).toContain("2 classes implement InventoryService and none is named InventoryHandler");
  });

  it("leaves a file with a syntax error alone and points at the error", () => {
    const broken = user.replace("describe(): string {", "describe(): string {{");
    const merged = merge(broken, "added");
    expect(merged.text).toBe(broken);
    expect(merged.findings).toEqual([expect.objectContaining({ kind: "syntax-error", changes: false, at: { line: 42, column: 1 } })]);
  });
});

describe("what the merge leaves alone", () => {
  it("keeps annotations that name no message, even when the contract's response changed", () => {
    const plain = user.replace("Promise<MessageInitShape<typeof ItemSchema>>", "Promise<{ id: string; name: string }>");
    expect(merge(plain, "view").text).toBe(plain);
  });

  it("never marks methods without a record of the RPCs the file was generated against", () => {
    expect(merge(user, "removed", []).text).toBe(user);
  });

  it("updates the return annotation when a unary RPC becomes server streaming, and leaves the body", () => {
    const merged = merge(user, "stream");
    expect(merged.findings.map((f) => f.summary)).toEqual([
      "getItem(): response type Promise<MessageInitShape<typeof ItemSchema>> -> AsyncIterable<MessageInitShape<typeof ItemSchema>>",
    ]);
    expect(merged.text).toBe(user.replace(
      "_ctx: CallContext): Promise<MessageInitShape<typeof ItemSchema>> {",
      "_ctx: CallContext): AsyncIterable<MessageInitShape<typeof ItemSchema>> {",
    ));
  });
});

describe("reports", () => {
  it("gives positions in the file as it was and as merged", () => {
    const marked = merge(user, "removed").findings[0]!;
    expect(marked).toMatchObject({ kind: "marked", summary: "marked deleteItem() @deprecated (no RPC; not deleted)", at: { line: 33, column: 11 }, mergedAt: { line: 34, column: 11 } });
    expect(marked.message).toBe("method deleteItem() has no RPC in shop.v1.Inventory, so it is not served: delete it, or restore the RPC");
    const added = merge(user, "added").findings[0]!;
    // Before: the class that lacks the method; after: the stub's JSDoc.
    expect(added).toMatchObject({ kind: "added", at: { line: 14, column: 14 }, mergedAt: { line: 24, column: 5 } });
    expect(added.message).toBe("InventoryHandler has no method renameItem() for an RPC of shop.v1.Inventory");
  });

  it("reports a name the added code needs that the file uses for something else, and still adds the stub", () => {
    const clash = `${user}\nclass RenameItemRequest {}\n`;
    const merged = merge(clash, "added");
    expect(merged.findings.map((f) => f.kind)).toEqual(["added", "name-conflict"]);
    expect(merged.findings[1]!.message).toBe(
      'the name RenameItemRequest here means a declaration of this file, but the code gen-svc adds uses RenameItemRequest from "../gen/pb/shop/v1/inventory_pb.js"; rename one of them',
    );
    expect(merged.text).toContain("async renameItem(");
  });
});

describe("interfaceMethodNames", () => {
  it("reads the RPC methods of a generated service interface, or says it has none", () => {
    const text = "export interface AService {\n  a(request: X): Promise<Y>;\n  bC(request: X): Promise<Y>;\n}\n";
    expect(interfaceMethodNames(text, "AService")).toEqual(["a", "bC"]);
    expect(interfaceMethodNames(text, "BService")).toBeUndefined();
  });
});
