/**
 * The HTTP bindings of a method as the runtime sees them: read from the `google.api.http` option
 * of its descriptor (the generator has already checked them), or the default binding
 * `POST /<package>.<Service>/<Method>` for a method without one.
 */
import { getOption, hasOption, type DescMethod } from "@bufbuild/protobuf";
import { http } from "../gen/google/api/annotations_pb.js";
import type { HttpRule } from "../gen/google/api/http_pb.js";

/** One binding: an HTTP method and path template, and where the body goes in and out. */
export interface HttpRuleSpec {
  /** `GET`, `POST`, ... or a custom method name as written (`HEAD`, or `*` for any). */
  readonly method: string;
  /** The path template, e.g. `/v1/{name=shelves/*}`. */
  readonly pattern: string;
  /** `*`, a request field (path), or undefined for no body. */
  readonly body: string | undefined;
  /** A response field (path) sent instead of the whole response, or undefined. */
  readonly responseBody: string | undefined;
  /** True for the `POST /pkg.Service/Method` binding of a method without annotations. */
  readonly isDefault: boolean;
}

const verbs = { get: "GET", put: "PUT", post: "POST", delete: "DELETE", patch: "PATCH" } as const;

/** The annotated bindings of a method, main rule first; empty when it has none. */
export function annotatedRules(method: DescMethod): HttpRuleSpec[] {
  if (!hasOption(method, http)) return [];
  const rule = getOption(method, http);
  return [rule, ...rule.additionalBindings].flatMap((r) => {
    const spec = toSpec(r);
    return spec ? [spec] : [];
  });
}

/** The binding every method gets unless turned off: `POST /<package>.<Service>/<Method>`, body `*`. */
export function defaultRule(method: DescMethod): HttpRuleSpec {
  return { method: "POST", pattern: `/${method.parent.typeName}/${method.name}`, body: "*", responseBody: undefined, isDefault: true };
}

function toSpec(rule: HttpRule): HttpRuleSpec | undefined {
  const p = rule.pattern;
  const body = rule.body === "" ? undefined : rule.body;
  const responseBody = rule.responseBody === "" ? undefined : rule.responseBody;
  switch (p.case) {
    case undefined:
      return undefined;
    case "custom":
      return { method: p.value.kind, pattern: p.value.path, body, responseBody, isDefault: false };
    default:
      return { method: verbs[p.case], pattern: p.value, body, responseBody, isDefault: false };
  }
}
