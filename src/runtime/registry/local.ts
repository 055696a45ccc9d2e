/**
 * The zero-config registry for one machine: no server and no network traffic. Each registered
 * instance keeps a small JSON record file, `<dir>/<service>/<id>.json` (names URI-encoded),
 * rewritten every heartbeat (write to a temporary file, then rename, so readers never see half a
 * record). A record whose file is older than `staleAfterMs` belongs to a process that stopped
 * heartbeating (killed, frozen) and is ignored and deleted by whoever reads it. Watchers follow
 * the service folder with `fs.watch` and rescan it on a timer too, because `fs.watch` misses
 * events on some file systems and a record going stale makes no event at all.
 */
import { watch as watchFolder, type FSWatcher } from "node:fs";
import { lstat, mkdir, readdir, readFile, rename, rm, stat, writeFile } from "node:fs/promises";
import { hostname, tmpdir } from "node:os";
import { join } from "node:path";
import { ConfigError } from "../config-error.js";
import { assertValidInstance, parseInstance, sleep, watchWith, type InstanceSetStream } from "./instance-set.js";
import type { ServiceInstance, ServiceRegistry } from "./types.js";

/** Settings of {@link LocalRegistry}; all optional. */
export interface LocalRegistryOptions {
  /** The runtime folder holding the records; default {@link defaultLocalRegistryDir}. */
  readonly dir?: string;
  /** Time between rewrites of a record; default 1000 ms. */
  readonly heartbeatMs?: number;
  /** Age after which a record is stale; default 3 heartbeats. */
  readonly staleAfterMs?: number;
  /** Time between rescans of a watched folder, beside `fs.watch`; default 500 ms. */
  readonly rescanMs?: number;
  /**
   * Whether a record written on this host by a process that no longer exists is treated as stale
   * at once, without waiting for its age; default true.
   */
  readonly checkPid?: boolean;
  /** Environment used to find the default folder; default `process.env`. */
  readonly env?: Readonly<Record<string, string | undefined>>;
}

/** One instance this process keeps registered. */
interface Registration {
  readonly instance: ServiceInstance;
  timer: NodeJS.Timeout | undefined;
  /** The record write in progress (or the last one); writes never overlap. */
  writing: Promise<void>;
}

/** What a record file holds. */
interface LocalRecord {
  readonly instance: ServiceInstance;
  readonly pid: number;
  readonly hostname: string;
}

/**
 * The default folder: `$XDG_RUNTIME_DIR/gen-svc` (per user, cleared at logout), else
 * `<tmpdir>/gen-svc-<uid>`.
 */
export function defaultLocalRegistryDir(env: Readonly<Record<string, string | undefined>> = process.env): string {
  const runtimeDir = env.XDG_RUNTIME_DIR;
  if (runtimeDir) return join(runtimeDir, "gen-svc");
  return join(tmpdir(), `gen-svc-${process.getuid?.() ?? "user"}`);
}

/** A {@link ServiceRegistry} on record files in a folder shared by the processes of one machine. */
export class LocalRegistry implements ServiceRegistry {
  /** The folder holding the records. */
  readonly dir: string;
  readonly #heartbeatMs: number;
  readonly #staleAfterMs: number;
  readonly #rescanMs: number;
  readonly #checkPid: boolean;
  readonly #registrations = new Map<string, Registration>();
  #dirChecked: Promise<void> | undefined;

  constructor(options: LocalRegistryOptions = {}) {
    this.dir = options.dir ?? defaultLocalRegistryDir(options.env);
    this.#heartbeatMs = options.heartbeatMs ?? 1_000;
    this.#staleAfterMs = options.staleAfterMs ?? 3 * this.#heartbeatMs;
    this.#rescanMs = options.rescanMs ?? 500;
    this.#checkPid = options.checkPid ?? true;
    if (!(this.#heartbeatMs > 0 && this.#staleAfterMs > this.#heartbeatMs && this.#rescanMs > 0)) {
      throw new ConfigError(`local registry: needs heartbeatMs > 0, staleAfterMs > heartbeatMs and rescanMs > 0`);
    }
  }

  async register(instance: ServiceInstance): Promise<void> {
    assertValidInstance(instance);
    await this.#ensureDir();
    await this.#stop(recordKey(instance));
    const registration: Registration = { instance, timer: undefined, writing: this.#writeRecord(instance) };
    this.#registrations.set(recordKey(instance), registration);
    await registration.writing;
    // The heartbeat must not keep the process alive on its own: the servers do that.
    registration.timer = setInterval(() => {
      registration.writing = registration.writing.then(() => this.#writeRecord(instance)).catch(() => undefined);
    }, this.#heartbeatMs).unref();
  }

  async deregister(instance: ServiceInstance): Promise<void> {
    await this.#stop(recordKey(instance));
    await rm(this.#recordPath(instance.service, instance.id), { force: true });
  }

  async close(): Promise<void> {
    const instances = [...this.#registrations.values()].map((registration) => registration.instance);
    await Promise.all(instances.map((instance) => this.deregister(instance)));
  }

  /** Stops the heartbeat of a registration and waits for a write in progress, so none follows. */
  async #stop(key: string): Promise<void> {
    const registration = this.#registrations.get(key);
    if (!registration) return;
    this.#registrations.delete(key);
    clearInterval(registration.timer);
    await registration.writing.catch(() => undefined);
  }

  watch(service: string, signal: AbortSignal): AsyncIterable<readonly ServiceInstance[]> {
    if (service === "") throw new TypeError("watch: the service name is empty");
    return watchWith(signal, (stream, stop) => this.#follow(service, stream, stop));
  }

  /** Scans the service folder now, then on every change event and every `rescanMs`. */
  async #follow(service: string, stream: InstanceSetStream, signal: AbortSignal): Promise<void> {
    await this.#ensureDir();
    const folder = join(this.dir, encodeURIComponent(service));
    await mkdir(folder, { recursive: true, mode: 0o700 });
    let changed: (() => void) | undefined;
    let watcher: FSWatcher | undefined;
    try {
      watcher = watchFolder(folder, { persistent: false }, () => changed?.());
      watcher.on("error", () => undefined); // the rescan timer still runs
    } catch {
      watcher = undefined; // fs.watch is unsupported here: rescanning alone still works
    }
    try {
      while (!signal.aborted) {
        stream.push(await this.#scan(service, folder));
        const event = new AbortController();
        changed = () => event.abort();
        signal.addEventListener("abort", changed, { once: true });
        await sleep(this.#rescanMs, event.signal);
        signal.removeEventListener("abort", changed);
        // Let a burst of events (write, rename) settle before reading.
        if (event.signal.aborted && !signal.aborted) await sleep(20, signal);
      }
    } finally {
      watcher?.close();
    }
  }

  /** The live instances in `folder`; deletes the stale records it meets. */
  async #scan(service: string, folder: string): Promise<ServiceInstance[]> {
    const names = await readdir(folder).catch(() => [] as string[]);
    const found = await Promise.all(names.map((name) => this.#readLive(join(folder, name), name)));
    return found.filter((instance): instance is ServiceInstance => instance?.service === service);
  }

  async #readLive(path: string, name: string): Promise<ServiceInstance | undefined> {
    try {
      const info = await stat(path);
      const stale = Date.now() - info.mtimeMs > this.#staleAfterMs;
      if (!name.endsWith(".json")) {
        // A temporary file left by a writer that died between write and rename.
        if (stale) await rm(path, { force: true });
        return undefined;
      }
      const record = JSON.parse(await readFile(path, "utf8")) as Partial<LocalRecord>;
      const instance = parseInstance(record.instance);
      if (stale || (instance && this.#ownerIsGone(record))) {
        await rm(path, { force: true });
        return undefined;
      }
      return instance;
    } catch {
      return undefined; // deleted while reading, or not a record
    }
  }

  /** Whether the record was written on this host by a process that no longer exists. */
  #ownerIsGone(record: Partial<LocalRecord>): boolean {
    if (!this.#checkPid || record.hostname !== hostname() || typeof record.pid !== "number") return false;
    try {
      process.kill(record.pid, 0);
      return false;
    } catch (error) {
      return (error as NodeJS.ErrnoException).code === "ESRCH";
    }
  }

  async #writeRecord(instance: ServiceInstance): Promise<void> {
    const path = this.#recordPath(instance.service, instance.id);
    await mkdir(join(this.dir, encodeURIComponent(instance.service)), { recursive: true, mode: 0o700 });
    const record: LocalRecord = { instance, pid: process.pid, hostname: hostname() };
    const temporary = `${path}.${process.pid}.tmp`;
    await writeFile(temporary, JSON.stringify(record), { mode: 0o600 });
    await rename(temporary, path);
  }

  #recordPath(service: string, id: string): string {
    return join(this.dir, encodeURIComponent(service), `${encodeURIComponent(id)}.json`);
  }

  /** Creates the folder (private to the user) once, and refuses one that another user owns. */
  #ensureDir(): Promise<void> {
    this.#dirChecked ??= (async () => {
      await mkdir(this.dir, { recursive: true, mode: 0o700 });
      const info = await lstat(this.dir);
      const uid = process.getuid?.();
      if (!info.isDirectory() || (uid !== undefined && info.uid !== uid)) {
        throw new ConfigError(`local registry: ${this.dir} is not a folder owned by this user (uid ${uid})`);
      }
    })();
    return this.#dirChecked;
  }
}

function recordKey(instance: ServiceInstance): string {
  return JSON.stringify({ service: instance.service, id: instance.id });
}
