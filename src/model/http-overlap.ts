/**
 * HTTP bindings that match the same requests inside one package (one package is one HTTP
 * server). The first binding in declaration order keeps the route; the later ones are left out
 * of the model with a warning, so that the router, the OpenAPI document and the clients all
 * agree on who serves a route.
 *
 * Why a warning and not an error: real contracts have such pairs. Google's BigQuery Storage API
 * binds GetWriteStream and FinalizeWriteStream to the same `POST /v1/{name=...}` (and ReadRows
 * and SplitReadStream to the same GET shape); the API is served over gRPC only, and its users
 * must still be able to generate it. The gRPC side of a method is never affected.
 */
import { formatLocation } from "./errors.js";
import { routeKey } from "../runtime/http/path-template.js";
import type { GenerationWarning, HttpBinding, MethodModel } from "./types.js";

interface Owner {
  method: MethodModel;
  binding: HttpBinding;
}

/**
 * Removes, from each method's `http`, the bindings that an earlier binding of the package
 * already serves (same HTTP method, same route shape: `/v1/{name}` and `/v1/{id=*}` collide),
 * and returns one warning per removed binding naming both methods.
 */
export function dropShadowedBindings(methods: readonly MethodModel[]): GenerationWarning[] {
  const owners = new Map<string, Owner>();
  const warnings: GenerationWarning[] = [];
  for (const method of methods) {
    method.http = method.http.filter((binding) => {
      const key = `${binding.method} ${routeKey(binding.template)}`;
      const owner = owners.get(key);
      if (!owner) owners.set(key, { method, binding });
      else warnings.push(shadowWarning({ method, binding }, owner));
      return !owner;
    });
  }
  return warnings;
}

function shadowWarning(shadowed: Owner, owner: Owner): GenerationWarning {
  const where = owner.binding.location ? ` (${formatLocation(owner.binding.location)})` : "";
  return {
    message:
      `HTTP binding ${describe(shadowed)} matches the same requests as ${describe(owner)}${where}, ` +
      `which is declared first; it is left out of the HTTP routes (the gRPC method is unaffected)`,
    location: shadowed.binding.location ?? shadowed.method.location,
  };
}

function describe({ method, binding }: Owner): string {
  return `${binding.method} "${binding.pattern}" of ${method.desc.parent.typeName}.${method.name}`;
}
