/**
 * Registering a running service's instances in a service registry: what is advertised (host,
 * ports, version) and the deregistration that runs first at shutdown.
 */
import { randomUUID } from "node:crypto";
import { hostname, networkInterfaces } from "node:os";
import type { ServerConfig } from "./config.js";
import type { Logger } from "./logger.js";
import type { Registrar, ServiceInstance } from "./registry/types.js";

/** What {@link instancesToRegister} advertises. */
export interface Advertised {
  readonly serviceNames: readonly string[];
  readonly version: string;
  readonly grpcPort: number;
  /** The HTTP/JSON port, when the service serves HTTP. */
  readonly httpPort?: number;
  /** Whether the registry only serves this machine (then loopback is the right address). */
  readonly localOnly: boolean;
}

/** One instance per service of the package, all sharing an id prefix unique to this process. */
export function instancesToRegister(config: ServerConfig, advertised: Advertised): ServiceInstance[] {
  const host = advertiseHost(config, advertised.localOnly);
  const id = `${hostname()}-${process.pid}-${randomUUID().slice(0, 8)}`;
  return advertised.serviceNames.map((service) => ({
    service,
    id,
    host,
    ports: advertised.httpPort === undefined ? { grpc: advertised.grpcPort } : { grpc: advertised.grpcPort, http: advertised.httpPort },
    version: advertised.version,
    metadata: {},
  }));
}

/**
 * The address other processes use to reach this one: `ADVERTISE_HOST` if set, else `HOST`
 * unless it is a wildcard, else loopback for a registry of this machine, else this machine's
 * first non-internal IPv4 address (what a container or VM is reached by).
 */
export function advertiseHost(config: ServerConfig, localOnly: boolean): string {
  if (config.advertiseHost !== "") return config.advertiseHost;
  if (!["0.0.0.0", "::", "[::]"].includes(config.host)) return config.host;
  if (localOnly) return "127.0.0.1";
  const external = Object.values(networkInterfaces())
    .flat()
    .find((address) => address && address.family === "IPv4" && !address.internal);
  return external?.address ?? "127.0.0.1";
}

/**
 * Registers every instance; resolves to the deregistration, which never throws (a registry that
 * is down must not keep the process from shutting down: leases and TTLs clean up after it). The
 * registry stays open: discovery through it may still serve calls made while draining.
 */
export async function registerInstances(registrar: Registrar, instances: readonly ServiceInstance[], logger: Logger): Promise<() => Promise<void>> {
  for (const instance of instances) await registrar.register(instance);
  logger.info({ instances: instances.map((i) => `${i.service}@${i.host}:${i.ports.grpc}`) }, "registered");
  return async () => {
    for (const instance of instances) {
      try {
        await registrar.deregister(instance);
      } catch (error) {
        logger.warn({ err: error, service: instance.service }, "deregistration failed; the registry's TTL will remove it");
      }
    }
    logger.info("deregistered");
  };
}
