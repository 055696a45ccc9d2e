/**
 * The etcd v3 registry (npm `etcd3`). An instance is the key
 * `<prefix><service>/<id>` (default prefix `/gen-svc/services/`, names URI-encoded) holding the
 * instance as JSON, attached to a lease of `ttlSeconds`: when the process dies the lease ends and
 * etcd deletes the key. Watchers read the prefix, then follow a watch from the revision read.
 *
 * Recovery is ours rather than the client's: etcd3's default fault handling opens a circuit
 * breaker for 5 s after three failures and backs watch reconnects off to 30 s, which would
 * delay recovery after an etcd restart far beyond one TTL. So the client gets pass-through
 * policies, and each registration runs its own loop (keep-alive every TTL/3; a lease etcd no
 * longer knows is granted again and the key put again), each watch its own (read, watch, and
 * on any error read again after a short back-off), keeping the last set while etcd is away.
 */
import { Etcd3, EtcdLeaseInvalidError, type IKeyValue, type IOptions, type Lease, type Watcher } from "etcd3";
import { assertValidInstance, parseInstance, sleep, watchWith, type InstanceSetStream } from "./instance-set.js";
import type { ServiceInstance, ServiceRegistry } from "./types.js";

/** The default key prefix; each instance is `<prefix><service>/<id>`. */
export const DEFAULT_ETCD_PREFIX = "/gen-svc/services/";

/** Settings of {@link EtcdRegistry}. */
export interface EtcdRegistryOptions {
  /** etcd client URLs, e.g. `http://127.0.0.1:2379`. */
  readonly hosts: string | readonly string[];
  /** Lease time to live in seconds; default 10. */
  readonly ttlSeconds?: number;
  /** Key prefix, ending in `/`; default {@link DEFAULT_ETCD_PREFIX}. */
  readonly prefix?: string;
  /** How long `register` waits for etcd before it rejects; default one TTL. */
  readonly registerTimeoutMs?: number;
  /** Deadline of each etcd call; default 2000 ms. */
  readonly callTimeoutMs?: number;
}

type FaultHandling = NonNullable<IOptions["faultHandling"]>;
type Policy = FaultHandling["global"] & object;

/** Runs every call once, as it is: retries and back-off are the registry's own (see above). */
const passThrough: Policy = {
  _altReturn: undefined as never,
  onSuccess: () => ({ dispose: () => undefined }),
  onFailure: () => ({ dispose: () => undefined }),
  execute: async (fn, signal) => fn({ signal: signal ?? new AbortController().signal }),
};

/** A constant 250 ms between the client's own watch stream reconnects. */
const shortBackoff: NonNullable<FaultHandling["watchBackoff"]> = { duration: 250, next: () => shortBackoff };

const RETRY_MIN_MS = 100;
const RETRY_MAX_MS = 1_000;

/** One instance kept registered by a loop. */
interface Registration {
  readonly instance: ServiceInstance;
  readonly stop: AbortController;
  loop: Promise<void>;
  lease: Lease | undefined;
}

/** A {@link ServiceRegistry} on etcd v3 with leases. */
export class EtcdRegistry implements ServiceRegistry {
  readonly #client: Etcd3;
  readonly #ttlSeconds: number;
  readonly #prefix: string;
  readonly #registerTimeoutMs: number;
  readonly #callTimeoutMs: number;
  readonly #registrations = new Map<string, Registration>();
  readonly #watches = new Set<AbortController>();

  constructor(options: EtcdRegistryOptions) {
    this.#ttlSeconds = options.ttlSeconds ?? 10;
    if (!Number.isInteger(this.#ttlSeconds) || this.#ttlSeconds < 1) throw new RangeError(`etcd registry: ttlSeconds must be an integer >= 1, got ${this.#ttlSeconds}`);
    const prefix = options.prefix ?? DEFAULT_ETCD_PREFIX;
    this.#prefix = prefix.endsWith("/") ? prefix : `${prefix}/`;
    this.#registerTimeoutMs = options.registerTimeoutMs ?? this.#ttlSeconds * 1_000;
    this.#callTimeoutMs = options.callTimeoutMs ?? 2_000;
    this.#client = new Etcd3({
      hosts: typeof options.hosts === "string" ? options.hosts : [...options.hosts],
      dialTimeout: this.#callTimeoutMs,
      grpcOptions: { "grpc.initial_reconnect_backoff_ms": RETRY_MIN_MS, "grpc.max_reconnect_backoff_ms": RETRY_MAX_MS },
      faultHandling: { host: () => passThrough, global: passThrough, watchBackoff: shortBackoff },
    });
  }

  /** The key of an instance. */
  keyOf(instance: Pick<ServiceInstance, "service" | "id">): string {
    return `${this.#servicePrefix(instance.service)}${encodeURIComponent(instance.id)}`;
  }

  /**
   * Puts the instance under a new lease and keeps it alive until deregistered; rejects (and
   * stops trying) when etcd could not be reached within `registerTimeoutMs`.
   */
  async register(instance: ServiceInstance): Promise<void> {
    assertValidInstance(instance);
    await this.#stop(this.keyOf(instance));
    const stop = new AbortController();
    let visible!: () => void;
    const firstPut = new Promise<"visible">((resolve) => (visible = () => resolve("visible")));
    const registration: Registration = { instance, stop, lease: undefined, loop: Promise.resolve() };
    registration.loop = this.#keep(registration, visible);
    this.#registrations.set(this.keyOf(instance), registration);
    const waiting = new AbortController();
    const timedOut = sleep(this.#registerTimeoutMs, AbortSignal.any([waiting.signal, stop.signal])).then(() => "timeout" as const);
    const outcome = await Promise.race([firstPut, timedOut]);
    waiting.abort();
    if (outcome === "timeout") {
      await this.#stop(this.keyOf(instance));
      throw new Error(`etcd registry: could not register ${instance.service}/${instance.id} within ${this.#registerTimeoutMs} ms (is etcd reachable?)`);
    }
  }

  /** Revokes the instance's lease, which deletes its key. */
  async deregister(instance: ServiceInstance): Promise<void> {
    const lease = await this.#stop(this.keyOf(instance));
    const deadline = this.#deadline();
    try {
      if (lease) await lease.revoke(deadline);
      await this.#client.delete().key(this.keyOf(instance)).options(deadline).exec();
    } catch (error) {
      throw new Error(`etcd registry: deregistering ${instance.service}/${instance.id} failed; its lease ends within ${this.#ttlSeconds} s`, { cause: error });
    }
  }

  /** Deregisters what is left (best effort), ends the watches and closes the client. */
  async close(): Promise<void> {
    const instances = [...this.#registrations.values()].map((registration) => registration.instance);
    await Promise.allSettled(instances.map((instance) => this.deregister(instance)));
    for (const watch of this.#watches) watch.abort();
    this.#client.close();
  }

  watch(service: string, signal: AbortSignal): AsyncIterable<readonly ServiceInstance[]> {
    if (service === "") throw new TypeError("watch: the service name is empty");
    return watchWith(signal, async (stream, stop) => {
      const controller = new AbortController();
      stop.addEventListener("abort", () => controller.abort(), { once: true });
      this.#watches.add(controller);
      try {
        await this.#follow(service, stream, controller.signal);
      } finally {
        this.#watches.delete(controller);
      }
    });
  }

  /** Keeps one registration alive until its `stop` aborts. */
  async #keep(registration: Registration, visible: () => void): Promise<void> {
    const { instance, stop } = registration;
    let retryMs = RETRY_MIN_MS;
    while (!stop.signal.aborted) {
      try {
        if (!registration.lease) {
          const lease = this.#client.lease(this.#ttlSeconds, { autoKeepAlive: false });
          lease.on("lost", () => undefined); // reported through the calls below
          registration.lease = lease;
          await lease.grant();
          await lease.put(this.keyOf(instance)).value(JSON.stringify(instance)).options(this.#deadline()).exec();
          visible();
        } else {
          await registration.lease.keepaliveOnce(this.#deadline());
        }
        retryMs = RETRY_MIN_MS;
        await sleep((this.#ttlSeconds * 1_000) / 3, stop.signal);
      } catch (error) {
        // A lease etcd no longer knows (expired, or etcd lost its data) is granted anew at once;
        // any other failure means etcd is unreachable: keep the lease and retry soon.
        if (error instanceof EtcdLeaseInvalidError || registration.lease?.revoked()) registration.lease = undefined;
        await sleep(retryMs, stop.signal);
        retryMs = Math.min(retryMs * 2, RETRY_MAX_MS);
      }
    }
  }

  /** Stops a registration's loop; returns its lease, if it had one. */
  async #stop(key: string): Promise<Lease | undefined> {
    const registration = this.#registrations.get(key);
    if (!registration) return undefined;
    this.#registrations.delete(key);
    registration.stop.abort();
    await registration.loop;
    return registration.lease;
  }

  /** Pushes the service's instance set until `signal` aborts, across etcd outages. */
  async #follow(service: string, stream: InstanceSetStream, signal: AbortSignal): Promise<void> {
    const prefix = this.#servicePrefix(service);
    let retryMs = RETRY_MIN_MS;
    while (!signal.aborted) {
      let watcher: Watcher | undefined;
      try {
        const answer = await this.#client.getAll().prefix(prefix).options(this.#deadline()).exec();
        const instances = new Map<string, ServiceInstance>();
        for (const kv of answer.kvs) setFromKv(instances, service, kv);
        stream.push(instances.values());
        const revision = BigInt(answer.header.revision) + 1n;
        watcher = this.#client.watch().prefix(prefix).startRevision(revision.toString()).watcher();
        const ended = new Promise<void>((resolve) => {
          watcher?.on("disconnected", () => resolve()).on("error", () => resolve()).on("end", () => resolve());
          signal.addEventListener("abort", () => resolve(), { once: true });
        });
        watcher.on("connected", () => (retryMs = RETRY_MIN_MS));
        watcher.on("put", (kv) => {
          setFromKv(instances, service, kv);
          stream.push(instances.values());
        });
        watcher.on("delete", (kv) => {
          instances.delete(kv.key.toString());
          stream.push(instances.values());
        });
        await ended;
      } catch {
        // etcd unreachable: the last set stays; read again after the back-off.
      } finally {
        await watcher?.cancel().catch(() => undefined);
      }
      await sleep(retryMs, signal);
      retryMs = Math.min(retryMs * 2, RETRY_MAX_MS);
    }
  }

  #servicePrefix(service: string): string {
    return `${this.#prefix}${encodeURIComponent(service)}/`;
  }

  #deadline(): { deadline: Date } {
    return { deadline: new Date(Date.now() + this.#callTimeoutMs) };
  }
}

/** Adds the instance a key-value holds (ignoring values that are not instances of `service`). */
function setFromKv(instances: Map<string, ServiceInstance>, service: string, kv: IKeyValue): void {
  const key = kv.key.toString();
  let instance: ServiceInstance | undefined;
  try {
    instance = parseInstance(JSON.parse(kv.value.toString()));
  } catch {
    instance = undefined;
  }
  if (instance?.service === service) instances.set(key, instance);
  else instances.delete(key);
}
