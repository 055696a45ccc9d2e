/**
 * The authentication middleware: enforces each method's `auth` policy (its `MethodSpec.policy`):
 * the mode's authenticator verifies the caller, then every required scope and at least one of the
 * listed roles must be held. The verified caller reaches later middleware and the handler as
 * `ctx.auth`. Methods without an auth policy, or with mode `none`, pass untouched.
 */
import { Code } from "../code.js";
import { ConfigError } from "../config-error.js";
import type { Middleware } from "../endpoint.js";
import { ServiceError } from "../errors.js";
import { applyOverrides, type PolicyOverrides } from "../policy/overrides.js";
import { PolicyTable } from "../policy/per-method.js";
import type { AuthPolicy } from "../policy/types.js";
import type { MethodSpec } from "../spec.js";
import { permissionDenied } from "./errors.js";
import type { Authenticator } from "./jwt.js";
import type { AuthMode, Principal } from "./principal.js";

/** One authenticator per mode the service's methods use. */
export type Authenticators = Partial<Record<Exclude<AuthMode, "none">, Authenticator>>;

/** The auth policy of a method (its spec's, with `POLICIES` overrides applied), or undefined when it has none. */
export function authPolicyOf(method: MethodSpec, overrides: PolicyOverrides = {}): AuthPolicy | undefined {
  return applyOverrides(method, overrides)?.auth;
}

/** Options of {@link authentication}. */
export interface AuthenticationOptions {
  /** Run-time overrides of the contract's policies (the `POLICIES` setting). */
  readonly overrides?: PolicyOverrides;
}

/** The middleware; see the module comment. */
export function authentication(authenticators: Authenticators, options: AuthenticationOptions = {}): Middleware {
  const policies = new PolicyTable(options.overrides);
  return (next) => async (ctx, request) => {
    const policy = policies.of(ctx.method)?.auth;
    if (policy === undefined || policy.mode === "none") return next(ctx, request);
    const authenticate = authenticators[policy.mode];
    // startService refuses to start in this state; a hand-built chain may still get here.
    if (!authenticate) throw new ServiceError(Code.INTERNAL, "internal error", { cause: new Error(`no authenticator for auth mode ${policy.mode}`) });
    const principal = await authenticate(ctx);
    authorize(principal, policy);
    return next({ ...ctx, auth: principal }, request);
  };
}

/** Throws PERMISSION_DENIED unless `principal` holds every scope and (when roles are listed) one role. */
export function authorize(principal: Principal, policy: Pick<AuthPolicy, "scopes" | "roles">): void {
  const missing = policy.scopes.filter((scope) => !principal.scopes.includes(scope));
  if (missing.length > 0) throw permissionDenied(`missing scope${missing.length > 1 ? "s" : ""}: ${missing.join(" ")}`);
  if (policy.roles.length > 0 && !policy.roles.some((role) => principal.roles.includes(role))) {
    throw permissionDenied(`requires one of the roles: ${policy.roles.join(", ")}`);
  }
}

/** The modes `methods` need (with `overrides` applied), other than none. */
export function modesUsed(methods: Iterable<MethodSpec>, overrides: PolicyOverrides = {}): Set<Exclude<AuthMode, "none">> {
  const modes = new Set<Exclude<AuthMode, "none">>();
  for (const method of methods) {
    const mode = authPolicyOf(method, overrides)?.mode;
    if (mode !== undefined && mode !== "none") modes.add(mode);
  }
  return modes;
}

/** Throws ConfigError naming the first auth mode that `methods` use and `authenticators` lack. */
export function requireAuthenticators(authenticators: Authenticators, methods: Iterable<MethodSpec>, overrides: PolicyOverrides = {}): void {
  for (const mode of modesUsed(methods, overrides)) {
    if (!authenticators[mode]) throw new ConfigError(`auth mode ${mode}: methods require it but no authenticator is configured for it`);
  }
}
