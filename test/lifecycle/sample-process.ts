/**
 * A generated sample as a real process: compiled with its own tsc into a private folder, spawned
 * on 127.0.0.1 with GRPC_PORT=0 and ADMIN_PORT=0, its ports read from its "serving" log line, and
 * always killed by pid by the test that started it (see {@link Processes}).
 */
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";

/** The repository root, with a trailing slash. */
export const root = fileURLToPath(new URL("../..", import.meta.url));

/** A sample compiled into its own folder; `main` is the entry point to spawn. */
export interface BuiltSample {
  readonly dir: string;
  readonly main: string;
  remove(): void;
}

/**
 * Compiles `generated-samples/<name>` (a folder path such as `ecommerce/ecommerce-order-v1`) with the sample's own tsconfig into a fresh folder under
 * `.tmp/` (git-ignored), so test files running at the same time never read a half-written
 * `dist/`. The output stays inside the repository so `gen-svc/runtime` and `@grpc/grpc-js`
 * resolve from its node_modules; `gen-svc/runtime` is the built `dist/` (`npm run build`).
 */
export function buildSample(name: string): BuiltSample {
  mkdirSync(`${root}.tmp`, { recursive: true });
  const dir = mkdtempSync(`${root}.tmp/lifecycle-${name.replaceAll("/", "-")}-`);
  const tsc = spawnSync(`${root}node_modules/.bin/tsc`, ["-p", `${root}generated-samples/${name}/tsconfig.json`, "--outDir", dir], {
    encoding: "utf8",
    timeout: 120_000,
  });
  if (tsc.status !== 0) {
    rmSync(dir, { recursive: true, force: true });
    throw new Error(`tsc of generated-samples/${name} failed (${tsc.status ?? tsc.signal}):\n${tsc.stdout}${tsc.stderr}`);
  }
  // The compiled files are ES modules; say so beside them rather than rely on a parent package.json.
  writeFileSync(`${dir}/package.json`, '{ "type": "module" }\n');
  return { dir, main: `${dir}/src/main.js`, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

/** How a process ended. */
export interface Exit {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  /** Milliseconds since the process was spawned. */
  readonly afterMs: number;
}

/** One JSON log line as pino writes it. */
export type LogLine = Record<string, unknown> & { level?: number; msg?: string };

/** A spawned process whose output is kept for assertions. */
export class RunningProcess {
  readonly child: ChildProcess;
  readonly spawnedAt = performance.now();
  stdout = "";
  stderr = "";
  /** Set once the process has exited. */
  exit: Exit | undefined;
  readonly exited: Promise<Exit>;

  constructor(child: ChildProcess) {
    this.child = child;
    child.stdout?.setEncoding("utf8").on("data", (chunk: string) => (this.stdout += chunk));
    child.stderr?.setEncoding("utf8").on("data", (chunk: string) => (this.stderr += chunk));
    // "close" rather than "exit": stdout and stderr have been read to their end by then.
    this.exited = new Promise((resolve) => {
      child.on("close", (code, signal) => {
        this.exit = { code, signal, afterMs: performance.now() - this.spawnedAt };
        resolve(this.exit);
      });
    });
  }

  get pid(): number {
    return this.child.pid!;
  }

  /** The stdout lines that are JSON objects (pino's lines), in order. */
  logs(): LogLine[] {
    return this.stdout.split("\n").flatMap((line) => {
      if (!line.startsWith("{")) return [];
      try {
        return [JSON.parse(line) as LogLine];
      } catch {
        return []; // a line still being written
      }
    });
  }

  /** The first log line matching `predicate`; waits up to `timeoutMs`, fails on exit or timeout. */
  async waitForLog(predicate: (line: LogLine) => boolean, timeoutMs: number, what = "a matching log line"): Promise<LogLine> {
    let found: LogLine | undefined;
    await waitUntil(() => (found = this.logs().find(predicate)) !== undefined || this.exit !== undefined, timeoutMs, () => this.describe(what));
    if (!found) throw new Error(this.describe(`${what} (the process exited ${JSON.stringify(this.exit)})`));
    return found;
  }

  /** Sends `signal` to the process by its pid, if it still runs. */
  signal(signal: NodeJS.Signals): void {
    if (this.exit === undefined) process.kill(this.pid, signal);
  }

  /** Waits up to `timeoutMs` for the process to exit. */
  async waitForExit(timeoutMs: number): Promise<Exit> {
    await waitUntil(() => this.exit !== undefined, timeoutMs, () => this.describe("exit"));
    return this.exit!;
  }

  /** SIGKILL by pid if still running, then waits (bounded) for the exit. */
  async kill(): Promise<void> {
    if (this.exit !== undefined) return;
    this.signal("SIGKILL");
    await this.waitForExit(10_000);
  }

  /** A failure message with the process' output, for diagnosis. */
  describe(what: string): string {
    return `pid ${this.pid}: waiting for ${what}\n--- stdout\n${this.stdout.slice(-4000)}\n--- stderr\n${this.stderr.slice(-4000)}`;
  }
}

/** A started sample that has logged "serving". */
export interface ServingSample {
  readonly process: RunningProcess;
  readonly grpcPort: number;
  readonly adminPort: number;
  /** The HTTP/JSON port. */
  readonly httpPort: number;
  /** `127.0.0.1:<grpc port>` */
  readonly address: string;
  /** `http://127.0.0.1:<admin port>` */
  readonly adminUrl: string;
}

/** Starts processes and kills every one still running in {@link killAll} (call it from afterEach). */
export class Processes {
  readonly #started: RunningProcess[] = [];

  /** Spawns Node (the running binary) on `script` with `env` added to the environment. */
  spawn(script: string, options: { env?: Record<string, string>; args?: string[] } = {}): RunningProcess {
    return this.spawnCommand(process.execPath, [script, ...(options.args ?? [])], options.env);
  }

  /** Spawns any program, e.g. `prometheus`, with `env` added to the environment. */
  spawnCommand(command: string, args: readonly string[], env: Record<string, string> = {}): RunningProcess {
    const child = spawn(command, args, { cwd: root, env: { ...process.env, ...env }, stdio: ["ignore", "pipe", "pipe"] });
    const running = new RunningProcess(child);
    this.#started.push(running);
    return running;
  }

  /**
   * Starts a built sample on 127.0.0.1 with free ports and waits (bounded) for its "serving" line.
   * `env` adds or overrides settings, e.g. `{ SHUTDOWN_DELAY_MS: "500" }`.
   */
  async startSample(sample: BuiltSample, env: Record<string, string> = {}): Promise<ServingSample> {
    const running = this.spawn(sample.main, { env: { HOST: "127.0.0.1", GRPC_PORT: "0", ADMIN_PORT: "0", HTTP_PORT: "0", ...env } });
    const serving = await running.waitForLog((line) => line.msg === "serving", 30_000, 'the "serving" line');
    const grpcPort = Number(serving["grpc_port"]);
    const adminPort = Number(serving["admin_port"]);
    const httpPort = Number(serving["http_port"]);
    return { process: running, grpcPort, adminPort, httpPort, address: `127.0.0.1:${grpcPort}`, adminUrl: `http://127.0.0.1:${adminPort}` };
  }

  /** Kills (SIGKILL, by pid) every process still running and waits for them. */
  async killAll(): Promise<void> {
    await Promise.all(this.#started.splice(0).map((p) => p.kill()));
  }
}

/**
 * Polls `condition` every `intervalMs` until it is true; throws after `timeoutMs` with the text of
 * `describe`. Waits are bounded and generous: the machine may be loaded.
 */
export async function waitUntil(
  condition: () => boolean | Promise<boolean>,
  timeoutMs: number,
  describe: () => string,
  intervalMs = 25,
): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  for (;;) {
    if (await condition()) return;
    if (performance.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms: ${describe()}`);
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}
