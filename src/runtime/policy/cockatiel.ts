/**
 * cockatiel, loaded on first use: only services whose contract (or `POLICIES`) sets a concurrency
 * limit or a circuit breaker need it, and importing it costs a start-up about 10 ms (28 modules).
 * cockatiel is ESM-only; `require` of an ES module (Node >= 22.12, no top-level await in
 * cockatiel) returns the same module instance an `import` would, so `instanceof` checks hold.
 */
import { loadModule } from "../lazy-module.js";

/** The cockatiel module, loaded synchronously on the first call (then from the module cache). */
export function cockatiel(): typeof import("cockatiel") {
  return loadModule<typeof import("cockatiel")>("cockatiel");
}
