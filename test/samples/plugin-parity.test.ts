// `buf generate` with protoc-gen-svc gives the same generated files as `gen-svc generate` for every
// example: the checked-in samples (made by the CLI) are compared with the plugin's output.
import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { delimiter, dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, test } from "vitest";

const root = fileURLToPath(new URL("../..", import.meta.url));
const work = mkdtempSync(join(tmpdir(), "gen-svc-parity-"));
afterAll(() => rmSync(work, { recursive: true, force: true }));

/** A PATH where `protoc-gen-svc` is the built bin, as an npm install links it. */
function pathWithPlugin(): string {
  const bin = join(work, "bin");
  rmSync(bin, { recursive: true, force: true });
  mkdirSync(bin, { recursive: true });
  symlinkSync(join(root, "bin/protoc-gen-svc.js"), join(bin, "protoc-gen-svc"));
  return [bin, dirname(process.execPath), process.env.PATH ?? ""].join(delimiter);
}

describe.each(["greeter", "addsvc", "routeguide", "ecommerce", "echo"])("example %s", (example) => {
  test("buf generate + protoc-gen-svc writes the generated files gen-svc generate wrote", () => {
    const dir = join(work, example);
    mkdirSync(dir, { recursive: true });
    symlinkSync(join(root, "proto-examples", example), join(dir, "contract"));
    symlinkSync(join(root, "proto"), join(dir, "bundled"));
    writeFileSync(join(dir, "buf.yaml"), "version: v2\nmodules:\n  - path: contract\n  - path: bundled\n");
    writeFileSync(
      join(dir, "buf.gen.yaml"),
      "version: v2\nplugins:\n  - local: protoc-gen-svc\n    out: out\n    strategy: all\n    opt: [runtime=file:../..]\ninputs:\n  - directory: contract\n",
    );
    const result = spawnSync(join(root, "node_modules/.bin/buf"), ["generate"], { cwd: dir, encoding: "utf8", env: { ...process.env, PATH: pathWithPlugin() } });
    expect(result.stderr).toBe("");
    expect(result.status).toBe(0);

    const sample = join(root, "generated-samples", example);
    const manifest = JSON.parse(readFileSync(join(sample, "gen-svc.json"), "utf8")) as { files: string[] };
    expect(manifest.files.length).toBeGreaterThan(5);
    for (const file of manifest.files) {
      expect(readFileSync(join(dir, "out", file), "utf8"), file).toBe(readFileSync(join(sample, file), "utf8"));
    }
  });
});
