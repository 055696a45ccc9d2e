/**
 * The live instances of one service as a client sees them: follows a discovery watch, keeps one
 * connection per instance's address (its gRPC or HTTP port), closes the connections of instances that left, and lets
 * callers wait until there is at least one instance.
 */
import { formatAddress } from "../registry/address.js";
import type { Discovery, ServiceInstance, Transport } from "../registry/types.js";
import type { RpcConnection } from "../rpc-connection.js";
import type { Candidate } from "./balancers.js";

/** One instance a call can go to. */
export interface Endpoint extends Candidate {
  /** `host:port` of the instance's gRPC server. */
  readonly address: string;
  readonly connection: RpcConnection;
  /** Changed by the connection around each call. */
  inFlight: number;
}

/** Why waiting for instances ended without any. */
export type NoInstances = "timeout" | "closed";

/** The instances of `service`, kept current from `discovery`. */
export class InstancePool {
  readonly #service: string;
  readonly #connect: (address: string) => RpcConnection;
  readonly #onLeave: (id: string) => void;
  readonly #watching = new AbortController();
  #endpoints: Endpoint[] = [];
  /** Resolved (and replaced) at every change, so waiters wake up. */
  #changed = signalled();
  #closed = false;
  /** Set when the watch ended with an error (discovery says it only does so for invalid use). */
  #watchError: unknown;

  /** Starts watching at once; `onLeave` hears of instances that left (to forget their state). */
  constructor(
    service: string,
    discovery: Discovery,
    connect: (address: string) => RpcConnection,
    onLeave: (id: string) => void = () => {},
    private readonly transport: Transport = "grpc",
  ) {
    this.#service = service;
    this.#connect = connect;
    this.#onLeave = onLeave;
    void this.#follow(discovery);
  }

  /** The current instances, sorted by id (so round-robin's order is stable). */
  get endpoints(): readonly Endpoint[] {
    return this.#endpoints;
  }

  /** The error the watch ended with, if it did. */
  get watchError(): unknown {
    return this.#watchError;
  }

  /**
   * Resolves at the next change of the instance set, or with "timeout"/"closed" when `until`
   * (epoch ms) passes first or the pool closes; rejects with the signal's reason if it aborts.
   */
  async nextChange(until: number, signal: AbortSignal | undefined): Promise<"changed" | NoInstances> {
    if (this.#closed) return "closed";
    const wait = Math.max(0, until - Date.now());
    let timer: NodeJS.Timeout | undefined;
    let onAbort: (() => void) | undefined;
    try {
      return await Promise.race([
        this.#changed.promise.then((): "closed" | "changed" => (this.#closed ? "closed" : "changed")),
        new Promise<"timeout">((resolve) => (timer = setTimeout(() => resolve("timeout"), wait))),
        new Promise<never>((_, reject) => {
          onAbort = () => reject(signal?.reason);
          if (signal?.aborted) onAbort();
          else signal?.addEventListener("abort", onAbort, { once: true });
        }),
      ]);
    } finally {
      clearTimeout(timer);
      if (onAbort) signal?.removeEventListener("abort", onAbort);
    }
  }

  /** Stops watching and closes every connection (calls in flight still finish). */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#watching.abort();
    for (const endpoint of this.#endpoints) endpoint.connection.close();
    this.#endpoints = [];
    this.#changed.resolve();
  }

  async #follow(discovery: Discovery): Promise<void> {
    try {
      for await (const instances of discovery.watch(this.#service, this.#watching.signal)) {
        if (this.#closed) return;
        this.#update(instances);
      }
    } catch (error) {
      if (!this.#closed) this.#watchError = error;
      this.#signalChange();
    }
  }

  /** Keeps connections of instances that stayed at the same address, opens new ones, closes the rest. */
  #update(instances: readonly ServiceInstance[]): void {
    const previous = new Map(this.#endpoints.map((e) => [e.id, e]));
    const next: Endpoint[] = [];
    for (const instance of instances) {
      const port = instance.ports[this.transport];
      if (port === undefined || instance.service !== this.#service) continue;
      const address = formatAddress(instance.host, port);
      const weight = parseWeight(instance.metadata["weight"]);
      const kept = previous.get(instance.id);
      if (kept && kept.address === address) {
        previous.delete(instance.id);
        next.push(Object.assign(kept, { weight }));
      } else {
        next.push({ id: instance.id, address, weight, inFlight: 0, connection: this.#connect(address) });
      }
    }
    for (const gone of previous.values()) {
      gone.connection.close();
      if (!next.some((e) => e.id === gone.id)) this.#onLeave(gone.id);
    }
    this.#endpoints = next.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
    this.#signalChange();
  }

  #signalChange(): void {
    this.#changed.resolve();
    this.#changed = signalled();
  }
}

/** Metadata `weight` as a positive integer; anything else counts as 1. */
export function parseWeight(text: string | undefined): number {
  const weight = text === undefined ? NaN : Number(text);
  return Number.isInteger(weight) && weight > 0 ? weight : 1;
}

/** A promise and the function that resolves it. */
function signalled(): { promise: Promise<void>; resolve: () => void } {
  let resolve!: () => void;
  const promise = new Promise<void>((r) => (resolve = r));
  return { promise, resolve };
}
