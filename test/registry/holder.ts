// A child process that registers one instance in the registry a URL names and holds it until
// killed: `node --import ./ts-hooks.mjs holder.ts <registry-url> <instance-json>`. Prints
// "registered" once the registration is visible.
import { openRegistry } from "../../src/runtime/registry/open.js";
import type { ServiceInstance } from "../../src/runtime/registry/types.js";

const [url, instanceJson] = process.argv.slice(2);
if (!url || !instanceJson) throw new Error("usage: holder.ts <registry-url> <instance-json>");
const registry = await openRegistry(url);
await registry.register(JSON.parse(instanceJson) as ServiceInstance);
process.stdout.write("registered\n");
// Held until the test kills this process (the registry's timers are unref'd).
setInterval(() => undefined, 60_000);
