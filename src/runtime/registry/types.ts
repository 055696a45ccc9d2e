/**
 * Service registry and discovery (Go kit's `sd`, Go Micro's registry): instances register
 * themselves while they serve, clients watch the set of instances of a service. Backends (etcd,
 * Consul, local files, mDNS, static lists, Kubernetes DNS) implement these two interfaces.
 */

/** The transports an instance can serve, each on its own port. */
export type Transport = "grpc" | "http";

/** One running instance of a service. */
export interface ServiceInstance {
  /** The fully qualified service name, e.g. `ecommerce.product.v1.ProductService`. */
  readonly service: string;
  /** Unique among the instances of the service, stable for the life of the process. */
  readonly id: string;
  /** Host name or IP address clients connect to. */
  readonly host: string;
  /** Port per transport the instance serves. */
  readonly ports: Readonly<Partial<Record<Transport, number>>>;
  /** The deployed version, e.g. the package version. */
  readonly version: string;
  /** Free-form labels, e.g. `zone`, `weight` (a positive integer as text). */
  readonly metadata: Readonly<Record<string, string>>;
}

/** Registers and deregisters the instances of this process. */
export interface Registrar {
  /**
   * Makes `instance` visible to watchers and keeps it so (leases, heartbeats) until
   * {@link Registrar.deregister} or {@link Registrar.close}. Resolves once it is visible.
   */
  register(instance: ServiceInstance): Promise<void>;
  /** Removes `instance`; resolves once watchers can no longer see it in the registry. */
  deregister(instance: ServiceInstance): Promise<void>;
  /** Stops keep-alives and releases connections; registrations left are removed where possible. */
  close(): Promise<void>;
}

/** Finds the instances of services. */
export interface Discovery {
  /**
   * The current instances of `service`, first as soon as they are known and then on every change,
   * each time the complete set. Ends when `signal` aborts; never throws because the registry is
   * unreachable (it keeps the last set and retries), only for invalid use.
   */
  watch(service: string, signal: AbortSignal): AsyncIterable<readonly ServiceInstance[]>;
  /** Releases connections. */
  close(): Promise<void>;
}

/** A registry backend that does both. */
export interface ServiceRegistry extends Registrar, Discovery {}
