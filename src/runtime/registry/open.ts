/**
 * Opens the registry a URL names (the REGISTRY setting). The syntax per scheme:
 *
 * - `local://` (the default) or `local:///path/to/dir`: record files on this machine
 *   ({@link LocalRegistry}); `?heartbeat=1000&stale=3000` in milliseconds.
 * - `etcd://host:port[,host:port...][?ttl=10&prefix=/gen-svc/services/]`: etcd v3 with a
 *   lease of `ttl` seconds ({@link EtcdRegistry}).
 * - `static://?<service>=host:port[,host:port...][&<service>=...]`: fixed gRPC addresses per
 *   fully qualified service name ({@link StaticRegistry}); IPv6 hosts in brackets.
 * - `k8s://[<namespace>][?port=grpc&domain=cluster.local&interval=5000&server=ip:port&<service>=<k8s-service>]`:
 *   SRV records `_<port>._tcp.<k8s-service>.<namespace>.svc.<domain>` of headless services.
 *   A service without a mapping uses the default name ({@link defaultKubernetesServiceName}).
 * - `dns://?<service>=<host>:<port>[&interval=5000&server=ip:port]`: A/AAAA records of a host name.
 * - `consul://[host:port][?ttl=10&deregister=60&tls=true&grpc_check=10&grpc_check_tls=false]`: a
 *   Consul agent (default 127.0.0.1:8500) with a TTL check of `ttl` seconds, optionally a gRPC
 *   health check every `grpc_check` seconds, and DeregisterCriticalServiceAfter of `deregister` seconds;
 *   the ACL token comes from CONSUL_HTTP_TOKEN ({@link ConsulRegistry}).
 * - `mdns://[?heartbeat=3000&ttl=10&interface=<ip>&bind=<ip>&port=5353]`: multicast DNS on the LAN,
 *   announcing every `heartbeat` ms with records of `ttl` seconds ({@link MdnsRegistry}).
 *
 * Anything else, or a malformed URL, throws {@link ConfigError}.
 */
import { isIP } from "node:net";
import { ConfigError } from "../config-error.js";
import { parseRegistryUrl, type RegistryUrl } from "./url.js";
import { DnsDiscovery, defaultKubernetesServiceName, type DnsTarget } from "./kubernetes-dns.js";
import { LocalRegistry } from "./local.js";
import { StaticRegistry, staticInstance } from "./static.js";
import type { ServiceRegistry } from "./types.js";


/** Settings that do not fit in a URL; all optional. */
export interface OpenRegistryOptions {
  /** Environment used for defaults (the local folder); default `process.env`. */
  readonly env?: Readonly<Record<string, string | undefined>>;
}

/** Opens one scheme's registry. */
export type RegistryOpener = (url: RegistryUrl, options: OpenRegistryOptions) => ServiceRegistry | Promise<ServiceRegistry>;

/**
 * The openers per scheme.
 */
export const REGISTRY_OPENERS: Readonly<Record<string, RegistryOpener>> = {
  local: openLocal,
  etcd: openEtcd,
  static: openStatic,
  k8s: openKubernetes,
  dns: openDns,
  consul: openConsul,
  mdns: openMdns,
};

/**
 * Opens the registry `url` names; throws {@link ConfigError} for an unknown scheme or invalid URL.
 * Every backend is a {@link ServiceRegistry}; for static lists and DNS, registering does nothing
 * (the list or the platform decides the instances).
 */
export async function openRegistry(url: string, options: OpenRegistryOptions = {}): Promise<ServiceRegistry> {
  const parsed = parseRegistryUrl(url);
  const opener = REGISTRY_OPENERS[parsed.scheme];
  if (!opener) {
    throw new ConfigError(`registry URL "${url}": unknown scheme ${parsed.scheme}:// (use one of ${Object.keys(REGISTRY_OPENERS).map((s) => `${s}://`).join(", ")})`);
  }
  return opener(parsed, options);
}


function openLocal(url: RegistryUrl, options: OpenRegistryOptions): ServiceRegistry {
  if (url.authority !== "") throw new ConfigError(`registry URL "${url.text}": local:// takes a path (local:///dir), not a host`);
  rejectUnknownParams(url, ["heartbeat", "stale"]);
  const heartbeatMs = optionalInteger(url, "heartbeat", 1, 60_000);
  const staleAfterMs = optionalInteger(url, "stale", 2, 600_000);
  return new LocalRegistry({ dir: url.path === "" || url.path === "/" ? undefined : url.path, heartbeatMs, staleAfterMs, env: options.env });
}

// etcd3, consul and multicast-dns are imported only when their scheme is used: etcd3 alone takes
// about 100 ms to load, which every service would otherwise pay at start-up.
async function openEtcd(url: RegistryUrl): Promise<ServiceRegistry> {
  const hosts = url.authority.split(",").filter((host) => host !== "");
  if (hosts.length === 0) throw new ConfigError(`registry URL "${url.text}": etcd:// needs host:port, e.g. etcd://127.0.0.1:2379`);
  for (const host of hosts) parseHostPort(url, host);
  rejectUnknownParams(url, ["ttl", "prefix"]);
  const ttlSeconds = optionalInteger(url, "ttl", 1, 3600);
  const prefix = url.params.get("prefix") ?? undefined;
  if (prefix !== undefined && prefix === "") throw new ConfigError(`registry URL "${url.text}": prefix is empty`);
  const { EtcdRegistry } = await import("./etcd.js");
  return new EtcdRegistry({ hosts: hosts.map((host) => `http://${host}`), ttlSeconds, prefix });
}

async function openConsul(url: RegistryUrl, options: OpenRegistryOptions): Promise<ServiceRegistry> {
  if (url.path !== "" && url.path !== "/") throw new ConfigError(`registry URL "${url.text}": write consul://host:port?ttl=10&deregister=60`);
  const { host, port } = url.authority === "" ? { host: "127.0.0.1", port: 8500 } : parseHostPort(url, url.authority);
  rejectUnknownParams(url, ["ttl", "deregister", "tls", "grpc_check", "grpc_check_tls"]);
  const ttlSeconds = optionalInteger(url, "ttl", 1, 3600);
  const deregisterSeconds = optionalInteger(url, "deregister", 1, 86_400);
  const grpcCheckSeconds = optionalInteger(url, "grpc_check", 1, 3600);
  const tls = optionalBoolean(url, "tls");
  const grpcCheckTls = optionalBoolean(url, "grpc_check_tls");
  const { ConsulRegistry } = await import("./consul.js");
  return new ConsulRegistry({
    host,
    port,
    secure: tls === true,
    token: (options.env ?? process.env).CONSUL_HTTP_TOKEN || undefined,
    ttlMs: ttlSeconds === undefined ? undefined : ttlSeconds * 1000,
    deregisterCriticalAfterMs: deregisterSeconds === undefined ? undefined : deregisterSeconds * 1000,
    grpcCheckIntervalMs: grpcCheckSeconds === undefined ? undefined : grpcCheckSeconds * 1000,
    grpcCheckTls,
  });
}

/** A `true`/`false` URL parameter, or undefined when absent. */
function optionalBoolean(url: RegistryUrl, name: string): boolean | undefined {
  const value = url.params.get(name);
  if (value === null) return undefined;
  if (value !== "true" && value !== "false") throw new ConfigError(`registry URL "${url.text}": ${name}=${value} is not true or false`);
  return value === "true";
}

async function openMdns(url: RegistryUrl): Promise<ServiceRegistry> {
  if (url.authority !== "" || (url.path !== "" && url.path !== "/")) throw new ConfigError(`registry URL "${url.text}": mdns:// takes only parameters (mdns://?ttl=10)`);
  rejectUnknownParams(url, ["heartbeat", "ttl", "interface", "bind", "port"]);
  const heartbeatMs = optionalInteger(url, "heartbeat", 100, 60_000);
  const ttlSeconds = optionalInteger(url, "ttl", 1, 3600);
  const port = optionalInteger(url, "port", 1, 65_535);
  const socket: { interface?: string; bind?: string; port?: number } = port === undefined ? {} : { port };
  for (const name of ["interface", "bind"] as const) {
    const address = url.params.get(name);
    if (address === null) continue;
    if (!isIP(address)) throw new ConfigError(`registry URL "${url.text}": ${name}=${address} is not an IP address`);
    socket[name] = address;
  }
  if ((ttlSeconds ?? 10) * 1000 <= (heartbeatMs ?? 3_000)) {
    throw new ConfigError(`registry URL "${url.text}": ttl (seconds) must be longer than heartbeat (milliseconds)`);
  }
  const { MdnsRegistry } = await import("./mdns.js");
  return new MdnsRegistry({ socket, heartbeatMs, ttlSeconds });
}

function openStatic(url: RegistryUrl): ServiceRegistry {
  if (url.authority !== "" || url.path !== "") throw new ConfigError(`registry URL "${url.text}": write static://?<service>=host:port,host:port`);
  const instances = [];
  for (const [service, addresses] of url.params) {
    for (const address of addresses.split(",").filter((a) => a !== "")) {
      const { host, port } = parseHostPort(url, address);
      instances.push(staticInstance(service, host, port));
    }
  }
  if (instances.length === 0) throw new ConfigError(`registry URL "${url.text}": static:// lists no addresses (static://?<service>=host:port)`);
  return new StaticRegistry(instances);
}

const DNS_OPTIONS = ["interval", "server", "port", "domain"];

function openKubernetes(url: RegistryUrl): ServiceRegistry {
  if (url.path !== "") throw new ConfigError(`registry URL "${url.text}": write k8s://<namespace>?<service>=<k8s-service>`);
  if (url.authority !== "" && !/^[a-z0-9]([a-z0-9-]*[a-z0-9])?$/.test(url.authority)) {
    throw new ConfigError(`registry URL "${url.text}": "${url.authority}" is not a Kubernetes namespace name`);
  }
  const namespace = url.authority || "default";
  const portName = url.params.get("port") ?? "grpc";
  const domain = url.params.get("domain") ?? "cluster.local";
  const mapping = serviceParams(url);
  const target = (service: string): DnsTarget => ({
    kind: "srv",
    name: `_${portName}._tcp.${mapping.get(service) ?? defaultKubernetesServiceName(service)}.${namespace}.svc.${domain}`,
    transport: portName === "http" ? "http" : "grpc",
  });
  return new DnsDiscovery({ target, ...dnsSettings(url) });
}

function openDns(url: RegistryUrl): ServiceRegistry {
  if (url.authority !== "" || url.path !== "") throw new ConfigError(`registry URL "${url.text}": write dns://?<service>=<host>:<port>`);
  const targets = new Map<string, DnsTarget>();
  for (const [service, address] of serviceParams(url)) {
    const { host, port } = parseHostPort(url, address);
    targets.set(service, { kind: "address", host, port, transport: "grpc" });
  }
  if (targets.size === 0) throw new ConfigError(`registry URL "${url.text}": dns:// lists no services (dns://?<service>=<host>:<port>)`);
  return new DnsDiscovery({ target: (service) => targets.get(service), ...dnsSettings(url) });
}

function dnsSettings(url: RegistryUrl): { intervalMs?: number; servers?: string[] } {
  const servers = url.params.getAll("server").map((server) => parseDnsServer(url, server));
  return { intervalMs: optionalInteger(url, "interval", 100, 3_600_000), servers: servers.length > 0 ? servers : undefined };
}

/** A DNS server as `ip`, `ip:port` or `[ipv6]:port`, the forms `Resolver.setServers` takes. */
function parseDnsServer(url: RegistryUrl, server: string): string {
  if (isIP(server)) return server;
  const { host } = parseHostPort(url, server);
  if (!isIP(host)) throw new ConfigError(`registry URL "${url.text}": server=${server} is not an IP address (with an optional :port)`);
  return server;
}

/** The `<service>=<value>` parameters: every parameter that is not an option. */
function serviceParams(url: RegistryUrl): Map<string, string> {
  const services = new Map<string, string>();
  for (const [name, value] of url.params) {
    if (DNS_OPTIONS.includes(name)) continue;
    if (value === "") throw new ConfigError(`registry URL "${url.text}": ${name}= has no value`);
    services.set(name, value);
  }
  return services;
}

function parseHostPort(url: RegistryUrl, address: string): { host: string; port: number } {
  const match = /^(\[[0-9a-f:.]+\]|[^:[\]]+):(\d{1,5})$/i.exec(address);
  const port = Number(match?.[2]);
  if (!match || !(port >= 1 && port <= 65_535)) {
    throw new ConfigError(`registry URL "${url.text}": "${address}" is not host:port (IPv6 as [addr]:port)`);
  }
  return { host: (match[1] ?? "").replace(/^\[(.*)\]$/, "$1"), port };
}

function optionalInteger(url: RegistryUrl, name: string, min: number, max: number): number | undefined {
  const raw = url.params.get(name);
  if (raw === null) return undefined;
  const value = Number(raw);
  if (!/^\d+$/.test(raw) || value < min || value > max) {
    throw new ConfigError(`registry URL "${url.text}": ${name}=${raw} is not an integer from ${min} to ${max}`);
  }
  return value;
}

function rejectUnknownParams(url: RegistryUrl, known: readonly string[]): void {
  for (const name of url.params.keys()) {
    if (!known.includes(name)) throw new ConfigError(`registry URL "${url.text}": unknown parameter ${name} (known: ${known.join(", ") || "none"})`);
  }
}
