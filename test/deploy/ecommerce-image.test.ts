// The ecommerce sample's two images, for real: product and order built with podman from their
// generated Dockerfiles, run with host networking against a test-started etcd on loopback
// (REGISTRY=etcd://...), order pricing a cart through product found by name in etcd, over gRPC
// and HTTP; both stop gracefully; containers, images and etcd are removed.
import { mkdir, mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { startEtcd, type EtcdServer } from "../registry/etcd-server.js";
import { containerLogs, freePort, freeServicePorts, grpcCall, httpCall, removeContainer, startContainer, waitForServing, type ServicePorts } from "./container.js";
import { buildImage, finishPackage, generatePackages, imageSize } from "./package-image.js";
import { deployWorkDir, ensureBaseImage, packRuntime, podman, podmanEnv, repoRoot } from "./podman.js";

const packages = ["ecommerce-product-v1", "ecommerce-order-v1"] as const;
const gracePeriodMs = 5000;
let env: NodeJS.ProcessEnv;
let tmp: string;
let etcd: EtcdServer | undefined;
const images = new Map<string, string>();
const containers = new Map<string, string>();
const ports = new Map<string, ServicePorts>();

beforeAll(async () => {
  env = await podmanEnv(deployWorkDir());
  await ensureBaseImage(env, deployWorkDir());
  tmp = await mkdtemp(join(tmpdir(), "gen-svc-ecommerce-image-"));
  const tarball = join(tmp, "runtime", await packRuntime(join(tmp, "runtime")));
  const outDir = join(tmp, "ecommerce");
  await generatePackages("proto-examples/ecommerce", outDir, tarball);
  const started = Date.now();
  for (const name of packages) {
    await finishPackage(join(outDir, name), join(repoRoot, "generated-samples/ecommerce", name), tarball);
    images.set(name, await buildImage(env, join(outDir, name), `localhost/gen-svc-test/${name}:${process.pid}`));
  }
  console.log(`ecommerce images built in ${Date.now() - started} ms`);
  await mkdir(join(tmp, "etcd"));
  etcd = await startEtcd({ dataDir: join(tmp, "etcd", "data"), clientPort: await freePort(), peerPort: await freePort() });
  const registry = `etcd://${etcd.url.slice("http://".length)}`;
  for (const name of packages) {
    ports.set(name, await freeServicePorts());
    containers.set(name, await startContainer(env, images.get(name)!, ports.get(name)!, { REGISTRY: registry, GRACE_PERIOD_MS: String(gracePeriodMs) }));
    await waitForServing(env, containers.get(name)!);
  }
}, 1_200_000);

afterAll(async () => {
  for (const id of containers.values()) await removeContainer(env, id);
  for (const id of images.values()) await podman(env, ["rmi", "--force", id]).catch(() => undefined);
  await etcd?.stop();
  if (tmp !== undefined) await rm(tmp, { recursive: true, force: true });
});

const cart = { lines: [{ productId: "p-1002", quantity: 2 }, { productId: "p-1001", quantity: 1 }] };

/** Retries while order has not yet seen product in etcd (bounded: 20 tries, 250 ms apart). */
async function eventually<T>(call: () => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await call();
    } catch (error) {
      if (attempt >= 20) throw error;
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
  }
}

describe("ecommerce images", () => {
  test("order prices a cart over gRPC, calling product found through etcd", async () => {
    const quote = (await eventually(() => grpcCall(ports.get("ecommerce-order-v1")!.grpc, "/ecommerce.order.v1.OrderService/QuoteOrder", cart))) as { totalCents: string };
    expect(quote.totalCents).toBe("7800");
  });

  test("order prices a cart over HTTP/JSON", async () => {
    const { status, json } = await eventually(() => httpCall(ports.get("ecommerce-order-v1")!.http, "/v1/orders:quote", cart));
    expect(status).toBe(200);
    expect((json as { totalCents: string }).totalCents).toBe("7800");
  });

  test("both run as uid 1000, and their sizes are reported", async () => {
    for (const name of packages) {
      expect(await podman(env, ["exec", containers.get(name)!, "node", "-e", "process.stdout.write(String(process.getuid()))"])).toBe("1000");
      console.log(`${name} image size: ${((await imageSize(env, images.get(name)!)) / 1e6).toFixed(0)} MB`);
    }
  });

  test("both stop gracefully: order first, then product, each exit 0 within the grace period", async () => {
    for (const name of [...packages].reverse()) {
      const id = containers.get(name)!;
      const started = Date.now();
      await podman(env, ["stop", "--time", String(gracePeriodMs / 1000 + 10), id]);
      expect(Date.now() - started, name).toBeLessThan(gracePeriodMs);
      expect((await podman(env, ["inspect", "--format", "{{.State.ExitCode}}", id])).trim(), await containerLogs(env, id)).toBe("0");
    }
  });
});
