import { create, fromBinary, isFieldSet, maximumEdition, minimumEdition, toBinary } from "@bufbuild/protobuf";
import {
  CodeGeneratorRequestSchema,
  CodeGeneratorResponse_Feature,
  CodeGeneratorResponseSchema,
  Edition,
  type CodeGeneratorRequest,
  type CodeGeneratorResponse,
} from "@bufbuild/protobuf/wkt";
import { createRequire } from "node:module";
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { Readable } from "node:stream";
import { fileURLToPath } from "node:url";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { compile } from "../../src/cli/compile.js";
import { main, runPlugin } from "../../src/plugin/main.js";
import type { PluginDeps } from "../../src/plugin/plugin.js";
import { failingGenerate, fakeGenerate, greeterProto, tempDir, testDeps, writeTree } from "./helpers.js";

/** An in-memory stdout/stderr pair. */
function memoryProcess() {
  const stdout: Uint8Array[] = [];
  const stderr: string[] = [];
  return {
    stdout: {
      write(data: Uint8Array | string, callback: (error?: Error | null) => void) {
        stdout.push(typeof data === "string" ? Buffer.from(data) : data);
        callback();
        return true;
      },
    },
    stderr: { write: (text: string) => stderr.push(text) },
    bytes: () => Buffer.concat(stdout),
    errText: () => stderr.join(""),
  };
}

/** A CodeGeneratorRequest for the greeter contract, compiled with real buf. */
async function greeterRequest(parameter: string): Promise<Uint8Array> {
  const cwd = tempDir();
  writeTree(cwd, { "greeter/v1/greeter.proto": greeterProto });
  const { request } = await compile(testDeps(cwd), { cwd, args: ["greeter/v1/greeter.proto"], includes: [] });
  request.parameter = parameter;
  return toBinary(CodeGeneratorRequestSchema, request);
}

function deps(overrides: Partial<PluginDeps> = {}): PluginDeps {
  return {
    generate: fakeGenerate,
    defaultRuntime: "^9.9.9",
    exists: async () => false,
    readFile: async () => undefined,
    listFiles: async () => [],
    log: () => {},
    ...overrides,
  };
}

async function respond(parameter: string, pluginDeps: PluginDeps = deps()): Promise<CodeGeneratorResponse> {
  const proc = memoryProcess();
  expect(await runPlugin(await greeterRequest(parameter), proc, pluginDeps)).toBe(0);
  expect(proc.errText()).toBe("");
  return fromBinary(CodeGeneratorResponseSchema, proc.bytes());
}

describe("protoc-gen-svc", () => {
  it("answers a request with every file and declares the features of protoc-gen-es", async () => {
    const res = await respond("service=Greeter,package_name=@acme/greeter");
    expect(isFieldSet(res, CodeGeneratorResponseSchema.field.error)).toBe(false);
    expect(res.file.map((file) => file.name)).toEqual(["src/gen/greeter/v1/greeter.ts", "src/handlers/Greeter.ts", "package.json", "src/main.ts"]);
    expect(res.file.find((file) => file.name === "package.json")?.content).toContain('"name": "@acme/greeter"');
    expect(res.supportedFeatures).toBe(BigInt(CodeGeneratorResponse_Feature.PROTO3_OPTIONAL | CodeGeneratorResponse_Feature.SUPPORTS_EDITIONS));
    expect(res.minimumEdition).toBe(Edition.EDITION_PROTO2);
    expect(res.minimumEdition).toBe(minimumEdition);
    expect(res.maximumEdition).toBe(maximumEdition);
    expect(res.maximumEdition).toBeGreaterThanOrEqual(Edition.EDITION_2023);
  });

  it("declares exactly what protoc-gen-es declares for the same request", async () => {
    const require = createRequire(import.meta.url);
    const { protocGenEs } = require("@bufbuild/protoc-gen-es/dist/cjs/src/protoc-gen-es-plugin.js") as {
      protocGenEs: { run(request: CodeGeneratorRequest): CodeGeneratorResponse };
    };
    const es = protocGenEs.run(fromBinary(CodeGeneratorRequestSchema, await greeterRequest("target=ts")));
    const ours = await respond("");
    expect([ours.supportedFeatures, ours.minimumEdition, ours.maximumEdition]).toEqual([es.supportedFeatures, es.minimumEdition, es.maximumEdition]);
  });

  it("leaves out existing user-owned files when out_dir is given", async () => {
    const out = tempDir();
    writeTree(out, { "src/main.ts": "// mine\n", "package.json": "{}" });
    const realExists = deps({ exists: async (path) => existsSync(path) });
    const res = await respond(`out_dir=${out}`, realExists);
    // package.json is generated: it is emitted (and overwritten) even though it exists.
    expect(res.file.map((file) => file.name)).toEqual(["src/gen/greeter/v1/greeter.ts", "src/handlers/Greeter.ts", "package.json"]);
  });

  it("puts option and generator errors in response.error and still exits 0", async () => {
    const bad = await respond("bogus=1");
    expect(bad.error).toBe('invalid option "bogus": unknown option (known: service, package_name, runtime, messages, deploy, image, image_registry, replicas, cpu_request, cpu_limit, memory_request, memory_limit)');
    expect(bad.file).toEqual([]);
    expect((await respond("out_dir=")).error).toBe('invalid option "out_dir": needs a value');
    const failed = await respond("", deps({ generate: failingGenerate }));
    expect(failed.error).toBe("greeter/v1/greeter.proto:4:1: service Greeter has no methods");
  });

  it("exits 1 with a message when stdin is not a CodeGeneratorRequest", async () => {
    const proc = memoryProcess();
    expect(await runPlugin(new Uint8Array([0xff, 0xff, 0xff]), proc, deps())).toBe(1);
    expect(proc.errText()).toMatch(/^protoc-gen-svc: stdin is not a CodeGeneratorRequest: /);
    expect(proc.bytes().length).toBe(0);
  });

  it("main reads stdin to the end and answers --version and a terminal", async () => {
    const request = toBinary(CodeGeneratorRequestSchema, create(CodeGeneratorRequestSchema, { parameter: "nope" }));
    const proc = memoryProcess();
    const half = request.length >> 1;
    const stdin = Readable.from([request.subarray(0, half), request.subarray(half)]);
    expect(await main({ argv: ["node", "protoc-gen-svc"], stdin, ...proc })).toBe(0);
    expect(fromBinary(CodeGeneratorResponseSchema, proc.bytes()).error).toMatch(/^invalid option "nope"/);
    const version = memoryProcess();
    expect(await main({ argv: ["node", "protoc-gen-svc", "--version"], stdin: Readable.from([]), ...version })).toBe(0);
    expect(version.bytes().toString()).toMatch(/^protoc-gen-svc \d+\.\d+\.\d+/);
    const tty = memoryProcess();
    expect(await main({ argv: ["node", "x"], stdin: Object.assign(Readable.from([]), { isTTY: true }), ...tty })).toBe(1);
    expect(tty.errText()).toMatch(/^protoc-gen-svc: stdin is a terminal/);
  });
});

const repoRoot = fileURLToPath(new URL("../..", import.meta.url));
const builtPlugin = join(repoRoot, "dist/plugin/main.js");

describe.skipIf(!existsSync(builtPlugin))("the built protoc-gen-svc bin (after npm run build)", () => {
  const bin = join(repoRoot, "bin/protoc-gen-svc.js");

  it("speaks the protocol over real stdin/stdout", async () => {
    const run = spawnSync(process.execPath, [bin], { input: await greeterRequest("bogus=1") });
    expect(run.status).toBe(0);
    expect(run.stderr.toString()).toBe("");
    const res = fromBinary(CodeGeneratorResponseSchema, run.stdout);
    expect(res.error).toMatch(/^invalid option "bogus": unknown option/);
    expect(res.supportedFeatures).toBe(3n);
  });

  it("exits 1 on a broken stdin", () => {
    const run = spawnSync(process.execPath, [bin], { input: Buffer.from([0x0a, 0xff]) });
    expect(run.status).toBe(1);
    expect(run.stderr.toString()).toMatch(/^protoc-gen-svc: stdin is not a CodeGeneratorRequest/);
  });

  it("the gen-svc bin runs too", () => {
    const cwd = tempDir();
    writeTree(cwd, { "x.proto": `syntax = "proto3";\npackage x;\nmessage Z { int32 = 1; }\n` });
    const run = spawnSync(process.execPath, [join(repoRoot, "bin/gen-svc.js"), "generate", "x.proto", "-o", "out"], { cwd, encoding: "utf8" });
    expect(run.stderr).toBe("gen-svc: x.proto:3:13: missing name in message field\n");
    expect(run.status).toBe(1);
    expect(existsSync(join(cwd, "out"))).toBe(false);
  });
});
