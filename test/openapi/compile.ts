/**
 * Compiles the contracts under test/openapi/fixtures with the real buf, in a workspace that also
 * holds gen-svc's bundled protos (google/api, google/rpc), as the CLI's include path does.
 */
import { mkdtempSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import type { FileRegistry } from "@bufbuild/protobuf";
import { compileModule } from "../model/compile.js";

const root = fileURLToPath(new URL("../..", import.meta.url));

/** Compiles `files` (relative to test/openapi/fixtures). */
export function compileOpenApiFixture(files: string[]): FileRegistry {
  return compileWithBundled(join(root, "test/openapi/fixtures"), files);
}

/** Compiles `files` (relative to `moduleDir`) with the bundled protos importable; a temporary workspace. */
export function compileWithBundled(moduleDir: string, files: string[]): FileRegistry {
  const workspace = mkdtempSync(join(tmpdir(), "gensvc-openapi-"));
  try {
    symlinkSync(moduleDir, join(workspace, "fixtures"));
    symlinkSync(join(root, "proto"), join(workspace, "proto"));
    writeFileSync(join(workspace, "buf.yaml"), "version: v2\nmodules:\n  - path: fixtures\n  - path: proto\n");
    return compileModule(workspace, files.map((file) => join("fixtures", file)));
  } finally {
    rmSync(workspace, { recursive: true, force: true });
  }
}
