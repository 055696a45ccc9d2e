/**
 * protoc-gen-svc under real compilers: Debian's protoc (3.21) and `buf generate`. They run the
 * built bin (`npm run build`), found on PATH as `protoc-gen-svc` the way an npm install links it.
 * The CLI side runs from src/, the plugin from dist/: a stale build shows up as a difference.
 * CI must install protoc (`apt-get install protobuf-compiler`); set GEN_SVC_SKIP_PROTOC=1 to
 * skip these tests deliberately where protoc cannot be installed.
 */
import { equals, fromBinary } from "@bufbuild/protobuf";
import { CodeGeneratorRequestSchema, FileDescriptorProtoSchema, type FileDescriptorProto } from "@bufbuild/protobuf/wkt";
import { spawnSync, type SpawnSyncReturns } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, symlinkSync, writeFileSync } from "node:fs";
import { delimiter, dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { locateBuf } from "../../src/cli/buf.js";
import { compile } from "../../src/cli/compile.js";
import { bundledProtoDir, defaultRuntimeSpec, ownVersion } from "../../src/frontend/package-info.js";
import { lazyGenerate } from "../../src/frontend/generator.js";
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

/**
 * Custom options with both retentions, on messages and a method. protoc and buf generate strip the
 * source-retention ones from the files to generate in `proto_file` (protoc-gen-es embeds those
 * descriptors in its output), keep them in imported files, and send the files to generate
 * unstripped in `source_file_descriptors`.
 */
const retentionProtos = {
  "proto/notes/v1/options.proto": `syntax = "proto3";
package notes.v1;
import "google/protobuf/descriptor.proto";
extend google.protobuf.MessageOptions {
  string draft_note = 50001 [retention = RETENTION_SOURCE];
  string label = 50002;
}
extend google.protobuf.MethodOptions { string reviewer = 50003 [retention = RETENTION_SOURCE]; }
`,
  "proto/notes/v1/tag.proto": `syntax = "proto3";
package notes.v1;
import "notes/v1/options.proto";
message Tag {
  option (draft_note) = "imported: kept";
  string name = 1;
}
`,
  "proto/notes/v1/notes.proto": `syntax = "proto3";
package notes.v1;
import "notes/v1/options.proto";
import "notes/v1/tag.proto";
message Note {
  option (draft_note) = "internal only";
  option (label) = "kept";
  string text = 1;
  Tag tag = 2;
}
service Notes {
  rpc Add(Note) returns (Note) { option (reviewer) = "someone"; }
}
`,
};

/** A stand-in plugin that saves the CodeGeneratorRequest it receives and emits nothing. */
const dumpPlugin = `import { writeFileSync } from "node:fs";
const chunks = [];
for await (const chunk of process.stdin) chunks.push(chunk);
writeFileSync("request.binpb", Buffer.concat(chunks));
`;

/** Whether two descriptor lists hold the same descriptors (field by field), in the same order. */
function sameFiles(a: readonly FileDescriptorProto[], b: readonly FileDescriptorProto[]): boolean {
  return a.length === b.length && a.every((file, index) => equals(FileDescriptorProtoSchema, file, b[index]!));
}

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
    expect(res.stderr).toBe('--svc_out: invalid option "bogus": unknown option (known: service, package_name, runtime, messages, deploy, image, image_registry, replicas, cpu_request, cpu_limit, memory_request, memory_limit)\n');
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

  it.runIf(built)("gives the request and files of buf generate for source-retention options", async () => {
    const cwd = tempDir();
    writeTree(cwd, {
      ...retentionProtos,
      "dump.mjs": dumpPlugin,
      "buf.yaml": "version: v2\nmodules:\n  - path: proto\n",
      "buf.gen.yaml": [
        "version: v2",
        "plugins:",
        "  - local: protoc-gen-svc",
        "    out: out-buf",
        "    strategy: all",
        `  - local: [${JSON.stringify(process.execPath)}, dump.mjs]`,
        "    out: out-dump",
        "    strategy: all",
        "",
      ].join("\n"),
    });
    const buf = locateBuf(process.execPath);
    const generated = run(buf.file, [...buf.prefixArgs, "generate", "--path", "proto/notes/v1/notes.proto"], cwd);
    expect(generated.stderr).toBe("");
    expect(generated.status).toBe(0);
    // The request: buf generate's, field by field (buf sets no parameter or compiler version either).
    const theirs = fromBinary(CodeGeneratorRequestSchema, readFileSync(join(cwd, "request.binpb")));
    const args = ["proto/notes/v1/notes.proto", "-I", "proto"];
    const { request: ours } = await compile(testDeps(cwd), { cwd, args: [args[0]!], includes: [args[2]!] });
    expect(ours.fileToGenerate).toEqual(["notes/v1/notes.proto"]);
    expect(theirs.fileToGenerate).toEqual(ours.fileToGenerate);
    expect(sameFiles(ours.protoFile, theirs.protoFile)).toBe(true);
    expect(sameFiles(ours.sourceFileDescriptors, theirs.sourceFileDescriptors)).toBe(true);
    const optionNumbers = (files: readonly FileDescriptorProto[], name: string) =>
      files.find((file) => file.name === name)?.messageType[0]?.options?.$unknown?.map((field) => field.no);
    expect(optionNumbers(ours.protoFile, "notes/v1/notes.proto")).toEqual([50002]);
    expect(optionNumbers(ours.sourceFileDescriptors, "notes/v1/notes.proto")).toEqual([50001, 50002]);
    expect(optionNumbers(ours.protoFile, "notes/v1/tag.proto")).toEqual([50001]);
    // The files: byte-identical.
    const deps = testDeps(cwd, { generate: lazyGenerate, defaultRuntime: defaultRuntimeSpec(ownVersion()) });
    expect(await runCli(["generate", ...args, "-o", "out-cli"], deps), deps.err.join("")).toBe(0);
    const cli = readTree(join(cwd, "out-cli"));
    delete cli["gen-svc.json"];
    expect(Object.keys(cli)).toContain("src/gen/pb/notes/v1/tag_pb.ts");
    expect(readTree(join(cwd, "out-buf"))).toEqual(cli);
  });
});
