/**
 * A contract importing buf/validate/validate.proto generates with the CLI (the bundled proto is on
 * its include path), its message code includes validate.proto's, and the package type-checks.
 */
import { spawnSync } from "node:child_process";
import { existsSync, rmSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { afterAll, expect, it } from "vitest";

const root = fileURLToPath(new URL("../..", import.meta.url));
// Inside the repository, so that the package resolves gen-svc and @bufbuild/protobuf from node_modules.
const out = `${root}.tmp/validate-checks`;
afterAll(() => rmSync(out, { recursive: true, force: true }));

it("generates a package whose message code, validate.proto's included, type-checks with tsc --strict", () => {
  rmSync(out, { recursive: true, force: true });
  const generated = spawnSync(process.execPath, ["bin/gen-svc.js", "generate", "test/validate/protos", "-o", out, "--runtime", "file:../.."], { cwd: root, encoding: "utf8" });
  expect(generated.stderr).toBe("");
  expect(generated.status).toBe(0);
  expect(existsSync(`${out}/src/gen/pb/buf/validate/validate_pb.ts`)).toBe(true);
  const checked = spawnSync(`${root}node_modules/.bin/tsc`, ["-p", `${out}/tsconfig.json`, "--noEmit"], { encoding: "utf8" });
  expect(checked.stdout + checked.stderr).toBe("");
  expect(checked.status).toBe(0);
});
