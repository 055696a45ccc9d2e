/**
 * The contract the regeneration table works on: one service, `shop.v1.Inventory`, in versions
 * that add, remove, rename, retype and reorder its RPCs; and a generator that turns a version
 * into a real generated package (the CLI in-process, the real generator and buf).
 */
import { readFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import { runCli } from "../../src/cli/main.js";
import { lazyGenerate } from "../../src/frontend/generator.js";
import { tempDir, testDeps, writeTree } from "../cli/helpers.js";

/** The RPC lines a contract version can hold. */
export const rpcs = {
  get: "  // Returns one item.\n  rpc GetItem(GetItemRequest) returns (Item);",
  getByRef: "  // Returns one item.\n  rpc GetItem(ItemRef) returns (Item);",
  getView: "  // Returns one item.\n  rpc GetItem(GetItemRequest) returns (ItemView);",
  getStream: "  // Returns one item.\n  rpc GetItem(GetItemRequest) returns (stream Item);",
  list: "  // Streams the items.\n  rpc ListItems(ListItemsRequest) returns (stream Item);",
  delete: "  rpc DeleteItem(DeleteItemRequest) returns (DeleteItemResponse);",
  remove: "  rpc RemoveItem(DeleteItemRequest) returns (DeleteItemResponse);",
  rename: "  // Renames an item.\n  rpc RenameItem(RenameItemRequest) returns (Item);",
} as const;

/** The handler method of each RPC line. */
export const methodNames: Record<keyof typeof rpcs, string> = {
  get: "getItem",
  getByRef: "getItem",
  getView: "getItem",
  getStream: "getItem",
  list: "listItems",
  delete: "deleteItem",
  remove: "removeItem",
  rename: "renameItem",
};

/** The RPCs of the contract every scenario starts from. */
export const baseRpcs: ReadonlyArray<keyof typeof rpcs> = ["get", "list", "delete"];

/** The method names of the base contract: what the user's handler was generated against. */
export const baseMethods = ["getItem", "listItems", "deleteItem"];

/** The proto of a contract version with the given RPCs, in that order. */
export function inventoryProto(keys: ReadonlyArray<keyof typeof rpcs>): string {
  return `syntax = "proto3";
package shop.v1;

message GetItemRequest { string id = 1; }
message ItemRef { string id = 1; string version = 2; }
message Item { string id = 1; string name = 2; }
message ItemView { string id = 1; string name = 2; bool archived = 3; }
message ListItemsRequest { int32 limit = 1; }
message DeleteItemRequest { string id = 1; }
message DeleteItemResponse { bool deleted = 1; }
message RenameItemRequest { string id = 1; string name = 2; }

// Keeps the shop's items.
service Inventory {
${keys.map((key) => rpcs[key]).join("\n")}
}
`;
}

/** Where the handler of the Inventory service lives in its package. */
export const handlerPath = "src/handlers/inventory.ts";

/** Generates the package of a contract version into `out`; returns the fresh handler file. */
export async function generateInventory(keys: ReadonlyArray<keyof typeof rpcs>, out: string): Promise<string> {
  const cwd = tempDir();
  writeTree(cwd, { "shop/v1/inventory.proto": inventoryProto(keys) });
  rmSync(out, { recursive: true, force: true });
  const deps = testDeps(cwd, { generate: lazyGenerate });
  const status = await runCli(["generate", "shop/v1/inventory.proto", "-o", out, "--runtime", "file:../../.."], deps);
  if (status !== 0) throw new Error(`generate failed: ${deps.err.join("")}`);
  return readFileSync(join(out, handlerPath), "utf8");
}
