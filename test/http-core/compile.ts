/**
 * The contract of the http-core tests (protos/transcode.proto), compiled with the real buf next
 * to the bundled google/api protos, as the CLI does.
 */
import { mkdtempSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import type { DescMessage, DescMethod, DescService, FileRegistry } from "@bufbuild/protobuf";
import { compileModule } from "../model/compile.js";

const root = fileURLToPath(new URL("../..", import.meta.url));

/** Compiles protos/transcode.proto; the workspace is removed when the process exits. */
export function compileContract(): FileRegistry {
  const workspace = mkdtempSync(join(tmpdir(), "gensvc-http-core-"));
  process.once("exit", () => rmSync(workspace, { recursive: true, force: true }));
  symlinkSync(join(root, "test/http-core/protos"), join(workspace, "protos"));
  symlinkSync(join(root, "proto"), join(workspace, "proto"));
  writeFileSync(join(workspace, "buf.yaml"), "version: v2\nmodules:\n  - path: protos\n  - path: proto\n");
  return compileModule(workspace, "protos/transcode.proto");
}

/** A message of the contract by its short name. */
export function messageOf(files: FileRegistry, name: string): DescMessage {
  const message = files.getMessage(`httpcore.v1.${name}`);
  if (!message) throw new Error(`no message ${name}`);
  return message;
}

/** A method of the Messaging service. */
export function methodOf(files: FileRegistry, name: string): DescMethod {
  const service: DescService | undefined = files.getService("httpcore.v1.Messaging");
  const method = service?.methods.find((m) => m.name === name);
  if (!method) throw new Error(`no method ${name}`);
  return method;
}
