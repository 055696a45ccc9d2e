/** The routes of the HTTP transport: every binding of every method, pointing at its endpoint. */
import type { DescMethod } from "@bufbuild/protobuf";
import { unimplementedEndpoint, type Endpoint } from "../endpoint.js";
import type { MethodSpec, ServiceSpec } from "../spec.js";
import type { RouteInput } from "./router.js";
import { annotatedRules, defaultRule, type HttpRuleSpec } from "./rules.js";

/** A service and the endpoints of its methods (by local name), as the gRPC transport gets them. */
export interface ServiceEndpoints {
  readonly spec: ServiceSpec;
  readonly endpoints: Readonly<Record<string, Endpoint | undefined>>;
}

/** What one route leads to. */
export interface CallRoute {
  readonly method: MethodSpec;
  readonly descriptor: DescMethod;
  readonly rule: HttpRuleSpec;
  readonly endpoint: Endpoint;
}

/**
 * The routes of all services: annotated bindings first, then (when `defaultRoutes`) the
 * `POST /<package>.<Service>/<Method>` binding of every method. Throws when a service was not
 * defined from protobuf-es descriptors, which the HTTP transport needs for JSON.
 */
export function callRoutes(services: readonly ServiceEndpoints[], defaultRoutes: boolean): Array<RouteInput<CallRoute>> {
  const routes: Array<RouteInput<CallRoute>> = [];
  for (const { spec, endpoints } of services) {
    for (const method of Object.values(spec.methods)) {
      const descriptor = method.descriptor;
      if (!descriptor) throw new TypeError(`HTTP transport: ${method.path} has no protobuf-es descriptor (define the service with defineService)`);
      const endpoint = endpoints[method.localName] ?? unimplementedEndpoint(method);
      const rules = [...annotatedRules(descriptor), ...(defaultRoutes ? [defaultRule(descriptor)] : [])];
      for (const rule of rules) routes.push({ httpMethod: rule.method, pattern: rule.pattern, target: { method, descriptor, rule, endpoint } });
    }
  }
  return routes;
}
