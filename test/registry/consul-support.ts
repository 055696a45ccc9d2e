/**
 * Test support for registry watches: records every set a watch yields, with its time, and waits
 * (bounded) for a set that satisfies a condition. Also spawns TypeScript child processes.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { fileURLToPath } from "node:url";
import type { Discovery, ServiceInstance } from "../../src/runtime/registry/types.js";

/** One set yielded by a watch, at `performance.now()` time `at`. */
export interface RecordedSet {
  readonly at: number;
  readonly ids: readonly string[];
  readonly instances: readonly ServiceInstance[];
}

/** Follows `discovery.watch(service)` in the background until {@link WatchRecorder.stop}. */
export class WatchRecorder {
  readonly sets: RecordedSet[] = [];
  readonly #stop = new AbortController();
  readonly #done: Promise<void>;
  #failure: unknown;
  #wake: (() => void) | undefined;

  constructor(discovery: Discovery, service: string) {
    this.#done = this.#follow(discovery, service);
  }

  async #follow(discovery: Discovery, service: string): Promise<void> {
    try {
      for await (const instances of discovery.watch(service, this.#stop.signal)) {
        this.sets.push({ at: performance.now(), ids: instances.map((instance) => instance.id), instances });
        this.#wake?.();
      }
    } catch (error) {
      this.#failure = error;
      this.#wake?.();
    }
  }

  /** The latest set. */
  get latest(): RecordedSet | undefined {
    return this.sets.at(-1);
  }

  /** The first set from position `from` on that satisfies `accept`; throws after `timeoutMs`. */
  async until(accept: (ids: readonly string[]) => boolean, timeoutMs: number, from = 0): Promise<RecordedSet> {
    const deadline = performance.now() + timeoutMs;
    for (;;) {
      if (this.#failure !== undefined) throw this.#failure;
      const found = this.sets.slice(from).find((set) => accept(set.ids));
      if (found) return found;
      const left = deadline - performance.now();
      if (left <= 0) throw new Error(`no matching set within ${timeoutMs} ms; sets seen: ${JSON.stringify(this.sets.map((set) => set.ids))}`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        this.#wake = () => {
          clearTimeout(timer);
          resolve();
        };
      });
      this.#wake = undefined;
    }
  }

  /** Ends the watch; rethrows what the watch threw, if anything. */
  async stop(): Promise<void> {
    this.#stop.abort();
    await this.#done;
    if (this.#failure !== undefined) throw this.#failure;
  }
}

const HOOKS = fileURLToPath(new URL("./ts-hooks.mjs", import.meta.url));

/** Spawns `script` (a .ts file beside this one) on this Node with the TypeScript hooks. */
export function spawnTypeScript(script: string, env: Record<string, string>): ChildProcess {
  const path = fileURLToPath(new URL(script, import.meta.url));
  return spawn(process.execPath, ["--import", HOOKS, path], { env: { ...process.env, ...env }, stdio: ["ignore", "pipe", "pipe"] });
}

/** Resolves when `child` prints `line`; rejects when it exits first or after `timeoutMs`. */
export function waitForLine(child: ChildProcess, line: string, timeoutMs: number): Promise<void> {
  return new Promise((resolve, reject) => {
    let output = "";
    const timer = setTimeout(() => finish(new Error(`no "${line}" within ${timeoutMs} ms; output: ${output}`)), timeoutMs);
    const onData = (chunk: Buffer): void => {
      output += chunk.toString();
      if (output.split("\n").includes(line)) finish();
    };
    const onExit = (code: number | null): void => finish(new Error(`exited (${code}) before "${line}"; output: ${output}`));
    child.stdout?.on("data", onData);
    child.stderr?.on("data", (chunk: Buffer) => (output += chunk.toString()));
    child.once("exit", onExit);
    function finish(error?: Error): void {
      clearTimeout(timer);
      child.stdout?.off("data", onData);
      child.off("exit", onExit);
      if (error) reject(error);
      else resolve();
    }
  });
}

/** Kills `child` with `signal` (by its pid) and waits for it to exit. */
export async function killAndWait(child: ChildProcess, signal: NodeJS.Signals): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  child.kill(signal);
  await exited;
}
