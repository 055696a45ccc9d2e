/**
 * The mDNS registry backend (opt-in, for one LAN), on `multicast-dns`: no server, every process
 * announces its own instances and listens for the others'.
 *
 * mDNS has no liveness of its own (a crashed publisher lingers until its records' TTL ends), so
 * this backend keeps TTLs short and announces each instance again as a heartbeat: by default every
 * 3 s with a TTL of 10 s. Watchers drop an instance whose TTL has passed (a crash is seen within
 * one TTL) and at once on a goodbye (TTL 0), which deregistration sends. Registrations also answer
 * queries, so a new watcher learns the current instances in well under a second.
 *
 * Records and names: mdns-records.ts. The socket options (interface, bind address, port, group)
 * can be given, e.g. `{ interface: "127.0.0.1", bind: "0.0.0.0" }` inside a private network
 * namespace for tests.
 */
import makeMdns from "multicast-dns";
import type mDNS from "multicast-dns";
import { assertValidInstance, watchWith, type InstanceSetStream } from "./instance-set.js";
import { instanceName, instanceRecords, MDNS_SERVICE_TYPE, receivedInstances, type MdnsRecord } from "./mdns-records.js";
import type { ServiceInstance, ServiceRegistry } from "./types.js";

/** How the registry announces and watches. */
export interface MdnsRegistryOptions {
  /** Options of the `multicast-dns` socket; default the library's (all interfaces, 224.0.0.251:5353). */
  readonly socket?: mDNS.Options;
  /** Time between announcements of each registered instance. Default 3000 ms. */
  readonly heartbeatMs?: number;
  /** TTL of the announced records, in whole seconds; watchers forget an instance after it. Default 10. */
  readonly ttlSeconds?: number;
  /** How long a new watch waits for answers before it yields its first (possibly empty) set. Default 1000 ms. */
  readonly initialWaitMs?: number;
  /** Told about socket errors and warnings (for logging); default: nothing. */
  readonly onError?: (error: unknown, during: string) => void;
}

/** How often watchers look for expired instances. */
const EXPIRY_SWEEP_MS = 100;

/** A {@link ServiceRegistry} on multicast DNS. */
export class MdnsRegistry implements ServiceRegistry {
  readonly #socketOptions: mDNS.Options;
  readonly #heartbeatMs: number;
  readonly #ttlSeconds: number;
  readonly #initialWaitMs: number;
  readonly #onError: (error: unknown, during: string) => void;
  /** Registered instances by instance name, with their records. */
  readonly #registrations = new Map<string, { instance: ServiceInstance; records: MdnsRecord[] }>();
  readonly #closed = new AbortController();
  #mdns: mDNS.MulticastDNS | undefined;
  #heartbeat: NodeJS.Timeout | undefined;

  constructor(options: MdnsRegistryOptions = {}) {
    this.#socketOptions = { ...options.socket };
    this.#heartbeatMs = positive(options.heartbeatMs, 3_000, "heartbeatMs");
    this.#ttlSeconds = Math.round(positive(options.ttlSeconds, 10, "ttlSeconds"));
    if (this.#ttlSeconds * 1000 <= this.#heartbeatMs) throw new TypeError("ttlSeconds must be longer than heartbeatMs");
    this.#initialWaitMs = positive(options.initialWaitMs, 1_000, "initialWaitMs");
    this.#onError = options.onError ?? (() => undefined);
  }

  /** Announces `instance` now and every heartbeat until it is deregistered. */
  async register(instance: ServiceInstance): Promise<void> {
    if (this.#closed.signal.aborted) throw new Error("the mDNS registry is closed");
    assertValidInstance(instance);
    const records = instanceRecords(instance, this.#ttlSeconds);
    this.#registrations.set(instanceName(instance), { instance, records });
    this.#heartbeat ??= setInterval(() => void this.#announceAll(), this.#heartbeatMs).unref();
    await this.#send(records, `announcing ${instance.id}`);
  }

  /** Stops announcing `instance` and sends its goodbye (TTL 0), which watchers act on at once. */
  async deregister(instance: ServiceInstance): Promise<void> {
    const name = instanceName(instance);
    const registration = this.#registrations.get(name);
    if (registration === undefined) return;
    this.#registrations.delete(name);
    if (this.#registrations.size === 0) this.#stopHeartbeat();
    await this.#send(instanceRecords(registration.instance, 0), `saying goodbye for ${instance.id}`);
  }

  /** The instances of `service` announced on the network, on every change; see {@link Discovery.watch}. */
  watch(service: string, signal: AbortSignal): AsyncIterable<readonly ServiceInstance[]> {
    if (typeof service !== "string" || service === "") throw new TypeError("watch needs a service name");
    return watchWith(AbortSignal.any([signal, this.#closed.signal]), (stream, stop) => this.#follow(service, stream, stop));
  }

  /** Ends every watch, says goodbye for every instance still registered, closes the socket. */
  async close(): Promise<void> {
    if (this.#closed.signal.aborted) return;
    this.#closed.abort();
    await Promise.all([...this.#registrations.values()].map(({ instance }) => this.deregister(instance)));
    this.#stopHeartbeat();
    const mdns = this.#mdns;
    this.#mdns = undefined;
    if (mdns !== undefined) await new Promise<void>((resolve) => mdns.destroy(() => resolve()));
  }

  /** The socket, created on first use and answering queries for the registered instances. */
  #socket(): mDNS.MulticastDNS {
    if (this.#mdns !== undefined) return this.#mdns;
    const mdns = makeMdns(this.#socketOptions);
    // Every watch adds a response listener; many watches on one socket are expected.
    mdns.setMaxListeners(0);
    mdns.on("error", (error) => this.#onError(error, "mDNS socket"));
    mdns.on("warning", (error) => this.#onError(error, "mDNS socket warning"));
    mdns.on("query", (query) => this.#answer(query));
    this.#mdns = mdns;
    return mdns;
  }

  #answer(query: mDNS.QueryPacket): void {
    const answers: MdnsRecord[] = [];
    for (const { records } of this.#registrations.values()) {
      const asked = (query.questions ?? []).some((question) =>
        records.some((record) => record.name === question.name && (question.type === record.type || (question.type as string) === "ANY")),
      );
      if (asked) answers.push(...records);
    }
    if (answers.length > 0) void this.#send(answers, "answering a query");
  }

  async #announceAll(): Promise<void> {
    const records = [...this.#registrations.values()].flatMap((registration) => registration.records);
    if (records.length > 0) await this.#send(records, "announcing (heartbeat)");
  }

  /** Sends a response packet; failures are reported, not thrown (the next heartbeat retries). */
  #send(answers: MdnsRecord[], during: string): Promise<void> {
    // Closed: no new socket just to send (close() sends its goodbyes before closing the socket).
    if (this.#mdns === undefined && this.#closed.signal.aborted) return Promise.resolve();
    const mdns = this.#socket();
    return new Promise((resolve) => {
      mdns.respond({ answers }, (error) => {
        if (error) this.#onError(error, during);
        resolve();
      });
    });
  }

  #stopHeartbeat(): void {
    clearInterval(this.#heartbeat);
    this.#heartbeat = undefined;
  }

  /** Follows announcements of `service` until `signal` aborts, forgetting instances whose TTL passed. */
  async #follow(service: string, stream: InstanceSetStream, signal: AbortSignal): Promise<void> {
    const mdns = this.#socket();
    const known = new Map<string, { instance: ServiceInstance; expiresAt: number }>();
    const publish = (): void => stream.push([...known.values()].map((entry) => entry.instance));
    const onResponse = (response: mDNS.ResponsePacket): void => {
      if (learn(known, service, [...(response.answers ?? []), ...(response.additionals ?? [])])) publish();
    };
    const sweep = setInterval(() => {
      if (forgetExpired(known, performance.now())) publish();
    }, EXPIRY_SWEEP_MS);
    const firstSet = setTimeout(publish, this.#initialWaitMs);
    mdns.on("response", onResponse);
    try {
      mdns.query({ questions: [{ name: MDNS_SERVICE_TYPE, type: "PTR" }] }, (error) => {
        if (error) this.#onError(error, `querying for ${service}`);
      });
      await new Promise<void>((resolve) => {
        if (signal.aborted) resolve();
        signal.addEventListener("abort", () => resolve(), { once: true });
      });
    } finally {
      mdns.off("response", onResponse);
      clearInterval(sweep);
      clearTimeout(firstSet);
    }
  }
}

/** Applies received records to `known`; true when the set of `service` changed. */
function learn(known: Map<string, { instance: ServiceInstance; expiresAt: number }>, service: string, records: readonly MdnsRecord[]): boolean {
  const now = performance.now();
  let changed = false;
  for (const received of receivedInstances(records)) {
    if (received.instance?.service !== service) continue;
    if (received.ttlSeconds === 0) {
      changed = known.delete(received.name) || changed;
      continue;
    }
    const before = known.get(received.name);
    known.set(received.name, { instance: received.instance, expiresAt: now + received.ttlSeconds * 1000 });
    changed ||= before === undefined || JSON.stringify(before.instance) !== JSON.stringify(received.instance);
  }
  return changed;
}

/** Removes the instances whose records expired; true when any was removed. */
function forgetExpired(known: Map<string, { expiresAt: number }>, now: number): boolean {
  let changed = false;
  for (const [name, entry] of known) {
    if (entry.expiresAt <= now) {
      known.delete(name);
      changed = true;
    }
  }
  return changed;
}

function positive(value: number | undefined, fallback: number, name: string): number {
  if (value === undefined) return fallback;
  if (!Number.isFinite(value) || value <= 0) throw new TypeError(`${name} must be a positive number`);
  return value;
}
