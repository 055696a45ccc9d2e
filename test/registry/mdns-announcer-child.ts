/**
 * A process that announces one instance over mDNS and then just stays up, so the scenario can kill
 * it (SIGKILL: no goodbye) and measure how soon watchers forget it. Runs only inside the private
 * network namespace of mdns-scenario.ts. Environment: MDNS_INSTANCE_ID, MDNS_SERVICE, MDNS_TTL_S,
 * MDNS_HEARTBEAT_MS. Prints "announced".
 */
import { MdnsRegistry } from "../../src/runtime/registry/mdns.js";

const env = (name: string): string => {
  const value = process.env[name];
  if (value === undefined || value === "") throw new Error(`${name} is not set`);
  return value;
};

const registry = new MdnsRegistry({
  socket: { interface: "127.0.0.1", bind: "0.0.0.0" },
  ttlSeconds: Number(env("MDNS_TTL_S")),
  heartbeatMs: Number(env("MDNS_HEARTBEAT_MS")),
});
await registry.register({
  service: env("MDNS_SERVICE"),
  id: env("MDNS_INSTANCE_ID"),
  host: "127.0.0.1",
  ports: { grpc: 50_061 },
  version: "2.0.0",
  metadata: { zone: "lan" },
});
process.stdout.write("announced\n");
// The open multicast socket keeps the process alive until it is killed.
