/**
 * State kept per method (a token bucket, a bulkhead, a breaker) and the effective policy of a
 * method: the generated one with the `POLICIES` overrides applied, computed once per method.
 */
import type { Endpoint, Middleware } from "../endpoint.js";
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

/**
 * A middleware that picks, on a method's first call, the endpoint its calls go through. A chain
 * is built per method, so a method without the policy pays one identity check per call and no
 * lookup, closure or promise; a chain shared by several methods decides again when they alternate.
 */
export function decidedPerMethod(decide: (method: MethodSpec, next: Endpoint) => Endpoint): Middleware {
  return (next) => {
    let decidedFor: MethodSpec | undefined;
    let endpoint: Endpoint = next;
    return (ctx, input) => {
      if (decidedFor !== ctx.method) {
        decidedFor = ctx.method;
        endpoint = decide(ctx.method, next);
      }
      return endpoint(ctx, input);
    };
  };
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
