/** Running a built image with host networking in tests: free ports, start-up wait, calls, removal. */
import { execFile } from "node:child_process";
import { createServer } from "node:net";
import { join } from "node:path";
import { promisify } from "node:util";
import { podman, repoRoot } from "./podman.js";

const run = promisify(execFile);

/** A port free on 127.0.0.1 right now (the container binds it next, on the host's network). */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  if (address === null || typeof address === "string") throw new Error("no port");
  return address.port;
}

/** The three ports of a service. */
export interface ServicePorts {
  grpc: number;
  http: number;
  admin: number;
}

/** Free ports for a service. */
export async function freeServicePorts(): Promise<ServicePorts> {
  return { grpc: await freePort(), http: await freePort(), admin: await freePort() };
}

/**
 * Starts the image detached on the host's network, read-only like the Kubernetes manifests
 * (podman mounts a tmpfs on /tmp), listening on 127.0.0.1 at the given ports; returns its id.
 */
export async function startContainer(env: NodeJS.ProcessEnv, image: string, ports: ServicePorts, settings: Record<string, string>): Promise<string> {
  const variables = { HOST: "127.0.0.1", GRPC_PORT: String(ports.grpc), HTTP_PORT: String(ports.http), ADMIN_PORT: String(ports.admin), ...settings };
  const envArgs = Object.entries(variables).flatMap(([key, value]) => ["--env", `${key}=${value}`]);
  const id = await podman(env, ["run", "--detach", "--network=host", "--read-only", ...envArgs, image]);
  return id.trim();
}

/** Waits (at most `timeoutMs`) for the service's "serving" log line; throws with the logs otherwise. */
export async function waitForServing(env: NodeJS.ProcessEnv, id: string, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let logs = "";
  while (Date.now() < deadline) {
    logs = await containerLogs(env, id);
    if (logs.split("\n").some((line) => line.includes('"msg":"serving"'))) return;
    const state = (await podman(env, ["inspect", "--format", "{{.State.Status}}", id])).trim();
    if (state !== "running") throw new Error(`container ${id} is ${state}:\n${logs}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error(`container ${id} not serving after ${timeoutMs} ms:\n${logs}`);
}

/** stdout and stderr of a container. */
export async function containerLogs(env: NodeJS.ProcessEnv, id: string): Promise<string> {
  const { stdout, stderr } = await run("podman", ["logs", id], { env, maxBuffer: 16 * 1024 * 1024 });
  return stdout + stderr;
}

/** Removes a container by id, running or not; never throws (cleanup). */
export async function removeContainer(env: NodeJS.ProcessEnv, id: string | undefined): Promise<void> {
  if (id === undefined) return;
  await podman(env, ["rm", "--force", "--time", "0", id]).catch(() => undefined);
}

/** A unary gRPC call from outside with `buf curl` through the server's reflection service. */
export async function grpcCall(port: number, path: string, body: object): Promise<unknown> {
  const buf = join(repoRoot, "node_modules/.bin/buf");
  const { stdout } = await run(buf, ["curl", "--protocol", "grpc", "--http2-prior-knowledge", "-d", JSON.stringify(body), `http://127.0.0.1:${port}${path}`], {
    timeout: 30_000,
  });
  return JSON.parse(stdout);
}

/** A JSON POST to the service's HTTP port. */
export async function httpCall(port: number, path: string, body: object): Promise<{ status: number; json: unknown }> {
  const response = await fetch(`http://127.0.0.1:${port}${path}`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(body),
    signal: AbortSignal.timeout(10_000),
  });
  return { status: response.status, json: await response.json() };
}
