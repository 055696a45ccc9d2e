import { readdirSync, symlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { Edition } from "@bufbuild/protobuf/wkt";
import { describe, expect, it } from "vitest";
import { compile } from "../../src/cli/compile.js";
import { UserError } from "../../src/frontend/errors.js";
import { bundledProtoDir } from "../../src/frontend/package-info.js";
import { corpusDir } from "../support/corpus.js";
import { greeterProto, tempDir, testDeps, writeTree } from "./helpers.js";

/** Compiles and returns the UserError messages (fails the test when compiling succeeds). */
async function compileErrors(cwd: string, args: string[], includes: string[] = []): Promise<readonly string[]> {
  const error = await compile(testDeps(cwd), { cwd, args, includes }).then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(UserError);
  return (error as UserError).messages;
}

describe("compile", () => {
  it("builds a request from several include directories, imports first", async () => {
    const cwd = tempDir();
    writeTree(cwd, {
      "api/shop/v1/shop.proto": `syntax = "proto3";
package shop.v1;
import "common/v1/money.proto";
import "google/api/annotations.proto";
message Product { common.v1.Money price = 1; }
service Shop { rpc Get(Product) returns (Product) { option (google.api.http) = { get: "/v1/product" }; } }
`,
      "vendor/common/v1/money.proto": `syntax = "proto3";\npackage common.v1;\nmessage Money { int64 units = 1; }\n`,
    });
    const deps = testDeps(cwd);
    const { request, includes } = await compile(deps, { cwd, args: ["api/shop/v1/shop.proto"], includes: ["api", "vendor"] });
    expect(request.fileToGenerate).toEqual(["shop/v1/shop.proto"]);
    expect(request.parameter).toBe("");
    expect(request.compilerVersion).toBeUndefined();
    expect(includes.map((dir) => dir.given)).toEqual(["api", "vendor"]);
    const names = request.protoFile.map((file) => file.name);
    expect(names).toContain("common/v1/money.proto");
    expect(names).toContain("google/api/http.proto");
    expect(names).toContain("google/protobuf/descriptor.proto");
    // Topological order: every dependency comes before the file that imports it.
    for (const [index, file] of request.protoFile.entries()) {
      for (const dep of file.dependency) expect(names.indexOf(dep)).toBeLessThan(index);
    }
    expect(names.at(-1)).toBe("shop/v1/shop.proto");
    // As protoc sends them: the files to generate, unstripped (this one has no source-only options).
    expect(request.sourceFileDescriptors.map((file) => file.name)).toEqual(["shop/v1/shop.proto"]);
    // Source info is there: the generator reports errors with locations from it.
    expect(request.protoFile.at(-1)?.sourceCodeInfo?.location.length).toBeGreaterThan(0);
    // The image's buf-specific extension is not carried into the request.
    expect(request.protoFile.every((file) => (file.$unknown ?? []).length === 0)).toBe(true);
    // The temporary workspace is gone.
    expect(readdirSync(deps.tempRoot)).toEqual([]);
  });

  it("takes every .proto under a directory argument, sorted, with the directory as include", async () => {
    const cwd = tempDir();
    writeTree(cwd, {
      "protos/b/b.proto": `syntax = "proto3";\npackage b;\nimport "a/a.proto";\nmessage B { a.A a = 1; }\n`,
      "protos/a/a.proto": `syntax = "proto3";\npackage a;\nmessage A {}\n`,
      "protos/a/z.proto": `syntax = "proto3";\npackage a;\nmessage Z {}\n`,
      "protos/README.md": "not a proto",
    });
    const { request, includes } = await compile(testDeps(cwd), { cwd, args: ["protos"], includes: [] });
    expect(request.fileToGenerate).toEqual(["a/a.proto", "a/z.proto", "b/b.proto"]);
    expect(includes.map((dir) => dir.given)).toEqual(["protos"]);
  });

  it("uses the current directory as include for file arguments, like protoc", async () => {
    const cwd = tempDir();
    writeTree(cwd, { "greeter/v1/greeter.proto": greeterProto });
    const { request } = await compile(testDeps(cwd), { cwd, args: ["greeter/v1/greeter.proto"], includes: [] });
    expect(request.fileToGenerate).toEqual(["greeter/v1/greeter.proto"]);
  });

  it("compiles proto3, proto2 and edition 2023 files", async () => {
    const cwd = tempDir();
    writeTree(cwd, {
      "p3.proto": `syntax = "proto3";\npackage t3;\nmessage M { optional string s = 1; }\nservice S { rpc Do(M) returns (M); }\n`,
      "p2.proto": `syntax = "proto2";\npackage t2;\nmessage M { required string s = 1; optional int32 n = 2 [default = 7]; }\nservice S { rpc Do(M) returns (M); }\n`,
      "e23.proto": `edition = "2023";\npackage te;\nmessage M { string s = 1 [features.field_presence = IMPLICIT]; }\nservice S { rpc Do(M) returns (M); }\n`,
    });
    const { request } = await compile(testDeps(cwd), { cwd, args: ["p3.proto", "p2.proto", "e23.proto"], includes: [] });
    expect(request.fileToGenerate).toEqual(["p3.proto", "p2.proto", "e23.proto"]);
    const byName = new Map(request.protoFile.map((file) => [file.name, file]));
    expect(byName.get("p3.proto")?.syntax).toBe("proto3");
    // Like protoc, buf leaves `syntax` empty for proto2.
    expect(byName.get("p2.proto")?.syntax).toBe("");
    expect(byName.get("e23.proto")?.syntax).toBe("editions");
    expect(byName.get("e23.proto")?.edition).toBe(Edition.EDITION_2023);
  });

  it("reports syntax errors as file:line:col: message with the user's path", async () => {
    const cwd = tempDir();
    writeTree(cwd, { "protos/x.proto": `syntax = "proto3";\npackage x;\nmessage Z { int32 = 1; }\n` });
    const deps = testDeps(cwd);
    const error = await compile(deps, { cwd, args: ["protos/x.proto"], includes: ["protos"] }).catch((e: unknown) => e);
    expect((error as UserError).messages).toEqual(["protos/x.proto:3:13: missing name in message field"]);
    expect(readdirSync(deps.tempRoot)).toEqual([]);
  });

  it("reports a missing import at the import statement", async () => {
    const cwd = tempDir();
    writeTree(cwd, { "x.proto": `syntax = "proto3";\npackage x;\nimport "nope/n.proto";\nmessage Z {}\n` });
    const messages = await compileErrors(cwd, ["x.proto"]);
    expect(messages[0]).toBe("x.proto:3:1: imported file does not exist");
  });

  it("reports files that do not exist, and files outside every include directory", async () => {
    const cwd = tempDir();
    writeTree(cwd, { "a/x.proto": greeterProto, "b/y.proto": greeterProto, "notes.txt": "" });
    expect(await compileErrors(cwd, ["nope.proto", "a/x.proto"])).toEqual(["nope.proto: no such file or directory"]);
    expect(await compileErrors(cwd, ["b/y.proto"], ["a"])).toEqual(["b/y.proto: not under any include directory (-I a)"]);
    expect(await compileErrors(cwd, ["notes.txt"])).toEqual(["notes.txt: not a .proto file or a directory"]);
    expect(await compileErrors(cwd, ["a/x.proto"], ["missing"])).toEqual(["missing: include directory does not exist"]);
  });

  it("lets a user's copy of a bundled proto shadow the bundled one", async () => {
    const cwd = tempDir();
    // The user's own google/api/http.proto, with a marker message the bundled one lacks.
    writeTree(cwd, {
      "google/api/http.proto": `syntax = "proto3";\npackage google.api;\nmessage Marker {}\n`,
      "x.proto": `syntax = "proto3";\npackage x;\nimport "google/api/http.proto";\nmessage X { google.api.Marker m = 1; }\n`,
    });
    const { request } = await compile(testDeps(cwd), { cwd, args: ["x.proto"], includes: [] });
    const http = request.protoFile.find((file) => file.name === "google/api/http.proto");
    expect(http?.messageType.map((m) => m.name)).toEqual(["Marker"]);
  });

  it("reads bundled protos when the user has none, and leaves the bundled folder alone", async () => {
    const cwd = tempDir();
    writeTree(cwd, { "x.proto": `syntax = "proto3";\npackage x;\nimport "google/api/annotations.proto";\nmessage X {}\n` });
    const before = readdirSync(bundledProtoDir(), { recursive: true });
    const { request } = await compile(testDeps(cwd), { cwd, args: ["x.proto"], includes: [] });
    expect(request.protoFile.map((file) => file.name)).toContain("google/api/annotations.proto");
    expect(readdirSync(bundledProtoDir(), { recursive: true })).toEqual(before);
  });

  it("ignores a buf.yaml inside an include directory (it is a plain import root, as for protoc)", async () => {
    const cwd = tempDir();
    writeTree(cwd, {
      "protos/buf.yaml": "version: v2\nmodules:\n  - path: elsewhere\nlint:\n  use: [STANDARD]\ndeps: [buf.build/googleapis/googleapis]\n",
      "protos/svc/v1/svc.proto": greeterProto,
    });
    const { request } = await compile(testDeps(cwd), { cwd, args: ["protos"], includes: [] });
    expect(request.fileToGenerate).toEqual(["svc/v1/svc.proto"]);
  });

  it("compiles the shared corpus, whose root has its own buf.yaml and copies of the bundled protos", async () => {
    const corpus = corpusDir();
    const entries = ["google/pubsub/v1/pubsub.proto", "examples/route_guide/routeguide/route_guide.proto"];
    const cwd = tempDir();
    const { request } = await compile(testDeps(cwd), { cwd, args: entries.map((e) => join(corpus, e)), includes: [corpus] });
    expect(request.fileToGenerate).toEqual(entries);
  });

  it("takes an import path from the first include directory that has it, like protoc", async () => {
    const cwd = tempDir();
    writeTree(cwd, {
      "a/dup.proto": `syntax = "proto3";\npackage d;\nmessage First {}\n`,
      "a/x.proto": `syntax = "proto3";\npackage x;\nimport "dup.proto";\nimport "only/b.proto";\nmessage X { d.First d = 1; b.B b = 2; }\n`,
      "b/dup.proto": `syntax = "proto3";\npackage d;\nmessage Second {}\n`,
      "b/only/b.proto": `syntax = "proto3";\npackage b;\nmessage B {}\n`,
      "c/dup.proto": "not even valid: never read",
    });
    const deps = testDeps(cwd);
    const { request } = await compile(deps, { cwd, args: ["a/x.proto"], includes: ["a", "b", "c"] });
    const byName = new Map(request.protoFile.map((file) => [file.name, file]));
    expect(byName.get("dup.proto")?.messageType.map((m) => m.name)).toEqual(["First"]);
    // The later directory's other files are still found.
    expect(byName.get("only/b.proto")?.messageType.map((m) => m.name)).toEqual(["B"]);
    expect(readdirSync(deps.tempRoot)).toEqual([]);
  });

  it("refuses an input that an earlier include directory shadows, like protoc", async () => {
    const cwd = tempDir();
    writeTree(cwd, { "a/dup.proto": `syntax = "proto3";\npackage d;\nmessage D {}\n`, "b/dup.proto": `syntax = "proto3";\npackage d;\nmessage D {}\n` });
    const shadowed = "b/dup.proto: shadowed by a/dup.proto, which has the same import path (dup.proto) in an earlier include directory; give that file instead, or reorder the -I directories";
    expect(await compileErrors(cwd, ["b/dup.proto"], ["a", "b"])).toEqual([shadowed]);
    // Two directory arguments are two include directories: their files share import paths.
    expect(await compileErrors(cwd, ["a", "b"])).toEqual([shadowed]);
  });

  it("follows a symlinked include directory and removes only the link when cleaning up", async () => {
    const cwd = tempDir();
    const real = tempDir();
    writeTree(real, { "s/v1/s.proto": greeterProto });
    symlinkSync(real, join(cwd, "linked"));
    writeFileSync(join(cwd, "keep.txt"), "x");
    const { request } = await compile(testDeps(cwd), { cwd, args: ["linked"], includes: [] });
    expect(request.fileToGenerate).toEqual(["s/v1/s.proto"]);
    expect(readdirSync(real, { recursive: true })).toContain("s/v1/s.proto");
  });

  it("accepts a file argument given as an import path inside an include directory, like protoc", async () => {
    const cwd = tempDir();
    writeTree(cwd, { "proto/greeter/v1/greeter.proto": greeterProto });
    const { request, inputs } = await compile(testDeps(cwd), { cwd, args: ["greeter/v1/greeter.proto"], includes: ["proto"] });
    expect(request.fileToGenerate).toEqual(["greeter/v1/greeter.proto"]);
    expect(inputs).toEqual([join(cwd, "proto/greeter/v1/greeter.proto")]);
  });

  it("skips node_modules and hidden directories under a directory argument, and survives symlink loops", async () => {
    const cwd = tempDir();
    writeTree(cwd, {
      "protos/a/a.proto": `syntax = "proto3";\npackage a;\nmessage A {}\n`,
      "protos/node_modules/dep/dep.proto": "not even valid",
      "protos/.cache/c.proto": "not even valid",
    });
    symlinkSync(join(cwd, "protos"), join(cwd, "protos/a/loop"));
    const { request } = await compile(testDeps(cwd), { cwd, args: ["protos"], includes: [] });
    expect(request.fileToGenerate).toEqual(["a/a.proto"]);
  });
});
