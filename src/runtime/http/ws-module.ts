/**
 * The `ws` package, loaded on first use: only services that stream over WebSocket (and clients that
 * call them) need it, and loading it costs a start-up several milliseconds. Its CommonJS module is
 * what its ES wrapper re-exports, so the classes are the same either way.
 */
import { loadModule } from "../lazy-module.js";

/** The `ws` module, loaded synchronously on the first call (then from the module cache). */
export function wsModule(): typeof import("ws") {
  return loadModule<typeof import("ws")>("ws");
}
