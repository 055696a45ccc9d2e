import { existsSync, readFileSync, readdirSync, writeFileSync, rmSync } from "node:fs";
import { basename, join } from "node:path";
import { describe, expect, it } from "vitest";
import { nodeFileSystem, type FileSystem } from "../../src/cli/fs.js";
import { runCli } from "../../src/cli/main.js";
import { lazyGenerate } from "../../src/frontend/generator.js";
import { failingGenerate, greeterProto, layoutGenerate, readTree, tempDir, testDeps, writeTree, type TestDeps } from "./helpers.js";

/** A project with one proto3 contract under proto/. */
function project(): string {
  const cwd = tempDir();
  writeTree(cwd, { "proto/greeter/v1/greeter.proto": greeterProto });
  return cwd;
}

async function run(deps: TestDeps, ...argv: string[]): Promise<number> {
  return runCli(argv, deps);
}

describe("gen-svc generate", () => {
  it("writes the generated files and a deterministic manifest", async () => {
    const cwd = project();
    const deps = testDeps(cwd);
    const status = await run(deps, "generate", "proto", "-o", "out/greeter", "--service", "Greeter", "--package-name", "@acme/greeter");
    expect(deps.err.join("")).toBe("");
    expect(status).toBe(0);
    const tree = readTree(join(cwd, "out/greeter"));
    expect(Object.keys(tree).sort()).toEqual([
      "gen-svc.json",
      "package.json",
      "src/gen/greeter/v1/greeter.ts",
      "src/handlers/Greeter.ts",
      "src/main.ts",
    ]);
    expect(tree["gen-svc.json"]).toBe(`{
  "generator": "gen-svc",
  "inputs": [
    "../../proto"
  ],
  "includes": [
    "../../proto"
  ],
  "options": {
    "package_name": "@acme/greeter",
    "service": [
      "Greeter"
    ]
  },
  "files": [
    "package.json",
    "src/gen/greeter/v1/greeter.ts"
  ]
}
`);
    expect(JSON.parse(tree["package.json"] ?? "")).toEqual({ name: "@acme/greeter", dependencies: { "gen-svc": "^9.9.9" } });
    expect(deps.out.join("")).toBe("gen-svc: wrote 4 files in out/greeter (0 user-owned kept)\n");
  });

  it("is byte-identical when run twice", async () => {
    const cwd = project();
    await run(testDeps(cwd), "generate", "proto/greeter/v1/greeter.proto", "-I", "proto", "-o", "out");
    const first = readTree(join(cwd, "out"));
    await run(testDeps(cwd), "generate", "proto/greeter/v1/greeter.proto", "-I", "proto", "-o", "out");
    expect(readTree(join(cwd, "out"))).toEqual(first);
  });

  it("passes the runtime option through and records every option as given", async () => {
    const cwd = project();
    const deps = testDeps(cwd);
    expect(await run(deps, "generate", "proto", "-o", "out", "--runtime", "file:../runtime", "--messages", "protobuf-es")).toBe(0);
    const manifest = JSON.parse(readFileSync(join(cwd, "out/gen-svc.json"), "utf8"));
    expect(manifest.options).toEqual({ messages: "protobuf-es", runtime: "file:../runtime" });
    expect(readFileSync(join(cwd, "out/package.json"), "utf8")).toContain('"gen-svc": "file:../runtime"');
  });

  it("reports a syntax error as gen-svc: file:line:col, exits 1 and leaves the output untouched", async () => {
    const cwd = project();
    await run(testDeps(cwd), "generate", "proto", "-o", "out");
    const before = readTree(join(cwd, "out"));
    writeTree(cwd, { "x.proto": `syntax = "proto3";\npackage x;\nmessage Z { int32 = 1; }\n` });
    const deps = testDeps(cwd);
    expect(await run(deps, "generate", "x.proto", "-o", "out")).toBe(1);
    expect(deps.err.join("")).toBe("gen-svc: x.proto:3:13: missing name in message field\n");
    expect(deps.out).toEqual([]);
    expect(readTree(join(cwd, "out"))).toEqual(before);
  });

  it("reports a missing import and an unknown file the same way", async () => {
    const cwd = project();
    writeTree(cwd, { "x.proto": `syntax = "proto3";\npackage x;\nimport "y/y.proto";\n` });
    const deps = testDeps(cwd);
    expect(await run(deps, "generate", "x.proto", "-o", "out")).toBe(1);
    expect(deps.err.join("")).toBe("gen-svc: x.proto:3:1: imported file does not exist\n");
    const deps2 = testDeps(cwd);
    expect(await run(deps2, "generate", "nope.proto", "-o", "out")).toBe(1);
    expect(deps2.err.join("")).toBe("gen-svc: nope.proto: no such file or directory\n");
    expect(existsSync(join(cwd, "out"))).toBe(false);
  });

  it("reports generator errors with their location and writes nothing", async () => {
    const cwd = project();
    const deps = testDeps(cwd, { generate: failingGenerate });
    expect(await run(deps, "generate", "proto", "-o", "out")).toBe(1);
    expect(deps.err.join("")).toBe("gen-svc: greeter/v1/greeter.proto:4:1: service Greeter has no methods\n");
    expect(existsSync(join(cwd, "out"))).toBe(false);
  });

  it("fails when the inputs declare no services, writing and deleting nothing", async () => {
    const cwd = project();
    writeTree(cwd, {
      "msgs/a/v1/a.proto": `syntax = "proto3";\npackage a.v1;\nmessage A {}\n`,
      "msgs/b.proto": `syntax = "proto3";\npackage b;\nmessage B {}\n`,
    });
    const fresh = testDeps(cwd);
    expect(await run(fresh, "generate", "msgs", "-o", "new")).toBe(1);
    expect(fresh.err.join("")).toBe("gen-svc: no services in msgs\n");
    expect(fresh.out).toEqual([]);
    expect(existsSync(join(cwd, "new"))).toBe(false);
    // Over an earlier output: nothing is deleted (an empty manifest would have dropped every file).
    expect(await run(testDeps(cwd), "generate", "proto", "-o", "out")).toBe(0);
    const before = readTree(join(cwd, "out"));
    const again = testDeps(cwd);
    expect(await run(again, "generate", "msgs/a/v1/a.proto", "msgs/b.proto", "-I", "msgs", "-o", "out")).toBe(1);
    expect(again.err.join("")).toBe("gen-svc: no services in msgs/a/v1/a.proto, msgs/b.proto\n");
    expect(readTree(join(cwd, "out"))).toEqual(before);
  });

  it("reports an unexpected error as an internal error, without a stack", async () => {
    const cwd = project();
    const deps = testDeps(cwd, { generate: () => Promise.reject(new TypeError("x is undefined")) });
    expect(await run(deps, "generate", "proto", "-o", "out")).toBe(1);
    expect(deps.err.join("")).toBe("gen-svc: internal error: x is undefined (this is a bug in gen-svc; please report it)\n");
  });

  it("rejects an invalid option value before compiling", async () => {
    const cwd = project();
    const deps = testDeps(cwd);
    expect(await run(deps, "generate", "proto", "-o", "out", "--messages", "ts-proto")).toBe(1);
    expect(deps.err.join("")).toBe('gen-svc: invalid option "messages": unknown message backend "ts-proto" (supported: protobuf-es)\n');
    const deps2 = testDeps(cwd);
    expect(await run(deps2, "generate", "proto", "-o", "out", "--package-name", "Bad Name")).toBe(1);
    expect(deps2.err.join("")).toBe('gen-svc: invalid option "package_name": "Bad Name" is not a valid npm package name\n');
  });

  it("refuses an output directory that holds files gen-svc did not write", async () => {
    const cwd = project();
    writeTree(cwd, { "out/notes.md": "mine" });
    const deps = testDeps(cwd);
    expect(await run(deps, "generate", "proto", "-o", "out")).toBe(1);
    expect(deps.err.join("")).toMatch(/^gen-svc: out: directory is not empty and has no gen-svc\.json/);
    expect(readTree(join(cwd, "out"))).toEqual({ "notes.md": "mine" });
  });

  it("accepts an existing empty output directory, and refuses a file", async () => {
    const cwd = project();
    writeTree(cwd, { "file-out": "x" });
    expect(await run(testDeps(cwd), "generate", "proto", "-o", "proto/../empty")).toBe(0);
    const deps = testDeps(cwd);
    expect(await run(deps, "generate", "proto", "-o", "file-out")).toBe(1);
    expect(deps.err.join("")).toBe("gen-svc: file-out: exists and is not a directory\n");
  });

  it("keeps user-owned files on regeneration and overwrites generated ones", async () => {
    const cwd = project();
    await run(testDeps(cwd), "generate", "proto", "-o", "out");
    writeFileSync(join(cwd, "out/src/handlers/Greeter.ts"), "// my code\n");
    rmSync(join(cwd, "out/src/main.ts"));
    writeFileSync(join(cwd, "out/src/gen/greeter/v1/greeter.ts"), "// edited\n");
    const deps = testDeps(cwd);
    expect(await run(deps, "generate", "proto", "-o", "out")).toBe(0);
    expect(readFileSync(join(cwd, "out/src/handlers/Greeter.ts"), "utf8")).toBe("// my code\n");
    expect(readFileSync(join(cwd, "out/src/main.ts"), "utf8")).toBe("// main: user-owned\n");
    expect(readFileSync(join(cwd, "out/src/gen/greeter/v1/greeter.ts"), "utf8")).toContain("DO NOT EDIT");
    expect(deps.out.join("")).toBe("gen-svc: wrote 3 files in out (1 user-owned kept)\n");
  });

  it("deletes files an earlier run generated that are no longer produced", async () => {
    const cwd = project();
    writeTree(cwd, { "proto/extra/v1/extra.proto": `syntax = "proto3";\npackage extra.v1;\nmessage E {}\n` });
    await run(testDeps(cwd), "generate", "proto", "-o", "out");
    expect(existsSync(join(cwd, "out/src/gen/extra/v1/extra.ts"))).toBe(true);
    writeTree(cwd, { "out/src/gen/keep-me.txt": "not ours, not listed" });
    rmSync(join(cwd, "proto/extra"), { recursive: true });
    const deps = testDeps(cwd);
    expect(await run(deps, "generate", "proto", "-o", "out")).toBe(0);
    expect(existsSync(join(cwd, "out/src/gen/extra"))).toBe(false); // the emptied directories go too
    expect(readFileSync(join(cwd, "out/src/gen/keep-me.txt"), "utf8")).toBe("not ours, not listed");
    expect(JSON.parse(readFileSync(join(cwd, "out/gen-svc.json"), "utf8")).files).toEqual(["package.json", "src/gen/greeter/v1/greeter.ts"]);
    expect(deps.out.join("")).toContain("1 stale removed");
  });

  it("never deletes a directory that an edited manifest lists", async () => {
    const cwd = project();
    await run(testDeps(cwd), "generate", "proto", "-o", "out");
    const manifest = JSON.parse(readFileSync(join(cwd, "out/gen-svc.json"), "utf8"));
    manifest.files.push("src/handlers");
    writeFileSync(join(cwd, "out/gen-svc.json"), JSON.stringify(manifest));
    expect(await run(testDeps(cwd), "generate", "proto", "-o", "out")).toBe(0);
    expect(existsSync(join(cwd, "out/src/handlers/Greeter.ts"))).toBe(true);
  });

  it("refuses a manifest that names files outside the output directory", async () => {
    const cwd = project();
    writeTree(cwd, { "out/gen-svc.json": JSON.stringify({ generator: "gen-svc", inputs: [], includes: [], options: {}, files: ["../proto/greeter/v1/greeter.proto"] }) });
    const deps = testDeps(cwd);
    expect(await run(deps, "generate", "proto", "-o", "out")).toBe(1);
    expect(deps.err.join("")).toContain("out/gen-svc.json: not a gen-svc manifest");
    expect(existsSync(join(cwd, "proto/greeter/v1/greeter.proto"))).toBe(true);
  });

  it("writes nothing when writing fails midway (no half-written files, no new directories)", async () => {
    const cwd = project();
    const real = nodeFileSystem();
    let writes = 0;
    const failing: FileSystem = {
      ...real,
      writeFile: async (path, data) => {
        if (++writes === 3) {
          await real.writeFile(path, "partial");
          throw Object.assign(new Error(`ENOSPC: no space left on device, write '${path}'`), { code: "ENOSPC" });
        }
        return real.writeFile(path, data);
      },
    };
    const deps = testDeps(cwd, { fs: failing });
    expect(await run(deps, "generate", "proto", "-o", "out")).toBe(1);
    expect(deps.err.join("")).toMatch(/^gen-svc: ENOSPC: no space left on device/);
    expect(existsSync(join(cwd, "out"))).toBe(false);
  });

  it("keeps the previous output when staging fails on regeneration", async () => {
    const cwd = project();
    await run(testDeps(cwd), "generate", "proto", "-o", "out");
    const before = readTree(join(cwd, "out"));
    const real = nodeFileSystem();
    const failing: FileSystem = { ...real, writeFile: async (path, data) => (path.includes("package.json") ? Promise.reject(new Error("disk gone")) : real.writeFile(path, data)) };
    writeTree(cwd, { "proto/greeter/v1/greeter.proto": greeterProto.replace("HelloReply {", "HelloReply { int32 n = 2;") });
    expect(await run(testDeps(cwd, { fs: failing }), "generate", "proto", "-o", "out")).toBe(1);
    expect(readTree(join(cwd, "out"))).toEqual(before);
    expect(readdirSync(join(cwd, "out"))).not.toContain(expect.stringContaining("gen-svc-tmp"));
  });
});

/** A proto package `name` with one service, as a file under proto/. */
function servicePackage(name: string, service: string): Record<string, string> {
  const path = `proto/${name.replaceAll(".", "/")}/${service.toLowerCase()}.proto`;
  return { [path]: `syntax = "proto3";\npackage ${name};\nmessage M {}\nservice ${service} { rpc Do(M) returns (M); }\n` };
}

describe("a change of output layout", () => {
  it("refuses to move a package at the root into subfolders while its user code is there (real generator)", async () => {
    const cwd = tempDir();
    writeTree(cwd, servicePackage("greeter.v1", "Greeter"));
    const deps = testDeps(cwd, { generate: lazyGenerate });
    expect(await run(deps, "generate", "proto", "-o", "out"), deps.err.join("")).toBe(0);
    expect(existsSync(join(cwd, "out/src/gen/server.ts"))).toBe(true);
    writeFileSync(join(cwd, "out/src/handlers/greeter.ts"), "// my implementation\n");
    const before = readTree(join(cwd, "out"));
    writeTree(cwd, servicePackage("echo.v1", "Echo"));
    const again = testDeps(cwd, { generate: lazyGenerate });
    expect(await run(again, "generate", "proto", "-o", "out")).toBe(1);
    expect(again.err.join("")).toBe(
      "gen-svc: out: refusing to regenerate: the input now has several proto packages, so each is generated into its own " +
        "folder (out/echo-v1, out/greeter-v1), and the package in out would lose its generated code while your src/handlers, " +
        "src/main.ts, test stay behind. Nothing was written; generate into a new directory and move your code over " +
        "(or remove src/handlers, src/main.ts, test from out if you no longer need them)\n",
    );
    expect(again.out).toEqual([]);
    expect(readTree(join(cwd, "out"))).toEqual(before);
  });

  it("refuses to move packages from subfolders to the root, naming each one that holds user code", async () => {
    const cwd = tempDir();
    writeTree(cwd, { ...servicePackage("a.v1", "Alpha"), ...servicePackage("b.v1", "Beta") });
    expect(await run(testDeps(cwd, { generate: layoutGenerate }), "generate", "proto", "-o", "out")).toBe(0);
    expect(existsSync(join(cwd, "out/a-v1/src/gen/server.ts"))).toBe(true);
    rmSync(join(cwd, "out/b-v1/src/main.ts"));
    rmSync(join(cwd, "out/b-v1/src/handlers/Beta.ts"));
    rmSync(join(cwd, "proto/b"), { recursive: true });
    const before = readTree(join(cwd, "out"));
    const deps = testDeps(cwd, { generate: layoutGenerate });
    expect(await run(deps, "generate", "proto", "-o", "out")).toBe(1);
    // b-v1 holds no user code any more (its src/handlers is empty): only a-v1 is in the way.
    expect(deps.err.join("")).toBe(
      "gen-svc: out/a-v1: refusing to regenerate: the input now has one proto package, which is generated at the root of out, " +
        "and the package in out/a-v1 would lose its generated code while your src/handlers, src/main.ts stay behind. Nothing " +
        "was written; generate into a new directory and move your code over (or remove src/handlers, src/main.ts from out/a-v1 " +
        "if you no longer need them)\n",
    );
    expect(readTree(join(cwd, "out"))).toEqual(before);
  });

  it("refuses to drop one package of several while its user code is there, and proceeds once it is gone", async () => {
    const cwd = tempDir();
    writeTree(cwd, { ...servicePackage("a.v1", "Alpha"), ...servicePackage("b.v1", "Beta"), ...servicePackage("c.v1", "Gamma") });
    expect(await run(testDeps(cwd, { generate: layoutGenerate }), "generate", "proto", "-o", "out")).toBe(0);
    rmSync(join(cwd, "proto/b"), { recursive: true });
    const deps = testDeps(cwd, { generate: layoutGenerate });
    expect(await run(deps, "generate", "proto", "-o", "out")).toBe(1);
    expect(deps.err.join("")).toMatch(
      /^gen-svc: out\/b-v1: refusing to regenerate: no proto package of the input is generated into out\/b-v1 any more \(generated now: out\/a-v1, out\/c-v1\), and /,
    );
    expect(existsSync(join(cwd, "out/b-v1/src/gen/server.ts"))).toBe(true);
    // The user moved their code away: the stale generated files go.
    rmSync(join(cwd, "out/b-v1/src"), { recursive: true, force: true });
    writeTree(cwd, { "out/b-v1/src/gen/server.ts": "// Code generated by gen-svc. DO NOT EDIT.\n" });
    const again = testDeps(cwd, { generate: layoutGenerate });
    expect(await run(again, "generate", "proto", "-o", "out")).toBe(0);
    expect(existsSync(join(cwd, "out/b-v1"))).toBe(false);
    expect(again.out.join("")).toContain("1 stale removed");
  });
});

describe("writing races and leftovers", () => {
  it("keeps a user-owned file that appears after planning: created exclusively, never overwritten", async () => {
    const cwd = project();
    const real = nodeFileSystem();
    const racing: FileSystem = {
      ...real,
      writeFile: async (path, data) => {
        // The manifest is staged last: the user's editor saves main.ts just before the files move into place.
        if (basename(path).startsWith(".gen-svc.json.")) await real.writeFile(join(cwd, "out/src/main.ts"), "// typed meanwhile\n");
        return real.writeFile(path, data);
      },
    };
    const deps = testDeps(cwd, { fs: racing });
    expect(await run(deps, "generate", "proto", "-o", "out")).toBe(0);
    expect(readFileSync(join(cwd, "out/src/main.ts"), "utf8")).toBe("// typed meanwhile\n");
    expect(readFileSync(join(cwd, "out/src/handlers/Greeter.ts"), "utf8")).toBe("// handler for Greeter\n");
    expect(deps.out.join("")).toBe("gen-svc: wrote 3 files in out (1 user-owned kept)\n");
    expect(Object.keys(readTree(join(cwd, "out"))).filter((path) => path.includes("gen-svc-tmp"))).toEqual([]);
  });

  it("falls back to an exclusive copy where the file system has no hard links", async () => {
    const cwd = project();
    const real = nodeFileSystem();
    const noLinks: FileSystem = {
      ...real,
      link: async (existing, path) => Promise.reject(Object.assign(new Error(`EPERM: operation not permitted, link '${existing}' -> '${path}'`), { code: "EPERM" })),
      writeFile: async (path, data) => {
        if (basename(path).startsWith(".gen-svc.json.")) await real.writeFile(join(cwd, "out/src/main.ts"), "// typed meanwhile\n");
        return real.writeFile(path, data);
      },
    };
    const deps = testDeps(cwd, { fs: noLinks });
    expect(await run(deps, "generate", "proto", "-o", "out"), deps.err.join("")).toBe(0);
    expect(readFileSync(join(cwd, "out/src/main.ts"), "utf8")).toBe("// typed meanwhile\n");
    expect(readFileSync(join(cwd, "out/src/handlers/Greeter.ts"), "utf8")).toBe("// handler for Greeter\n");
    expect(Object.keys(readTree(join(cwd, "out"))).filter((path) => path.includes("gen-svc-tmp"))).toEqual([]);
  });

  it("accepts and cleans up files staged by a run that crashed before its first manifest", async () => {
    const cwd = project();
    const leftovers = {
      "out/.package.json.0123456789ab.gen-svc-tmp": "partial",
      "out/src/gen/greeter/v1/.greeter.ts.abcdefabcdef.gen-svc-tmp": "partial",
      "out/src/gen/old/.gone.ts.a1b2c3d4e5f6.gen-svc-tmp": "partial", // a directory this run does not write
    };
    writeTree(cwd, leftovers);
    const deps = testDeps(cwd);
    expect(await run(deps, "generate", "proto", "-o", "out"), deps.err.join("")).toBe(0);
    const tree = readTree(join(cwd, "out"));
    expect(Object.keys(tree).filter((path) => path.includes("gen-svc-tmp"))).toEqual([]);
    expect(Object.keys(tree)).toContain("gen-svc.json");
    // Anything else still makes the directory someone else's, even a name that merely looks similar.
    writeTree(cwd, { "other/src/.x.ts.0123456789ab.gen-svc-tmp": "partial", "other/src/notes.gen-svc-tmp": "mine" });
    const refused = testDeps(cwd);
    expect(await run(refused, "generate", "proto", "-o", "other")).toBe(1);
    expect(refused.err.join("")).toMatch(/^gen-svc: other: directory is not empty and has no gen-svc\.json/);
  });

  it("removes files staged by a crashed regeneration beside the files it writes", async () => {
    const cwd = project();
    await run(testDeps(cwd), "generate", "proto", "-o", "out");
    writeTree(cwd, { "out/.gen-svc.json.0123456789ab.gen-svc-tmp": "{", "out/src/handlers/.Greeter.ts.abcdefabcdef.gen-svc-tmp": "x" });
    expect(await run(testDeps(cwd), "generate", "proto", "-o", "out")).toBe(0);
    expect(Object.keys(readTree(join(cwd, "out"))).filter((path) => path.includes("gen-svc-tmp"))).toEqual([]);
  });
});

describe("command line", () => {
  it("exits 2 with a gen-svc: message on usage errors", async () => {
    const cwd = project();
    const deps = testDeps(cwd);
    expect(await run(deps, "generate", "proto")).toBe(2);
    expect(deps.err.join("")).toMatch(/^gen-svc: required option '-o, --out <dir>' not specified\n/);
    const deps2 = testDeps(cwd);
    expect(await run(deps2, "generate", "proto", "-o", "out", "--bogus")).toBe(2);
    expect(deps2.err.join("")).toMatch(/^gen-svc: unknown option '--bogus'/);
    const deps3 = testDeps(cwd);
    expect(await run(deps3, "frobnicate")).toBe(2);
    expect(deps3.err.join("")).toMatch(/^gen-svc: unknown command 'frobnicate'/);
    const deps4 = testDeps(cwd);
    expect(await run(deps4, "generate", "-o", "out")).toBe(2);
    expect(deps4.err.join("")).toMatch(/^gen-svc: missing required argument 'inputs'/);
  });

  it("prints help for the program and each command, and the version", async () => {
    const cwd = tempDir();
    const deps = testDeps(cwd);
    expect(await run(deps, "--help")).toBe(0);
    expect(deps.out.join("")).toMatch(/Usage: gen-svc \[options\] \[command\][\s\S]*generate[\s\S]*check[\s\S]*Exit status/);
    const deps2 = testDeps(cwd);
    expect(await run(deps2, "generate", "--help")).toBe(0);
    const help = deps2.out.join("");
    for (const flag of ["--out <dir>", "--include <dir>", "--service <name>", "--package-name <name>", "--runtime <spec>", "--messages <backend>"]) {
      expect(help).toContain(flag);
    }
    const deps3 = testDeps(cwd);
    expect(await run(deps3, "check", "--help")).toBe(0);
    expect(deps3.out.join("")).toContain("Usage: gen-svc check [options] [dirs...]");
    const deps4 = testDeps(cwd);
    expect(await run(deps4, "--version")).toBe(0);
    expect(deps4.out.join("")).toBe("9.9.9\n");
  });
});
