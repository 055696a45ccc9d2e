/**
 * How a {@link ServiceInstance} is written to and read back from Consul: the agent's service
 * definition on registration, the entries of `/v1/health/service/<name>` on discovery.
 *
 * Mapping: `ID` = `<service>:<id>` (Consul service IDs are unique per agent, instance ids only per
 * service, and one process registers several services under one id), `Name` = service, `Address` = host, `Port` = the gRPC port (else the HTTP
 * port), `Tags` = the transports served, `Meta` = the instance's metadata plus the reserved keys
 * below (version and every port), so that nothing is lost on the way back.
 */
import { formatAddress } from "./address.js";
import { sortInstances } from "./instance-set.js";
import type { ServiceInstance, Transport } from "./types.js";

/** Meta key holding the instance's own id (the Consul ID also names the service). */
export const CONSUL_META_ID = "gen-svc-id";
/** Meta key holding the instance's version. */
export const CONSUL_META_VERSION = "gen-svc-version";
/** Meta key prefix holding the port of each transport, e.g. `gen-svc-port-http`. */
export const CONSUL_META_PORT_PREFIX = "gen-svc-port-";
/** User metadata may not use this prefix: it would collide with the keys above. */
const RESERVED_PREFIX = "gen-svc-";
/** Consul's own limits on service meta (agent/structs: metaKeyFormat, max 64 pairs). */
const META_KEY = /^[A-Za-z0-9_-]{1,128}$/;
const MAX_META_PAIRS = 64;
const MAX_META_VALUE_LENGTH = 512;

const TRANSPORTS: readonly Transport[] = ["grpc", "http"];

/** The TTL check attached to each registration. */
export interface ConsulTtlCheck {
  readonly checkId: string;
  readonly ttlMs: number;
  readonly deregisterCriticalAfterMs: number;
}

/**
 * The optional gRPC check: the agent itself calls `grpc.health.v1.Health/Check` for the instance's
 * service on its gRPC port every `intervalMs`, so an instance whose process lives (its TTL keeps
 * passing) but whose health says NOT_SERVING, or whose port stopped answering, drops out too.
 */
export interface ConsulGrpcCheck {
  readonly checkId: string;
  readonly intervalMs: number;
  readonly deregisterCriticalAfterMs: number;
  /** Call the instance over TLS (its gRPC port serves TLS). */
  readonly useTls: boolean;
}

/**
 * The options the `consul` client's `agent.service.register` takes. Its TypeScript types demand
 * `name` and `timeout` on every check, although a TTL check uses neither `timeout` nor any
 * interval; the client only copies `Timeout` for interval checks, so sending it is harmless.
 */
export interface ConsulServiceRegistration {
  id: string;
  name: string;
  address: string;
  port: number;
  tags: string[];
  meta: Record<string, string>;
  checks: Array<ConsulTtlCheckDefinition | ConsulGrpcCheckDefinition>;
}

/** A TTL check as the client's `register` takes it. */
interface ConsulTtlCheckDefinition {
  checkid: string;
  name: string;
  ttl: string;
  timeout: string;
  status: string;
  deregistercriticalserviceafter: string;
}

/** A gRPC check as the client's `register` takes it (`grpc` is `host:port/service`). */
interface ConsulGrpcCheckDefinition {
  checkid: string;
  name: string;
  grpc: string;
  grpcusetls: boolean;
  interval: string;
  timeout: string;
  deregistercriticalserviceafter: string;
}

/** A duration in Go's notation, which Consul parses (`time.ParseDuration`). */
export function goDuration(ms: number): string {
  return `${Math.max(1, Math.round(ms))}ms`;
}

/** The Consul service ID of an instance: unique on the agent even when ids repeat across services. */
export function consulServiceId(instance: Pick<ServiceInstance, "service" | "id">): string {
  return `${instance.service}:${instance.id}`;
}

/** The id of the one TTL check of a registration. */
export function ttlCheckId(instance: Pick<ServiceInstance, "service" | "id">): string {
  return `service:${consulServiceId(instance)}:ttl`;
}

/** The id of the gRPC check of a registration. */
export function grpcCheckId(instance: Pick<ServiceInstance, "service" | "id">): string {
  return `service:${consulServiceId(instance)}:grpc`;
}

/**
 * The agent registration for `instance`, with a gRPC check too when `grpcCheck` is given and the
 * instance has a gRPC port. Throws a TypeError for an instance Consul would refuse
 * (no id, no port, metadata keys Consul does not allow), so the mistake shows at the caller.
 */
export function toConsulRegistration(instance: ServiceInstance, check: ConsulTtlCheck, grpcCheck?: ConsulGrpcCheck): ConsulServiceRegistration {
  const served = TRANSPORTS.filter((transport) => isPort(instance.ports[transport]));
  const mainTransport = served[0];
  if (instance.id === "" || instance.service === "") throw new TypeError("a Consul registration needs a service name and an instance id");
  if (mainTransport === undefined) throw new TypeError(`instance ${instance.id} has no valid port to register`);
  return {
    id: consulServiceId(instance),
    name: instance.service,
    address: instance.host,
    port: instance.ports[mainTransport] as number,
    tags: served,
    meta: toMeta(instance, served),
    checks: [
      {
        checkid: check.checkId,
        name: `TTL heartbeat of ${instance.id}`,
        ttl: goDuration(check.ttlMs),
        timeout: goDuration(check.ttlMs),
        // Passing from the start, so the instance is visible as soon as `register` resolves.
        status: "passing",
        deregistercriticalserviceafter: goDuration(check.deregisterCriticalAfterMs),
      },
      ...(grpcCheck && isPort(instance.ports.grpc) ? [grpcCheckDefinition(instance, instance.ports.grpc, grpcCheck)] : []),
    ],
  };
}

function grpcCheckDefinition(instance: ServiceInstance, port: number, check: ConsulGrpcCheck): ConsulGrpcCheckDefinition {
  return {
    checkid: check.checkId,
    name: `gRPC health of ${instance.id}`,
    // Consul's form: the address, then the service name that Health/Check is asked about.
    grpc: `${formatAddress(instance.host, port)}/${instance.service}`,
    grpcusetls: check.useTls,
    interval: goDuration(check.intervalMs),
    // A probe may take at most the interval, so probes never overlap.
    timeout: goDuration(check.intervalMs),
    deregistercriticalserviceafter: goDuration(check.deregisterCriticalAfterMs),
  };
}

function toMeta(instance: ServiceInstance, served: readonly Transport[]): Record<string, string> {
  const meta: Record<string, string> = {};
  for (const [key, value] of Object.entries(instance.metadata)) {
    if (!META_KEY.test(key) || key.startsWith(RESERVED_PREFIX) || key.toLowerCase().startsWith("consul-")) {
      throw new TypeError(`metadata key "${key}" cannot be stored in Consul (letters, digits, _ and - only; not gen-svc-* or consul-*)`);
    }
    if (value.length > MAX_META_VALUE_LENGTH) throw new TypeError(`metadata "${key}" is longer than Consul allows (${MAX_META_VALUE_LENGTH})`);
    meta[key] = value;
  }
  meta[CONSUL_META_ID] = instance.id;
  meta[CONSUL_META_VERSION] = instance.version;
  for (const transport of served) meta[CONSUL_META_PORT_PREFIX + transport] = String(instance.ports[transport]);
  if (Object.keys(meta).length > MAX_META_PAIRS) throw new TypeError(`instance ${instance.id} has more metadata than Consul allows`);
  return meta;
}

/**
 * The instance described by one entry of a health query, or undefined for an entry that does not
 * describe a reachable service (no id or no port). Services registered by other tools (without
 * the reserved meta keys) are read with their Consul ID as id, serving gRPC on `Port`.
 */
export function fromHealthEntry(entry: unknown): ServiceInstance | undefined {
  const service = field(entry, "Service");
  const name = text(field(service, "Service"));
  const host = text(field(service, "Address")) || text(field(field(entry, "Node"), "Address"));
  const rawMeta = field(service, "Meta");
  const meta: Record<string, string> = {};
  if (typeof rawMeta === "object" && rawMeta !== null) {
    for (const [key, value] of Object.entries(rawMeta)) if (typeof value === "string") meta[key] = value;
  }
  const id = meta[CONSUL_META_ID] ?? text(field(service, "ID"));
  if (id === "" || name === "" || host === "") return undefined;
  const ports: Partial<Record<Transport, number>> = {};
  for (const transport of TRANSPORTS) {
    const port = Number(meta[CONSUL_META_PORT_PREFIX + transport]);
    if (isPort(port)) ports[transport] = port;
  }
  const port = field(service, "Port");
  if (Object.keys(ports).length === 0 && isPort(port)) ports.grpc = port;
  if (Object.keys(ports).length === 0) return undefined;
  const metadata: Record<string, string> = {};
  for (const [key, value] of Object.entries(meta)) if (!key.startsWith(RESERVED_PREFIX)) metadata[key] = value;
  return { service: name, id, host, ports, version: meta[CONSUL_META_VERSION] ?? "", metadata };
}

/** The instances of a health query's body, sorted by id so equal sets compare equal. */
export function fromHealthEntries(body: unknown): ServiceInstance[] {
  if (!Array.isArray(body)) return [];
  return sortInstances(body.map(fromHealthEntry).filter((instance): instance is ServiceInstance => instance !== undefined));
}

function isPort(value: unknown): value is number {
  return typeof value === "number" && Number.isInteger(value) && value > 0 && value < 65536;
}

function field(value: unknown, name: string): unknown {
  return typeof value === "object" && value !== null ? (value as Record<string, unknown>)[name] : undefined;
}

function text(value: unknown): string {
  return typeof value === "string" ? value : "";
}
