/**
 * Applying middleware to some methods only (Go kit's `WrapAllExcept`, Kratos' selector). A method
 * is matched by service (`pkg.Service`), by method (`pkg.Service/Method`, with or without the
 * leading slash of the gRPC path) or by a predicate.
 */
import type { Endpoint, Middleware } from "../endpoint.js";
import type { MethodSpec } from "../spec.js";

/** Names a service or a method, or decides for itself. */
export type MethodMatcher = string | ((method: MethodSpec) => boolean);

/** Wraps only the calls of methods `matchers` select; others go straight to the next endpoint. */
export function onlyFor(matchers: readonly MethodMatcher[], middleware: Middleware): Middleware {
  return selected(compile(matchers), middleware);
}

/** Wraps every call except those of methods `matchers` select. */
export function exceptFor(matchers: readonly MethodMatcher[], middleware: Middleware): Middleware {
  const matches = compile(matchers);
  return selected((method) => !matches(method), middleware);
}

function selected(applies: (method: MethodSpec) => boolean, middleware: Middleware): Middleware {
  return (next: Endpoint): Endpoint => {
    const wrapped = middleware(next);
    // Decided once per method: the endpoint of a method always sees the same spec.
    const decisions = new WeakMap<MethodSpec, boolean>();
    return (ctx, input) => {
      let applied = decisions.get(ctx.method);
      if (applied === undefined) decisions.set(ctx.method, (applied = applies(ctx.method)));
      return applied ? wrapped(ctx, input) : next(ctx, input);
    };
  };
}

function compile(matchers: readonly MethodMatcher[]): (method: MethodSpec) => boolean {
  const tests = matchers.map((matcher) => (typeof matcher === "function" ? matcher : nameMatcher(matcher)));
  return (method) => tests.some((test) => test(method));
}

function nameMatcher(pattern: string): (method: MethodSpec) => boolean {
  const name = pattern.startsWith("/") ? pattern.slice(1) : pattern;
  if (name.includes("/")) return (method) => method.path === `/${name}`;
  return (method) => method.serviceName === name;
}
