// Contracts whose names clash with generated identifiers or TypeScript globals still give a
// package that type-checks, with one folder and one set of identifiers per service.
import { spawnSync } from "node:child_process";
import { existsSync, readFileSync, rmSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { beforeAll, expect, test } from "vitest";

const root = fileURLToPath(new URL("../..", import.meta.url));
const out = `${root}.tmp/edge-names`;

beforeAll(() => {
  rmSync(out, { recursive: true, force: true });
  const result = spawnSync(process.execPath, ["bin/gen-svc.js", "generate", "test/render/fixtures/edge", "-o", out, "--runtime", "file:../.."], {
    cwd: root,
    encoding: "utf8",
  });
  expect(result.stderr).toBe("");
  expect(result.status).toBe(0);
});

test("services whose names map to the same folder get numbered folders", () => {
  expect(existsSync(`${out}/src/gen/foo-bar/service.ts`)).toBe(true);
  expect(existsSync(`${out}/src/gen/foo-bar2/service.ts`)).toBe(true);
  expect(readFileSync(`${out}/src/gen/foo-bar2/service.ts`, "utf8")).toContain("export interface FooBar2Service");
});

test("an RPC called Close leaves the client's own close as closeConnection", () => {
  const client = readFileSync(`${out}/src/gen/door/grpc-client.ts`, "utf8");
  expect(client).toMatch(/^ {2}close\(\s*request/m);
  expect(client).toMatch(/^ {2}closeConnection\(\): void/m);
  expect(readFileSync(`${out}/test/door.test.ts`, "utf8")).toContain("client.closeConnection();");
});

test("messages named like globals are imported under an alias", () => {
  const service = readFileSync(`${out}/src/gen/door/service.ts`, "utf8");
  expect(service).toMatch(/Promise as EdgeV1_Promise/);
  expect(service).toContain("*\\/ ends here");
});

test("the package type-checks with tsc --strict", () => {
  const result = spawnSync(`${root}node_modules/.bin/tsc`, ["-p", `${out}/tsconfig.json`, "--noEmit"], { encoding: "utf8" });
  expect(result.stdout + result.stderr).toBe("");
  expect(result.status).toBe(0);
});
