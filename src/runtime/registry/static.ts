/**
 * A fixed list of instances per service, from configuration: for development, tests, and
 * deployments where addresses are known in advance. Nothing registers: the list is the registry.
 */
import { sortInstances } from "./instance-set.js";
import type { ServiceInstance, ServiceRegistry } from "./types.js";

/**
 * A {@link ServiceRegistry} over a fixed list: `watch` yields the configured set once and then
 * waits until aborted; `register` and `deregister` do nothing (the list does not change).
 */
export class StaticRegistry implements ServiceRegistry {
  readonly #instances: ReadonlyMap<string, readonly ServiceInstance[]>;

  /** `instances`: every known instance; they are grouped by their `service`. */
  constructor(instances: Iterable<ServiceInstance>) {
    const byService = new Map<string, ServiceInstance[]>();
    for (const instance of instances) {
      const list = byService.get(instance.service) ?? [];
      list.push(instance);
      byService.set(instance.service, list);
    }
    this.#instances = new Map([...byService].map(([service, list]) => [service, Object.freeze(sortInstances(list))]));
  }

  /** The names of the services the list holds. */
  get services(): string[] {
    return [...this.#instances.keys()];
  }

  async register(): Promise<void> {}

  async deregister(): Promise<void> {}

  async close(): Promise<void> {}

  watch(service: string, signal: AbortSignal): AsyncIterable<readonly ServiceInstance[]> {
    const instances = this.#instances.get(service) ?? Object.freeze([]);
    return {
      async *[Symbol.asyncIterator]() {
        if (signal.aborted) return;
        yield instances;
        await new Promise<void>((resolve) => signal.addEventListener("abort", () => resolve(), { once: true }));
      },
    };
  }
}

/** The gRPC instance at `host:port`, named after its address, as static lists describe them. */
export function staticInstance(service: string, host: string, port: number): ServiceInstance {
  const id = host.includes(":") ? `[${host}]:${port}` : `${host}:${port}`;
  return { service, id, host, ports: { grpc: port }, version: "", metadata: {} };
}
