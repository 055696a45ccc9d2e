/**
 * State kept per method (a token bucket, a bulkhead, a breaker) and the effective policy of a
 * method: the generated one with the `POLICIES` overrides applied, computed once per method.
 */
import type { MethodSpec } from "../spec.js";
import { applyOverrides, type PolicyOverrides } from "./overrides.js";
import type { MethodPolicy } from "./types.js";

/** The effective policy of each method, by path, overrides applied once. */
export class PolicyTable {
  private readonly resolved = new Map<string, MethodPolicy | undefined>();

  constructor(private readonly overrides: PolicyOverrides = {}) {}

  /** The method's policy: its spec's, overridden by `POLICIES`; undefined when it has none. */
  of(method: MethodSpec): MethodPolicy | undefined {
    if (this.resolved.has(method.path)) return this.resolved.get(method.path);
    const policy = applyOverrides(method, this.overrides);
    this.resolved.set(method.path, policy);
    return policy;
  }
}

/** Lazily created state per key (a method path, a path plus a metadata value). */
export class StateMap<T> {
  private readonly states = new Map<string, T>();

  constructor(private readonly maxEntries = 10_000) {}

  /** The state of `key`, created by `make` on first use. */
  get(key: string, make: () => T, canForget?: (state: T) => boolean): T {
    let state = this.states.get(key);
    if (state === undefined) {
      if (this.states.size >= this.maxEntries) this.forget(canForget);
      state = make();
      this.states.set(key, state);
    }
    return state;
  }

  // Keys come from callers (metadata values), so the map must not grow without bound: drop
  // states that hold nothing worth keeping, else the oldest.
  private forget(canForget: ((state: T) => boolean) | undefined): void {
    for (const [key, state] of this.states) {
      if (canForget?.(state)) this.states.delete(key);
    }
    if (this.states.size >= this.maxEntries) this.states.delete(this.states.keys().next().value as string);
  }
}
