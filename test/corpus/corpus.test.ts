// Every entry of ../shared/corpus/ENTRIES.txt generates with the CLI and its output type-checks
// with tsc --strict. One entry cannot be compiled by buf (see below); it goes through
// protoc + protoc-gen-svc instead, and the CLI's error for it is checked.
import { spawn } from "node:child_process";
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { beforeAll, describe, expect, test } from "vitest";
import { corpusDir } from "../support/corpus.js";

const root = fileURLToPath(new URL("../..", import.meta.url));
const corpus = corpusDir();
const outRoot = `${root}.tmp/corpus`;

/** buf rejects message-set extensions inside options (a proto1 feature); protoc accepts them. */
const bufCannotCompile = new Set(["google/protobuf/unittest_custom_options.proto"]);

const entries = readFileSync(`${corpus}/ENTRIES.txt`, "utf8")
  .split("\n")
  .map((line) => line.split("#")[0]!.trim())
  .filter((line) => line !== "");

const slug = (entry: string) => entry.replace(/\.proto$/, "").replaceAll("/", "_");

interface Run {
  status: number | null;
  output: string;
}

function runAsync(command: string, args: string[]): Promise<Run> {
  return new Promise((resolve) => {
    const child = spawn(command, args, { cwd: root });
    let output = "";
    child.stdout.on("data", (c) => (output += c));
    child.stderr.on("data", (c) => (output += c));
    const timer = setTimeout(() => child.kill("SIGKILL"), 120_000);
    child.on("close", (status) => {
      clearTimeout(timer);
      resolve({ status, output });
    });
  });
}

/** Runs `jobs` with at most `limit` at a time (this machine has 2 cores). */
async function pool<T, R>(items: readonly T[], limit: number, job: (item: T) => Promise<R>): Promise<Map<T, R>> {
  const results = new Map<T, R>();
  const queue = [...items];
  await Promise.all(
    Array.from({ length: limit }, async () => {
      for (let item = queue.shift(); item !== undefined; item = queue.shift()) results.set(item, await job(item));
    }),
  );
  return results;
}

function generateWithCli(entry: string): Promise<Run> {
  return runAsync(process.execPath, [`${root}bin/gen-svc.js`, "generate", `${corpus}/${entry}`, "-I", corpus, "-o", `${outRoot}/${slug(entry)}`]);
}

function generateWithProtoc(entry: string): Promise<Run> {
  const out = `${outRoot}/${slug(entry)}`;
  mkdirSync(out, { recursive: true });
  return runAsync("protoc", [
    `--plugin=protoc-gen-svc=${root}bin/protoc-gen-svc.js`,
    `--svc_out=${out}`,
    "-I", corpus, "-I", `${root}proto`,
    entry,
  ]);
}

describe("the corpus", () => {
  let results: Map<string, Run>;

  beforeAll(async () => {
    rmSync(outRoot, { recursive: true, force: true });
    mkdirSync(outRoot, { recursive: true });
    results = await pool(entries, 2, (entry) => (bufCannotCompile.has(entry) ? generateWithProtoc(entry) : generateWithCli(entry)));
  }, 600_000);

  test("has the 62 entries the corpus README lists", () => {
    expect(entries).toHaveLength(62);
  });

  test.each(entries)("%s generates", (entry) => {
    const result = results.get(entry)!;
    expect(result.output).not.toMatch(/error/i);
    expect(result.status).toBe(0);
    // One package (or one per proto package), each wiring its services in src/gen/server.ts.
    const files = readdirSync(`${outRoot}/${slug(entry)}`, { recursive: true, encoding: "utf8" });
    expect(files.filter((f) => f.endsWith("src/gen/server.ts")).length).toBeGreaterThan(0);
  });

  test("the entry buf cannot compile gets a file:line:col error from the CLI", async () => {
    const [entry] = bufCannotCompile;
    const result = await runAsync(process.execPath, [`${root}bin/gen-svc.js`, "generate", `${corpus}/${entry}`, "-I", corpus, "-o", `${outRoot}/cli-refused`]);
    expect(result.status).toBe(1);
    expect(result.output).toMatch(/^gen-svc: .*unittest_custom_options\.proto:\d+:\d+: .*message set/m);
    expect(existsSync(`${outRoot}/cli-refused`)).toBe(false);
  });

  test("all generated code type-checks with tsc --strict", async () => {
    const tsconfig = {
      compilerOptions: {
        target: "es2023", lib: ["es2023"], module: "nodenext", moduleResolution: "nodenext",
        strict: true, isolatedModules: true, verbatimModuleSyntax: true, skipLibCheck: true, noEmit: true, types: ["node"],
      },
      include: ["*/src/**/*.ts", "*/test/**/*.ts", "*/*/src/**/*.ts", "*/*/test/**/*.ts"],
    };
    writeFileSync(`${outRoot}/tsconfig.json`, JSON.stringify(tsconfig, null, 2));
    const result = await runAsync(`${root}node_modules/.bin/tsc`, ["-p", `${outRoot}/tsconfig.json`]);
    expect(result.output).toBe("");
    expect(result.status).toBe(0);
  }, 300_000);
});
