/**
 * `gen-svc/runtime/registry`: every registry backend's class, for constructing one directly
 * rather than by URL. Kept out of `gen-svc/runtime` because etcd3, consul and multicast-dns take
 * time to load, and most services use one backend or none.
 */
export { ConsulRegistry } from "./consul.js";
export type { ConsulRegistryOptions } from "./consul.js";
export { DEFAULT_ETCD_PREFIX, EtcdRegistry } from "./etcd.js";
export type { EtcdRegistryOptions } from "./etcd.js";
export { defaultKubernetesServiceName, DnsDiscovery } from "./kubernetes-dns.js";
export type { DnsDiscoveryOptions, DnsLookups, DnsTarget } from "./kubernetes-dns.js";
export { defaultLocalRegistryDir, LocalRegistry } from "./local.js";
export type { LocalRegistryOptions } from "./local.js";
export { MdnsRegistry } from "./mdns.js";
export type { MdnsRegistryOptions } from "./mdns.js";
export { openRegistry, REGISTRY_OPENERS } from "./open.js";
export type { OpenRegistryOptions, RegistryOpener } from "./open.js";
export { parseRegistryUrl } from "./url.js";
export type { RegistryUrl } from "./url.js";
export { StaticRegistry, staticInstance } from "./static.js";
export type { Discovery, Registrar, ServiceInstance, ServiceRegistry, Transport } from "./types.js";
