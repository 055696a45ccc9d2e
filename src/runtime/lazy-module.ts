/**
 * Loading a dependency when it is first needed instead of at start-up (jose, undici, cockatiel,
 * ws, parts of OpenTelemetry): each would cost every service's start-up milliseconds whether or
 * not it uses them. `require` loads synchronously, so callers stay synchronous; for an ES module
 * without top-level await (Node >= 22.12) it returns the instance an `import` would give, so
 * `instanceof` checks hold. One `require` for the runtime: made once, modules then come from
 * Node's cache.
 */
import { createRequire } from "node:module";

const require = createRequire(import.meta.url);

/** The module `specifier` names, loaded on the first call, from Node's module cache after that. */
export function loadModule<T>(specifier: string): T {
  return require(specifier) as T;
}
