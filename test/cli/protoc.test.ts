/**
 * protoc-gen-svc under real compilers: Debian's protoc (3.21) and `buf generate`. They run the
 * built bin (`npm run build`), found on PATH as `protoc-gen-svc` the way an npm install links it.
 * The CLI side runs from src/, the plugin from dist/: a stale build shows up as a difference.
 * CI must install protoc (`apt-get install protobuf-compiler`); set GEN_SVC_SKIP_PROTOC=1 to
 * skip these tests deliberately where protoc cannot be installed.
 */
import { spawnSync, type SpawnSyncReturns } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, symlinkSync, writeFileSync } from "node:fs";
import { delimiter, dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { locateBuf } from "../../src/cli/buf.js";
import { bundledProtoDir, defaultRuntimeSpec, ownVersion } from "../../src/cli/package-info.js";
import { lazyGenerate } from "../../src/cli/generator.js";
import { runCli } from "../../src/cli/main.js";
import { readTree, tempDir, testDeps, writeTree } from "./helpers.js";

const skip = process.env.GEN_SVC_SKIP_PROTOC === "1";
const repoRoot = fileURLToPath(new URL("../..", import.meta.url));
const built = existsSync(join(repoRoot, "dist/plugin/main.js"));
const protocVersion = (() => {
  const run = spawnSync("protoc", ["--version"], { encoding: "utf8" });
  return run.status === 0 ? run.stdout.trim() : undefined;
})();
const ready = protocVersion !== undefined && built;

/** A PATH with `protoc-gen-svc` (a link to the bin, as npm makes it) and this test's Node first. */
function pluginPath(): string {
  const bin = tempDir();
  symlinkSync(join(repoRoot, "bin/protoc-gen-svc.js"), join(bin, "protoc-gen-svc"));
  return [bin, dirname(process.execPath), process.env.PATH ?? ""].join(delimiter);
}

function run(command: string, args: string[], cwd: string): SpawnSyncReturns<string> {
  return spawnSync(command, args, { cwd, encoding: "utf8", env: { ...process.env, PATH: pluginPath() } });
}

/** A contract that needs the bundled protos and the proto3 `optional` feature. */
const greeter = `syntax = "proto3";
package greeter.v1;
import "google/api/annotations.proto";
message HelloRequest { optional string name = 1; }
message HelloReply { string message = 1; }
service Greeter {
  rpc SayHello(HelloRequest) returns (HelloReply) { option (google.api.http) = { get: "/v1/hello/{name}" }; }
}
`;

describe.skipIf(skip)("protoc-gen-svc under real compilers", () => {
  it("needs protoc: CI must install protobuf-compiler (or set GEN_SVC_SKIP_PROTOC=1)", () => {
    expect(protocVersion, "protoc is not installed: apt-get install -y protobuf-compiler, or set GEN_SVC_SKIP_PROTOC=1").toBeDefined();
  });

  it("needs the built bin: run npm run build first (npm test does)", () => {
    expect(built, "dist/plugin/main.js is missing: run npm run build").toBe(true);
  });

  it.runIf(ready)("generates under protoc, and keeps user code on a re-run with out_dir", () => {
    const cwd = tempDir();
    writeTree(cwd, { "proto/greeter/v1/greeter.proto": greeter });
    mkdirSync(join(cwd, "out"));
    const args = ["-I", "proto", "-I", bundledProtoDir(), "--svc_out=out", "--svc_opt=out_dir=out,package_name=greeter-svc", "greeter/v1/greeter.proto"];
    const first = run("protoc", args, cwd);
    expect(first.stderr).toBe("");
    expect(first.status).toBe(0);
    const pkg = JSON.parse(readFileSync(join(cwd, "out/package.json"), "utf8"));
    expect(pkg.name).toBe("greeter-svc");
    const main = join(cwd, "out/src/main.ts");
    expect(readFileSync(main, "utf8")).not.toBe("");
    writeFileSync(main, "// my main\n");
    expect(run("protoc", args, cwd).status).toBe(0);
    expect(readFileSync(main, "utf8")).toBe("// my main\n");
  });

  it.runIf(ready)("reports errors through protoc as --svc_out: message, exit 1", () => {
    const cwd = tempDir();
    writeTree(cwd, { "proto/greeter/v1/greeter.proto": greeter });
    mkdirSync(join(cwd, "out"));
    const res = run("protoc", ["-I", "proto", "-I", bundledProtoDir(), "--svc_out=out", "--svc_opt=bogus=1", "greeter/v1/greeter.proto"], cwd);
    expect(res.status).toBe(1);
    expect(res.stderr).toBe('--svc_out: invalid option "bogus": unknown option (known: service, package_name, runtime, messages)\n');
  });

  it.runIf(built)("generates under buf generate, editions included", () => {
    const cwd = tempDir();
    writeTree(cwd, {
      "buf.yaml": "version: v2\nmodules:\n  - path: proto\n",
      "buf.gen.yaml": "version: v2\nplugins:\n  - local: protoc-gen-svc\n    out: gen\n    opt: [out_dir=gen]\n",
      "proto/echo/v1/echo.proto": `edition = "2023";\npackage echo.v1;\nmessage Msg { string text = 1; }\nservice Echo { rpc Echo(Msg) returns (Msg); }\n`,
    });
    const buf = locateBuf(process.execPath);
    const res = run(buf.file, [...buf.prefixArgs, "generate"], cwd);
    expect(res.stderr).toBe("");
    expect(res.status).toBe(0);
    expect(existsSync(join(cwd, "gen/package.json"))).toBe(true);
    // out_dir is resolved against buf's working directory: user-owned files survive a re-run.
    const handlers = join(cwd, "gen/src/main.ts");
    writeFileSync(handlers, "// mine\n");
    expect(run(buf.file, [...buf.prefixArgs, "generate"], cwd).status).toBe(0);
    expect(readFileSync(handlers, "utf8")).toBe("// mine\n");
  });

  it.runIf(ready)("gives the same files under protoc, buf generate (strategy: all) and gen-svc generate", async () => {
    const cwd = tempDir();
    writeTree(cwd, {
      "proto/greeter/v1/greeter.proto": greeter,
      "proto/greeter/v1/farewell.proto": `syntax = "proto3";\npackage greeter.v1;\nimport "greeter/v1/greeter.proto";\nservice Farewell { rpc Bye(HelloRequest) returns (HelloReply); }\n`,
      "buf.yaml": `version: v2\nmodules:\n  - path: proto\n  - path: bundled\n`,
      "buf.gen.yaml": "version: v2\nplugins:\n  - local: protoc-gen-svc\n    out: out-buf\n    strategy: all\ninputs:\n  - directory: proto\n",
    });
    symlinkSync(bundledProtoDir(), join(cwd, "bundled"));
    const deps = testDeps(cwd, { generate: lazyGenerate, defaultRuntime: defaultRuntimeSpec(ownVersion()) });
    expect(await runCli(["generate", "proto", "-o", "out-cli"], deps), deps.err.join("")).toBe(0);
    const cli = readTree(join(cwd, "out-cli"));
    delete cli["gen-svc.json"]; // only the CLI writes a manifest
    mkdirSync(join(cwd, "out-protoc"));
    const files = ["greeter/v1/farewell.proto", "greeter/v1/greeter.proto"];
    const protoc = run("protoc", ["-I", "proto", "-I", bundledProtoDir(), "--svc_out=out-protoc", ...files], cwd);
    expect(protoc.stderr).toBe("");
    expect(readTree(join(cwd, "out-protoc"))).toEqual(cli);
    const buf = locateBuf(process.execPath);
    const generated = run(buf.file, [...buf.prefixArgs, "generate"], cwd);
    expect(generated.stderr).toBe("");
    expect(readTree(join(cwd, "out-buf"))).toEqual(cli);
  });
});
