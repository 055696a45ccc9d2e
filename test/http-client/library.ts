/**
 * The contract of the HTTP client tests (protos/library.proto), compiled with the real buf next to
 * the bundled google/api protos, and its methods as runtime MethodSpecs.
 */
import { mkdtempSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import type { DescService, FileRegistry } from "@bufbuild/protobuf";
import { methodSpec } from "../../src/runtime/codec.js";
import type { MethodSpec } from "../../src/runtime/spec.js";
import { compileModule } from "../model/compile.js";

const root = fileURLToPath(new URL("../..", import.meta.url));

/** Compiles protos/library.proto; the workspace is removed when the process exits. */
export function compileLibrary(): FileRegistry {
  const workspace = mkdtempSync(join(tmpdir(), "gensvc-http-client-"));
  process.once("exit", () => rmSync(workspace, { recursive: true, force: true }));
  symlinkSync(join(root, "test/http-client/protos"), join(workspace, "protos"));
  symlinkSync(join(root, "proto"), join(workspace, "proto"));
  writeFileSync(join(workspace, "buf.yaml"), "version: v2\nmodules:\n  - path: protos\n  - path: proto\n");
  return compileModule(workspace, "protos/library.proto");
}

/** The Library service's methods as MethodSpecs, by method name. */
export function librarySpecs(files: FileRegistry): Record<string, MethodSpec> {
  const service: DescService | undefined = files.getService("clienttest.v1.Library");
  if (!service) throw new Error("no Library service");
  return Object.fromEntries(service.methods.map((m) => [m.name, methodSpec(service.typeName, m) as MethodSpec]));
}
