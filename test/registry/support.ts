/**
 * What the registry tests share: a recorder of a watch's sets with the time each arrived, a
 * child process holding a registration, and instances to register.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { fileURLToPath } from "node:url";
import type { Discovery, ServiceInstance } from "../../src/runtime/registry/types.js";

/** An instance of `service` with a gRPC port. */
export function instance(service: string, id: string, port: number, metadata: Record<string, string> = {}): ServiceInstance {
  return { service, id, host: "127.0.0.1", ports: { grpc: port }, version: "1.0.0", metadata };
}

/** The ids of a set, sorted. */
export function ids(instances: readonly ServiceInstance[] | undefined): string[] {
  return (instances ?? []).map((i) => i.id).sort();
}

/** Follows one watch, keeping every set it yields with the time it arrived. */
export class WatchRecorder {
  readonly sets: Array<{ at: number; instances: readonly ServiceInstance[] }> = [];
  readonly #abort = new AbortController();
  readonly #done: Promise<void>;
  #wake: (() => void) | undefined;

  constructor(discovery: Discovery, service: string) {
    this.#done = (async () => {
      for await (const instances of discovery.watch(service, this.#abort.signal)) {
        this.sets.push({ at: performance.now(), instances });
        this.#wake?.();
      }
    })();
  }

  /** The newest set. */
  get latest(): readonly ServiceInstance[] | undefined {
    return this.sets.at(-1)?.instances;
  }

  /**
   * Waits until the newest set satisfies `predicate`; resolves with the time it arrived, rejects
   * after `timeoutMs` naming what it waited for.
   */
  async until(predicate: (instances: readonly ServiceInstance[]) => boolean, timeoutMs: number, what: string): Promise<number> {
    const deadline = performance.now() + timeoutMs;
    for (;;) {
      const last = this.sets.at(-1);
      if (last && predicate(last.instances)) return last.at;
      const left = deadline - performance.now();
      if (left <= 0) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}; last set: ${JSON.stringify(ids(this.latest))}`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        this.#wake = () => {
          clearTimeout(timer);
          resolve();
        };
      });
    }
  }

  /** Ends the watch and waits for it to finish. */
  async stop(): Promise<void> {
    this.#abort.abort();
    await this.#done;
  }
}

/** A child process holding one registration (see holder.ts). */
export interface Holder {
  readonly child: ChildProcess;
  /** Resolves once the child printed "registered"; rejects if it exits first. */
  readonly registered: Promise<void>;
  /** SIGKILLs the child by pid (if still running) and waits for its exit. */
  kill(): Promise<void>;
}

/** Starts holder.ts registering `registered` in the registry `url` names. */
export function startHolder(url: string, registered: ServiceInstance): Holder {
  const hooks = fileURLToPath(new URL("./ts-hooks.mjs", import.meta.url));
  const script = fileURLToPath(new URL("./holder.ts", import.meta.url));
  const child = spawn(process.execPath, ["--import", hooks, script, url, JSON.stringify(registered)], { stdio: ["ignore", "pipe", "pipe"] });
  let output = "";
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  const ready = new Promise<void>((resolve, reject) => {
    child.stdout?.on("data", (chunk: Buffer) => {
      output += chunk.toString();
      if (output.includes("registered\n")) resolve();
    });
    child.stderr?.on("data", (chunk: Buffer) => (output += chunk.toString()));
    child.once("exit", (code, signal) => reject(new Error(`holder exited (${code ?? signal}) before registering:\n${output}`)));
  });
  ready.catch(() => undefined);
  return {
    child,
    registered: ready,
    async kill() {
      if (child.exitCode === null && child.signalCode === null && child.pid !== undefined) process.kill(child.pid, "SIGKILL");
      await exited;
    },
  };
}
