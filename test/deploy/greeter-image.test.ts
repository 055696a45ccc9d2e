// The greeter sample as a container image, for real: built with podman from the generated
// Dockerfile against a local Node 24 base image, run with host networking, called over gRPC and
// HTTP, checked for its user, health check, dependencies and graceful stop, then removed.
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { containerLogs, freeServicePorts, grpcCall, httpCall, removeContainer, startContainer, waitForServing, type ServicePorts } from "./container.js";
import { buildImage, finishPackage, generatePackages, imageSize } from "./package-image.js";
import { deployWorkDir, ensureBaseImage, lockPackages, packRuntime, podman, podmanEnv, repoRoot } from "./podman.js";

const gracePeriodMs = 5000;
let env: NodeJS.ProcessEnv;
let tmp: string;
let packageDir: string;
let imageId: string | undefined;
let containerId: string | undefined;
let ports: ServicePorts;

beforeAll(async () => {
  const started = Date.now();
  env = await podmanEnv(deployWorkDir());
  await ensureBaseImage(env, deployWorkDir());
  const baseReady = Date.now();
  tmp = await mkdtemp(join(tmpdir(), "gen-svc-greeter-image-"));
  packageDir = join(tmp, "greeter");
  const tarball = join(tmp, "runtime", await packRuntime(join(tmp, "runtime")));
  await generatePackages("proto-examples/greeter", packageDir, tarball);
  await finishPackage(packageDir, join(repoRoot, "generated-samples/greeter"), tarball);
  imageId = await buildImage(env, packageDir, `localhost/gen-svc-test/greeter-v1:${process.pid}`);
  console.log(`greeter image: base ready in ${baseReady - started} ms, package and image in ${Date.now() - baseReady} ms`);
  ports = await freeServicePorts();
  containerId = await startContainer(env, imageId, ports, { REGISTRY: "none", GRACE_PERIOD_MS: String(gracePeriodMs) });
  await waitForServing(env, containerId);
}, 900_000);

afterAll(async () => {
  await removeContainer(env, containerId);
  if (imageId !== undefined) await podman(env, ["rmi", "--force", imageId]).catch(() => undefined);
  if (tmp !== undefined) await rm(tmp, { recursive: true, force: true });
});

describe("greeter image", () => {
  test("answers a gRPC call (buf curl through reflection)", async () => {
    expect(await grpcCall(ports.grpc, "/greeter.v1.Greeter/SayHello", { name: "podman" })).toEqual({ message: "Hello, podman!" });
  });

  test("answers an HTTP/JSON call", async () => {
    expect(await httpCall(ports.http, "/greeter.v1.Greeter/SayHello", { name: "http" })).toEqual({ status: 200, json: { message: "Hello, http!" } });
  });

  test("/healthz passes, and so does the image's HEALTHCHECK (a node one-liner)", async () => {
    const response = await fetch(`http://127.0.0.1:${ports.admin}/healthz`, { signal: AbortSignal.timeout(5000) });
    expect(response.status).toBe(200);
    const healthcheck = JSON.parse(await podman(env, ["image", "inspect", "--format", "{{json .Config.Healthcheck}}", imageId!])) as { Test: string[] };
    expect(healthcheck.Test.slice(0, 3)).toEqual(["CMD", "node", "-e"]);
    await podman(env, ["healthcheck", "run", containerId!]);
  });

  test("runs as a non-root user with NODE_ENV=production", async () => {
    const out = await podman(env, ["exec", containerId!, "node", "-e", "process.stdout.write(JSON.stringify([process.getuid(), process.getgid(), process.env.NODE_ENV]))"]);
    expect(JSON.parse(out)).toEqual([1000, 1000, "production"]);
    expect((await podman(env, ["image", "inspect", "--format", "{{.Config.User}}", imageId!])).trim()).toBe("1000:1000");
  });

  test("holds production dependencies only, and reports its size", async () => {
    // What `npm ci --omit=dev` installed (npm's hidden lock file in the image) must be production
    // packages of the lock file, none of its dev-only ones. (greeter's own dev dependencies,
    // typescript and @types/node, are also production dependencies of the gen-svc runtime, which
    // carries the generator's packages, so the dev-only set can be empty here.)
    const lock = await lockPackages(packageDir);
    const installed = Object.keys(
      (JSON.parse(await podman(env, ["exec", containerId!, "node", "-e", "process.stdout.write(require('node:fs').readFileSync('/app/node_modules/.package-lock.json', 'utf8'))"])) as { packages: object }).packages,
    );
    expect(installed.length).toBeGreaterThan(10);
    expect(installed.filter((path) => !lock.production.includes(path))).toEqual([]);
    expect(installed.filter((path) => lock.devOnly.includes(path))).toEqual([]);
    // Nor the sources, the tests or the compiler settings: only dist/src, node_modules, package.json.
    expect(JSON.parse(await podman(env, ["exec", containerId!, "node", "-e", "process.stdout.write(JSON.stringify(require('node:fs').readdirSync('/app').sort()))"]))).toEqual([
      "dist",
      "node_modules",
      "package.json",
    ]);
    const size = await imageSize(env, imageId!);
    console.log(`greeter image size: ${(size / 1e6).toFixed(0)} MB`);
    expect(size).toBeGreaterThan(0);
  });

  test("podman stop ends it gracefully within the grace period (exit 0 after draining)", async () => {
    const started = Date.now();
    await podman(env, ["stop", "--time", String(gracePeriodMs / 1000 + 10), containerId!]);
    const elapsed = Date.now() - started;
    expect(elapsed).toBeLessThan(gracePeriodMs);
    expect((await podman(env, ["inspect", "--format", "{{.State.ExitCode}}", containerId!])).trim()).toBe("0");
    const logs = await containerLogs(env, containerId!);
    expect(logs).toMatch(/"signal":"SIGTERM".*"msg":"signal received"/);
  });
});
