/**
 * A real etcd server (Debian's etcd-server; scripts/test-all.sh installs it) for the tests: on
 * loopback ports, with a data folder the caller owns, started and stopped by pid.
 */
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { httpGet } from "../lifecycle/probes.js";

/** A running etcd. */
export interface EtcdServer {
  /** The client URL, `http://127.0.0.1:<port>`. */
  readonly url: string;
  readonly pid: number;
  /** Stops it by pid (SIGTERM, then SIGKILL after 5 s) and waits for the exit. */
  stop(): Promise<void>;
}

/** Where an etcd listens and keeps its data. */
export interface EtcdPlace {
  readonly dataDir: string;
  readonly clientPort: number;
  readonly peerPort: number;
}

/** Starts etcd and waits (at most 20 s) until /health answers. */
export async function startEtcd(place: EtcdPlace): Promise<EtcdServer> {
  if (spawnSync("etcd", ["--version"]).status !== 0) {
    throw new Error("etcd is not installed: apt-get install -y --no-install-recommends etcd-server (scripts/test-all.sh does)");
  }
  const url = `http://127.0.0.1:${place.clientPort}`;
  const peer = `http://127.0.0.1:${place.peerPort}`;
  const child = spawn(
    "etcd",
    [
      "--name=t",
      `--data-dir=${place.dataDir}`,
      "--logger=zap",
      `--log-outputs=${place.dataDir}.log`,
      `--listen-client-urls=${url}`,
      `--advertise-client-urls=${url}`,
      `--listen-peer-urls=${peer}`,
      `--initial-advertise-peer-urls=${peer}`,
      `--initial-cluster=t=${peer}`,
    ],
    { stdio: "ignore" },
  );
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  const server: EtcdServer = { url, pid: child.pid ?? -1, stop: () => stopChild(child, exited) };
  const deadline = performance.now() + 20_000;
  while (performance.now() < deadline) {
    if (child.exitCode !== null || child.signalCode !== null) throw new Error(`etcd exited (${child.exitCode ?? child.signalCode}); see ${place.dataDir}.log`);
    const health = await httpGet(`${url}/health`, 1_000);
    if ("status" in health && health.status === 200 && health.body.includes('"true"')) return server;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  await server.stop();
  throw new Error(`etcd did not become healthy within 20 s; see ${place.dataDir}.log`);
}

async function stopChild(child: ChildProcess, exited: Promise<void>): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null || child.pid === undefined) return;
  process.kill(child.pid, "SIGTERM");
  const timer = setTimeout(() => child.pid !== undefined && child.exitCode === null && process.kill(child.pid, "SIGKILL"), 5_000);
  await exited;
  clearTimeout(timer);
}
