/**
 * Compiles .proto files with the real buf (from node_modules) into a FileRegistry, as the CLI
 * and protoc hand them to the generator: with source code info and all imports.
 */
import { execFileSync, spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { createFileRegistry, fromBinary, type FileRegistry } from "@bufbuild/protobuf";
import { FileDescriptorSetSchema } from "@bufbuild/protobuf/wkt";

const root = fileURLToPath(new URL("../..", import.meta.url));
const buf = join(root, "node_modules/.bin/buf");

/**
 * Runs `buf build <module> --path <file>...` and reads the image (a buf image is a
 * FileDescriptorSet). Files are relative to the module.
 */
export function compileModule(moduleDir: string, files: string | string[]): FileRegistry {
  const paths = [files].flat().flatMap((file) => ["--path", join(moduleDir, file)]);
  const image = execFileSync(buf, ["build", moduleDir, ...paths, "-o", "-#format=binpb"], {
    maxBuffer: 256 * 1024 * 1024,
    stdio: ["ignore", "pipe", "pipe"],
  });
  return createFileRegistry(fromBinary(FileDescriptorSetSchema, image));
}

let workspace: string | undefined;

/**
 * Compiles a fixture of test/model/fixtures in a buf workspace that also holds the bundled
 * protos (google/api, gensvc options), the way the CLI's include path does.
 */
export function compileFixture(files: string | string[]): FileRegistry {
  if (!workspace) {
    workspace = mkdtempSync(join(tmpdir(), "gensvc-model-"));
    symlinkSync(join(root, "test/model/fixtures"), join(workspace, "fixtures"));
    symlinkSync(join(root, "proto"), join(workspace, "proto"));
    writeFileSync(join(workspace, "buf.yaml"), "version: v2\nmodules:\n  - path: fixtures\n  - path: proto\n");
    process.once("exit", () => rmSync(workspace!, { recursive: true, force: true }));
  }
  return compileModule(workspace, [files].flat().map((file) => join("fixtures", file)));
}

/** True when a `protoc` is on the PATH (Debian's protobuf-compiler); its tests are skipped otherwise. */
export const hasProtoc = spawnSync("protoc", ["--version"]).status === 0;

/**
 * Compiles with protoc, which records less source info for options than buf (it stops at the
 * option) and accepts a few files buf does not. `includes` are -I roots; `file` is relative to one.
 */
export function compileWithProtoc(includes: string[], file: string): FileRegistry {
  const dir = mkdtempSync(join(tmpdir(), "gensvc-protoc-"));
  try {
    const out = join(dir, "image.binpb");
    const args = [...includes.map((include) => `-I${include}`), "--include_imports", "--include_source_info", `-o${out}`, file];
    execFileSync("protoc", args, { stdio: ["ignore", "ignore", "pipe"] });
    return createFileRegistry(fromBinary(FileDescriptorSetSchema, readFileSync(out)));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The -I roots that make the fixtures compile with protoc: the fixtures and the bundled protos. */
export const fixtureIncludes = [join(root, "test/model/fixtures"), join(root, "proto")];
