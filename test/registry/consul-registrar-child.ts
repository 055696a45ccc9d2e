/**
 * A process that registers one instance with a Consul agent and then does nothing but keep it
 * alive, so a test can kill it (SIGKILL: no deregistration) and watch the TTL check expire.
 * Environment: CONSUL_PORT, INSTANCE_ID, SERVICE, TTL_MS, CRITICAL_MS. Prints "registered".
 */
import { ConsulRegistry } from "../../src/runtime/registry/consul.js";

const env = (name: string): string => {
  const value = process.env[name];
  if (value === undefined || value === "") throw new Error(`${name} is not set`);
  return value;
};

const registry = new ConsulRegistry({
  port: Number(env("CONSUL_PORT")),
  ttlMs: Number(env("TTL_MS")),
  deregisterCriticalAfterMs: Number(env("CRITICAL_MS")),
});
await registry.register({
  service: env("SERVICE"),
  id: env("INSTANCE_ID"),
  host: "127.0.0.1",
  ports: { grpc: 50_051 },
  version: "1.0.0",
  metadata: { role: "child" },
});
process.stdout.write("registered\n");
// The heartbeat timer does not hold the process open (a service's servers do); this does.
setInterval(() => undefined, 60_000);
