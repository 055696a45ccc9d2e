/**
 * `ctx.signal` made on first read, for the transports' call contexts. An AbortController and its
 * signal cost a few µs, a real share of a small call, and most calls never read the signal. A
 * getter written in each context's object literal would be a new function per call and give every
 * context its own hidden class (slowing every `ctx.*` read along the chain), so every context
 * shares one accessor and finds its call through a symbol-keyed property. A `{ ...ctx }` copy
 * reads the getter, so the copy holds the signal itself.
 */

/** Where a context's signal comes from: the transport's state of the call. */
export interface SignalSource {
  /** The call's signal, made on the first read. */
  readonly signal: AbortSignal;
}

const SOURCE = Symbol("gen-svc.signalSource");

/** The getter of every context's `signal`: one function, so one hidden class for all contexts. */
function signalOfContext(this: { readonly [SOURCE]: SignalSource }): AbortSignal {
  return this[SOURCE].signal;
}

const SIGNAL_PROPERTY: PropertyDescriptor = Object.freeze({ get: signalOfContext, enumerable: true, configurable: true });

/** Gives `ctx` a `signal` that `source` makes when it is first read. */
export function defineLazySignal<T extends object>(ctx: T, source: SignalSource): T & { readonly signal: AbortSignal } {
  (ctx as T & { [SOURCE]: SignalSource })[SOURCE] = source;
  return Object.defineProperty(ctx, "signal", SIGNAL_PROPERTY) as T & { readonly signal: AbortSignal };
}
