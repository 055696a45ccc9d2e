/**
 * The DNS-SD records (RFC 6763) that describe a {@link ServiceInstance} on multicast DNS, and the
 * way back from received records to instances.
 *
 * Every instance of every service is announced under one service type, `_gen-svc._tcp.local`:
 * - PTR `_gen-svc._tcp.local` → `<label>._gen-svc._tcp.local` (the instance name);
 * - SRV `<instance name>` → `<label>.local` (or the host when it is a name) and the main port;
 * - TXT `<instance name>` → `service=`, `id=`, `host=`, `version=`, `port.grpc=`, `port.http=`,
 *   and `meta.<key>=` per metadata entry (the TXT record carries the exact instance);
 * - A/AAAA `<label>.local` → the address, when the host is an IP address.
 * The label is made from the instance id plus a hash of service and id, so ids need not be valid
 * DNS labels and two instances never share a name.
 */
import { createHash } from "node:crypto";
import { isIP } from "node:net";
import type mDNS from "multicast-dns";
import type { ServiceInstance, Transport } from "./types.js";

/** An mDNS resource record as the `multicast-dns` library sends and receives it. */
export type MdnsRecord = mDNS.ResponsePacket["answers"][number];

/** The DNS-SD service type every gen-svc instance is announced under. */
export const MDNS_SERVICE_TYPE = "_gen-svc._tcp.local";

const TRANSPORTS: readonly Transport[] = ["grpc", "http"];
/** A TXT string holds at most 255 bytes (RFC 6763 §6.1). */
const MAX_TXT_ENTRY_BYTES = 255;

/** The instance name `<label>._gen-svc._tcp.local` of `instance`. */
export function instanceName(instance: Pick<ServiceInstance, "service" | "id">): string {
  return `${label(instance)}.${MDNS_SERVICE_TYPE}`;
}

function label(instance: Pick<ServiceInstance, "service" | "id">): string {
  const readable = instance.id.replace(/[^A-Za-z0-9-]/g, "-").slice(0, 40);
  const hash = createHash("sha256").update(`${instance.service}\0${instance.id}`).digest("hex").slice(0, 12);
  return `${readable}-${hash}`;
}

/**
 * The records announcing `instance` with time-to-live `ttlSeconds` (0: a goodbye). Throws a
 * TypeError when a TXT entry would exceed 255 bytes.
 */
export function instanceRecords(instance: ServiceInstance, ttlSeconds: number): MdnsRecord[] {
  const name = instanceName(instance);
  const mainPort = TRANSPORTS.map((transport) => instance.ports[transport]).find((port) => port !== undefined) ?? 0;
  const family = isIP(instance.host);
  const target = family === 0 ? instance.host : `${label(instance)}.local`;
  const records: MdnsRecord[] = [
    { name: MDNS_SERVICE_TYPE, type: "PTR", ttl: ttlSeconds, data: name },
    { name, type: "SRV", ttl: ttlSeconds, flush: true, data: { target, port: mainPort, priority: 0, weight: 0 } },
    { name, type: "TXT", ttl: ttlSeconds, flush: true, data: txtEntries(instance) },
  ];
  if (family === 4) records.push({ name: target, type: "A", ttl: ttlSeconds, flush: true, data: instance.host });
  if (family === 6) records.push({ name: target, type: "AAAA", ttl: ttlSeconds, flush: true, data: instance.host });
  return records;
}

function txtEntries(instance: ServiceInstance): string[] {
  const entries = [`service=${instance.service}`, `id=${instance.id}`, `host=${instance.host}`, `version=${instance.version}`];
  for (const transport of TRANSPORTS) {
    const port = instance.ports[transport];
    if (port !== undefined) entries.push(`port.${transport}=${port}`);
  }
  for (const [key, value] of Object.entries(instance.metadata)) entries.push(`meta.${key}=${value}`);
  for (const entry of entries) {
    if (Buffer.byteLength(entry) > MAX_TXT_ENTRY_BYTES) throw new TypeError(`mDNS TXT entry longer than 255 bytes: ${entry.slice(0, 40)}...`);
  }
  return entries;
}

/** What a received TXT record says: the instance (undefined if it is not one of ours) and its TTL. */
export interface ReceivedInstance {
  readonly name: string;
  readonly ttlSeconds: number;
  readonly instance: ServiceInstance | undefined;
}

/**
 * The instances described by the TXT records of a received packet (answers and additionals).
 * Records come from anyone on the network: anything malformed is ignored.
 */
export function receivedInstances(records: readonly MdnsRecord[]): ReceivedInstance[] {
  const received: ReceivedInstance[] = [];
  for (const record of records) {
    if (record.type !== "TXT" || !record.name.endsWith(`.${MDNS_SERVICE_TYPE}`)) continue;
    const ttlSeconds = typeof record.ttl === "number" ? record.ttl : 0;
    const instance = instanceFromTxt(record.data);
    // A record whose name does not match its content is forged or stale: ignored.
    if (instance !== undefined && instanceName(instance) !== record.name) continue;
    received.push({ name: record.name, ttlSeconds, instance });
  }
  return received;
}

function instanceFromTxt(data: unknown): ServiceInstance | undefined {
  const chunks = Array.isArray(data) ? data : [data];
  const fields = new Map<string, string>();
  for (const chunk of chunks) {
    const text = Buffer.isBuffer(chunk) ? chunk.toString("utf8") : typeof chunk === "string" ? chunk : "";
    const equals = text.indexOf("=");
    if (equals > 0) fields.set(text.slice(0, equals), text.slice(equals + 1));
  }
  const service = fields.get("service") ?? "";
  const id = fields.get("id") ?? "";
  const host = fields.get("host") ?? "";
  if (service === "" || id === "" || host === "") return undefined;
  const ports: Partial<Record<Transport, number>> = {};
  for (const transport of TRANSPORTS) {
    const port = Number(fields.get(`port.${transport}`));
    if (Number.isInteger(port) && port > 0 && port < 65_536) ports[transport] = port;
  }
  if (Object.keys(ports).length === 0) return undefined;
  const metadata: Record<string, string> = {};
  for (const [key, value] of fields) if (key.startsWith("meta.")) metadata[key.slice(5)] = value;
  return { service, id, host, ports, version: fields.get("version") ?? "", metadata };
}
