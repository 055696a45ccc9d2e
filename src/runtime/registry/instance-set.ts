/**
 * Helpers shared by the registry backends: checking instance records read from outside (files,
 * etcd values), comparing instance sets, and turning a stream of sets pushed by a backend into the
 * async iterable that {@link Discovery.watch} returns.
 */
import type { Discovery, ServiceInstance, Transport } from "./types.js";

const TRANSPORTS: readonly Transport[] = ["grpc", "http"];

/**
 * The instance described by `value` (parsed JSON from a record), or undefined when it is not a
 * valid {@link ServiceInstance}: records come from other processes and may be foreign or damaged.
 */
export function parseInstance(value: unknown): ServiceInstance | undefined {
  if (typeof value !== "object" || value === null) return undefined;
  const record = value as Record<string, unknown>;
  const { service, id, host, version } = record;
  if (typeof service !== "string" || typeof id !== "string" || typeof host !== "string") return undefined;
  if (service === "" || id === "" || host === "") return undefined;
  const ports = parsePorts(record.ports);
  const metadata = parseMetadata(record.metadata);
  if (!ports || !metadata) return undefined;
  return { service, id, host, ports, version: typeof version === "string" ? version : "", metadata };
}

function parsePorts(value: unknown): Partial<Record<Transport, number>> | undefined {
  if (typeof value !== "object" || value === null) return undefined;
  const ports: Partial<Record<Transport, number>> = {};
  for (const transport of TRANSPORTS) {
    const port = (value as Record<string, unknown>)[transport];
    if (port === undefined) continue;
    if (typeof port !== "number" || !Number.isInteger(port) || port < 1 || port > 65_535) return undefined;
    ports[transport] = port;
  }
  return ports;
}

function parseMetadata(value: unknown): Record<string, string> | undefined {
  if (value === undefined) return {};
  if (typeof value !== "object" || value === null) return undefined;
  const metadata: Record<string, string> = {};
  for (const [key, text] of Object.entries(value)) {
    if (typeof text !== "string") return undefined;
    metadata[key] = text;
  }
  return metadata;
}

/** Throws a TypeError when `instance` could not be read back by {@link parseInstance}. */
export function assertValidInstance(instance: ServiceInstance): void {
  if (!parseInstance(JSON.parse(JSON.stringify(instance)))) {
    throw new TypeError(`invalid service instance ${JSON.stringify(instance)}: needs service, id, host and ports 1-65535`);
  }
}

/** The instances sorted by id, so that equal sets compare equal. */
export function sortInstances(instances: Iterable<ServiceInstance>): ServiceInstance[] {
  return [...instances].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
}

/** A text that is equal for two sets exactly when they hold the same instances. */
export function instanceSetKey(instances: readonly ServiceInstance[]): string {
  return JSON.stringify(sortInstances(instances).map((instance) => [instance.id, instance.host, instance.ports, instance.version, instance.metadata]));
}

/** Resolves after `ms`, or at once when `signal` aborts (never rejects). */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal?.aborted) return resolve();
    const timer = setTimeout(done, ms);
    signal?.addEventListener("abort", done, { once: true });
    function done(): void {
      clearTimeout(timer);
      signal?.removeEventListener("abort", done);
      resolve();
    }
  });
}

/**
 * The newest instance set a backend has pushed, read as an async iterable. Only changes are
 * delivered (an equal set pushed again is dropped), and a slow reader gets the latest set rather
 * than a backlog. Iteration ends when `signal` aborts.
 */
export class InstanceSetStream implements AsyncIterable<readonly ServiceInstance[]> {
  #latest: readonly ServiceInstance[] | undefined;
  #deliveredKey: string | undefined;
  #wake: (() => void) | undefined;
  readonly #signal: AbortSignal;

  constructor(signal: AbortSignal) {
    this.#signal = signal;
    signal.addEventListener("abort", () => this.#wake?.(), { once: true });
  }

  /** Offers the complete current set. */
  push(instances: Iterable<ServiceInstance>): void {
    this.#latest = Object.freeze(sortInstances(instances));
    this.#wake?.();
  }

  async *[Symbol.asyncIterator](): AsyncIterator<readonly ServiceInstance[]> {
    while (!this.#signal.aborted) {
      const latest = this.#latest;
      if (latest !== undefined) {
        const key = instanceSetKey(latest);
        if (key !== this.#deliveredKey) {
          this.#deliveredKey = key;
          yield latest;
          continue;
        }
      }
      await new Promise<void>((resolve) => (this.#wake = resolve));
      this.#wake = undefined;
    }
  }
}

/**
 * Runs `produce` (a backend's loop pushing sets until `signal` aborts) beside the returned
 * iterable; the loop is stopped when the reader stops early. For {@link Discovery.watch}.
 */
export function watchWith(
  signal: AbortSignal,
  produce: (stream: InstanceSetStream, signal: AbortSignal) => Promise<void>,
): AsyncIterable<readonly ServiceInstance[]> {
  return {
    async *[Symbol.asyncIterator]() {
      const stop = new AbortController();
      const onAbort = (): void => stop.abort();
      signal.addEventListener("abort", onAbort, { once: true });
      if (signal.aborted) stop.abort();
      const stream = new InstanceSetStream(stop.signal);
      const running = produce(stream, stop.signal).catch(() => undefined);
      try {
        yield* stream;
      } finally {
        stop.abort();
        signal.removeEventListener("abort", onAbort);
        await running;
      }
    },
  };
}
