// The checked-in samples as packages: up to date with the generator, type-checked, their own
// `npm test` green, and the greeter started as a real process, called by `buf curl`, stopped by
// SIGTERM.
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { once } from "node:events";
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, test } from "vitest";

const root = fileURLToPath(new URL("../..", import.meta.url));
const bin = (name: string) => `${root}node_modules/.bin/${name}`;
/** Every generated package; ecommerce's two proto packages are two packages under one manifest. */
const samples = ["greeter", "addsvc", "routeguide", "ecommerce/ecommerce-product-v1", "ecommerce/ecommerce-order-v1", "echo", "bookstore"];
/** The folders `gen-svc check` finds a manifest in. */
const manifests = ["greeter", "addsvc", "routeguide", "ecommerce", "echo", "bookstore"];

function run(command: string, args: string[], cwd = root) {
  const result = spawnSync(command, args, { cwd, encoding: "utf8", timeout: 120_000 });
  return { status: result.status, output: `${result.stdout}${result.stderr}` };
}

test("gen-svc check: regenerating every sample changes nothing", () => {
  const { status, output } = run(process.execPath, ["bin/gen-svc.js", "check", "generated-samples"]);
  expect(output).toContain(`${manifests.length} packages up to date`);
  expect(status).toBe(0);
});

describe.each(samples)("sample %s", (sample) => {
  const dir = `${root}generated-samples/${sample}`;

  test("type-checks with tsc --strict", () => {
    const { status, output } = run(bin("tsc"), ["-p", "tsconfig.json", "--noEmit"], dir);
    expect(output).toBe("");
    expect(status).toBe(0);
  });

  test("its own npm test (build + node --test) passes", () => {
    const { status, output } = run("npm", ["test", "--silent"], dir);
    expect(output).toMatch(/ℹ fail 0/);
    expect(status).toBe(0);
  });
});

describe("the greeter as a process", () => {
  const dir = `${root}generated-samples/greeter`;
  let server: ChildProcess | undefined;

  afterAll(() => {
    if (server?.exitCode === null) server.kill("SIGKILL");
  });

  test("starts, answers buf curl through reflection, and exits 0 on SIGTERM", async () => {
    expect(run("npm", ["run", "build", "--silent"], dir).status).toBe(0);
    const env = { ...process.env, HOST: "127.0.0.1", GRPC_PORT: "0", ADMIN_PORT: "0", HTTP_PORT: "0" };
    server = spawn(process.execPath, ["dist/src/main.js"], { cwd: dir, env });
    let log = "";
    server.stdout!.on("data", (chunk) => (log += chunk));
    server.stderr!.on("data", (chunk) => (log += chunk));
    await expect.poll(() => log, { timeout: 10_000 }).toMatch(/"grpc_port":\d+/);
    const port = /"grpc_port":(\d+)/.exec(log)![1];

    // No schema: buf finds it through the server's reflection service.
    const curl = run(bin("buf"), [
      "curl", "--protocol", "grpc", "--http2-prior-knowledge",
      "-d", '{"name":"Ada"}',
      `http://127.0.0.1:${port}/greeter.v1.Greeter/SayHello`,
    ]);
    expect(curl.status).toBe(0);
    expect(JSON.parse(curl.output)).toEqual({ message: "Hello, Ada!" });

    const exited = once(server, "exit");
    server.kill("SIGTERM");
    const [code] = await exited;
    expect(code).toBe(0);
    expect(log).toContain('"signal":"SIGTERM"');
    expect(log).toContain('"msg":"stopped"');
  });
});
