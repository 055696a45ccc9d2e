/**
 * Discovery through DNS, as Kubernetes offers it for headless services: SRV records
 * `_<port-name>._tcp.<service>.<namespace>.svc.cluster.local` list one target per ready pod with
 * its port, and A/AAAA records of a host name list addresses for a known port. DNS has no change
 * notification, so names are re-resolved on a timer. Registering does nothing: the platform
 * publishes the records (pods become endpoints when they are ready).
 */
import { Resolver } from "node:dns/promises";
import { isIP } from "node:net";
import { sleep, watchWith, type InstanceSetStream } from "./instance-set.js";
import type { ServiceInstance, ServiceRegistry, Transport } from "./types.js";

/** Where the instances of one service are found. */
export type DnsTarget =
  /** SRV records of `name`; each target name is resolved to its addresses. */
  | { readonly kind: "srv"; readonly name: string; readonly transport: Transport }
  /** A and AAAA records of `host`, each address serving on `port`. */
  | { readonly kind: "address"; readonly host: string; readonly port: number; readonly transport: Transport };

/** The lookups used; `node:dns/promises` `Resolver` has them. */
export interface DnsLookups {
  resolveSrv(name: string): Promise<Array<{ name: string; port: number; priority: number; weight: number }>>;
  resolve4(name: string): Promise<string[]>;
  resolve6(name: string): Promise<string[]>;
}

/** Settings of {@link DnsDiscovery}. */
export interface DnsDiscoveryOptions {
  /** Where a service's instances are found; undefined: the service is unknown (always empty). */
  readonly target: (service: string) => DnsTarget | undefined;
  /** Time between resolutions; default 5000 ms. */
  readonly intervalMs?: number;
  /** DNS servers (`ip` or `ip:port`) for a new `Resolver`; default the system's. */
  readonly servers?: readonly string[];
  /** The lookups to use instead of a new `Resolver` (tests, custom resolvers). */
  readonly resolver?: DnsLookups;
}

/** DNS answers meaning "no such records": the service has no instances right now. */
const EMPTY_ANSWERS = new Set(["ENOTFOUND", "ENODATA"]);

/**
 * The Kubernetes service name used for a fully qualified gRPC service name without an explicit
 * mapping: its last part without a `Service` suffix, in kebab case
 * (`ecommerce.product.v1.ProductService` → `product`).
 */
export function defaultKubernetesServiceName(service: string): string {
  const last = service.slice(service.lastIndexOf(".") + 1).replace(/Service$/, "") || service;
  return last
    .replace(/([a-z0-9])([A-Z])/g, "$1-$2")
    .replace(/[^A-Za-z0-9-]+/g, "-")
    .toLowerCase()
    .replace(/^-+|-+$/g, "");
}

/** A {@link ServiceRegistry} whose discovery re-resolves DNS names; registering does nothing. */
export class DnsDiscovery implements ServiceRegistry {
  readonly #target: (service: string) => DnsTarget | undefined;
  readonly #intervalMs: number;
  readonly #lookups: DnsLookups;

  constructor(options: DnsDiscoveryOptions) {
    this.#target = options.target;
    this.#intervalMs = options.intervalMs ?? 5_000;
    if (options.resolver) {
      this.#lookups = options.resolver;
    } else {
      const resolver = new Resolver({ timeout: Math.min(2_000, this.#intervalMs), tries: 2 });
      if (options.servers) resolver.setServers([...options.servers]);
      this.#lookups = resolver;
    }
  }

  async register(): Promise<void> {}

  async deregister(): Promise<void> {}

  async close(): Promise<void> {}

  watch(service: string, signal: AbortSignal): AsyncIterable<readonly ServiceInstance[]> {
    const target = this.#target(service);
    return watchWith(signal, (stream, stop) => this.#follow(service, target, stream, stop));
  }

  async #follow(service: string, target: DnsTarget | undefined, stream: InstanceSetStream, signal: AbortSignal): Promise<void> {
    while (!signal.aborted) {
      // A failed lookup (timeout, refused, SERVFAIL) keeps the last set; the next round retries.
      const instances = target ? await this.resolve(service, target).catch(() => undefined) : [];
      if (instances && !signal.aborted) stream.push(instances);
      await sleep(this.#intervalMs, signal);
    }
  }

  /** The instances `target` names right now; rejects when DNS did not answer. */
  async resolve(service: string, target: DnsTarget): Promise<ServiceInstance[]> {
    if (target.kind === "address") {
      const addresses = await this.#addresses(target.host);
      return addresses.map((address) => dnsInstance(service, address, target.port, target.transport));
    }
    const records = await emptyWhenMissing(this.#lookups.resolveSrv(target.name));
    const perRecord = await Promise.all(
      records.map(async (record) => (await this.#addresses(record.name)).map((address) => dnsInstance(service, address, record.port, target.transport, record.weight))),
    );
    return dedupe(perRecord.flat());
  }

  /** IPv4 and IPv6 addresses of `host` (itself when it is an address already). */
  async #addresses(host: string): Promise<string[]> {
    if (isIP(host)) return [host];
    const [v4, v6] = await Promise.all([emptyWhenMissing(this.#lookups.resolve4(host)), emptyWhenMissing(this.#lookups.resolve6(host))]);
    return [...v4, ...v6];
  }
}

function dnsInstance(service: string, address: string, port: number, transport: Transport, weight?: number): ServiceInstance {
  const host = address;
  const id = isIP(address) === 6 ? `[${address}]:${port}` : `${address}:${port}`;
  // SRV weight 0 means "no preference"; metadata weights are positive integers.
  const metadata: Record<string, string> = weight !== undefined && weight > 0 ? { weight: String(weight) } : {};
  return { service, id, host, ports: { [transport]: port }, version: "", metadata };
}

function dedupe(instances: ServiceInstance[]): ServiceInstance[] {
  return [...new Map(instances.map((instance) => [instance.id, instance])).values()];
}

async function emptyWhenMissing<T>(lookup: Promise<T[]>): Promise<T[]> {
  try {
    return await lookup;
  } catch (error) {
    if (EMPTY_ANSWERS.has((error as NodeJS.ErrnoException).code ?? "")) return [];
    throw error;
  }
}
