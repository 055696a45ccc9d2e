// A package generated from scratch: its handler stubs answer UNIMPLEMENTED through the real
// transport (never hang), for every kind of call, and generating twice gives the same bytes.
import { spawnSync } from "node:child_process";
import { readdirSync, readFileSync, rmSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { Code, ServiceError } from "../../src/runtime/index.js";
import { collect, Opened, rejectionOf, streamOf } from "./serve.js";

const root = fileURLToPath(new URL("../..", import.meta.url));
const out = (name: string) => `${root}.tmp/fresh/${name}`;

function generate(example: string, dir: string): void {
  rmSync(dir, { recursive: true, force: true });
  const result = spawnSync(process.execPath, ["bin/gen-svc.js", "generate", `proto-examples/${example}`, "-o", dir, "--runtime", "file:../../.."], {
    cwd: root,
    encoding: "utf8",
  });
  expect(result.stderr).toBe("");
  expect(result.status).toBe(0);
}

function tree(dir: string): Record<string, string> {
  const files = readdirSync(dir, { recursive: true, withFileTypes: true }).filter((e) => e.isFile());
  return Object.fromEntries(files.map((e) => [`${e.parentPath}/${e.name}`.slice(dir.length), readFileSync(`${e.parentPath}/${e.name}`, "utf8")]));
}

describe("a freshly generated routeguide", () => {
  const opened = new Opened();
  // Typed loosely on purpose: the module is generated at test time.
  let client: Record<string, (...args: unknown[]) => AsyncIterable<unknown> & Promise<unknown>>;

  beforeAll(async () => {
    generate("routeguide", out("routeguide"));
    const server = await import(`${out("routeguide")}/src/gen/server.ts`);
    const handlers = await import(`${out("routeguide")}/src/handlers/route-guide.ts`);
    const clients = await import(`${out("routeguide")}/src/gen/route-guide/grpc-client.ts`);
    const port = await opened.serve((s) => server.registerGrpcServices(s, { routeGuide: new handlers.RouteGuideHandler() }));
    client = opened.track(new clients.RouteGuideClient(`127.0.0.1:${port}`));
  });
  afterAll(() => opened.closeAll());

  async function expectUnimplemented(call: Promise<unknown>, method: string): Promise<void> {
    const error = (await rejectionOf(call)) as ServiceError;
    expect(error).toBeInstanceOf(ServiceError);
    expect(error.code).toBe(Code.UNIMPLEMENTED);
    expect(error.message).toBe(`routeguide.v1.RouteGuide.${method} is not implemented yet`);
  }

  test("every stub answers UNIMPLEMENTED, for all four kinds", async () => {
    await expectUnimplemented(client.getFeature!({}), "GetFeature");
    await expectUnimplemented(collect(client.listFeatures!({})), "ListFeatures");
    await expectUnimplemented(client.recordRoute!(streamOf({})), "RecordRoute");
    await expectUnimplemented(collect(client.routeChat!(streamOf({}))), "RouteChat");
  });

  test("generating the same contract twice gives byte-identical output", () => {
    generate("routeguide", out("routeguide-again"));
    expect(tree(out("routeguide-again"))).toEqual(tree(out("routeguide")));
  });
});
