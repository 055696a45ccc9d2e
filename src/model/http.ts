/**
 * `google.api.http` rules -> HttpBinding, checked at generation time against the method's
 * messages so that a typo in a template is a compiler-style error, not a 404 at run time.
 */
import { getOption, hasOption, type DescField, type DescMessage, type DescMethod } from "@bufbuild/protobuf";
import { GenerationError } from "./errors.js";
import { http } from "./gen/google/api/annotations_pb.js";
import { CustomHttpPatternSchema, HttpRuleSchema, type HttpRule } from "./gen/google/api/http_pb.js";
import { locate, optionsField } from "./location.js";
import { parsePathTemplate, templateVariables, TemplateSyntaxError } from "../runtime/http/path-template.js";
import type { HttpBinding, PathTemplate } from "./types.js";

/** Where something sits under the method declaration, as a source path suffix (`[4, 72295728, ...]`). */
type RulePath = number[];

const ruleField = HttpRuleSchema.field;
const standardMethods = { get: "GET", put: "PUT", post: "POST", delete: "DELETE", patch: "PATCH" } as const;

// Message types whose JSON form is a single string or number, so a path segment can carry them
// (grpc-gateway accepts them in paths; the runtime parses the segment as the type's JSON).
const scalarLikeMessages = new Set(
  ["Timestamp", "Duration", "FieldMask", "DoubleValue", "FloatValue", "Int64Value", "UInt64Value", "Int32Value", "UInt32Value", "BoolValue", "StringValue", "BytesValue"].map(
    (name) => `google.protobuf.${name}`,
  ),
);

/** The HTTP bindings of a method: its `google.api.http` rule, then its additional bindings. */
export function httpBindings(method: DescMethod): HttpBinding[] {
  if (!hasOption(method, http)) return [];
  const rule = getOption(method, http);
  const base = [optionsField(method), http.number];
  const bindings = [toBinding(method, rule, base)];
  rule.additionalBindings.forEach((extra, i) => {
    const path = [...base, ruleField.additionalBindings.number, i];
    if (extra.additionalBindings.length > 0) {
      fail(method, path.concat(ruleField.additionalBindings.number), "additional_bindings must not contain additional_bindings (nesting is one level deep)");
    }
    bindings.push(toBinding(method, extra, path));
  });
  return bindings;
}

function toBinding(method: DescMethod, rule: HttpRule, path: RulePath): HttpBinding {
  const { verb, pattern, patternPath } = patternOf(method, rule, path);
  const template = parseTemplate(method, pattern, patternPath);
  checkVariables(method, template, patternPath);
  checkBody(method, rule.body, path);
  checkResponseBody(method, rule.responseBody, path);
  return {
    method: verb,
    pattern,
    template,
    body: rule.body === "" ? undefined : rule.body,
    responseBody: rule.responseBody === "" ? undefined : rule.responseBody,
    location: locate(method, path),
  };
}

function patternOf(method: DescMethod, rule: HttpRule, path: RulePath): { verb: string; pattern: string; patternPath: RulePath } {
  const p = rule.pattern;
  switch (p.case) {
    case undefined:
      return fail(method, path, "has no pattern: set one of get, put, post, delete, patch or custom");
    case "custom": {
      const patternPath = [...path, ruleField.custom.number, CustomHttpPatternSchema.field.path.number];
      // An HTTP token (RFC 9110), or "*" for any method, as http.proto allows.
      if (!/^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/.test(p.value.kind)) {
        fail(method, [...path, ruleField.custom.number], `custom kind "${p.value.kind}" is not an HTTP method name`);
      }
      return { verb: p.value.kind, pattern: p.value.path, patternPath };
    }
    default:
      return { verb: standardMethods[p.case], pattern: p.value, patternPath: [...path, ruleField[p.case].number] };
  }
}

function parseTemplate(method: DescMethod, pattern: string, patternPath: RulePath): PathTemplate {
  try {
    return parsePathTemplate(pattern);
  } catch (e) {
    if (e instanceof TemplateSyntaxError) fail(method, patternPath, `path template "${pattern}": ${e.message}`);
    throw e;
  }
}

/** Path variables must name a singular scalar leaf of the request (grpc-gateway also allows repeated scalars). */
function checkVariables(method: DescMethod, template: PathTemplate, patternPath: RulePath): void {
  for (const variable of templateVariables(template)) {
    const name = variable.fieldPath.join(".");
    const field = resolveField(method, method.input, variable.fieldPath, patternPath, `path variable "${name}"`);
    if (!isPathLeaf(field)) {
      fail(method, patternPath, `path variable "${name}" must be a scalar or enum field, but ${method.input.typeName}.${name} is ${describeKind(field)}`);
    }
  }
}

function isPathLeaf(field: DescField): boolean {
  switch (field.fieldKind) {
    case "scalar":
    case "enum":
      return true;
    case "list":
      return field.listKind !== "message";
    case "message":
      return scalarLikeMessages.has(field.message.typeName);
    case "map":
      return false;
  }
}

function describeKind(field: DescField): string {
  switch (field.fieldKind) {
    case "message":
      return `a message (${field.message.typeName})`;
    case "list":
      return "a repeated message field";
    case "map":
      return "a map";
    default:
      return field.fieldKind;
  }
}

function checkBody(method: DescMethod, body: string, path: RulePath): void {
  if (body === "" || body === "*") return;
  checkBodyField(method, method.input, body, [...path, ruleField.body.number], "body");
}

function checkResponseBody(method: DescMethod, responseBody: string, path: RulePath): void {
  if (responseBody === "") return;
  checkBodyField(method, method.output, responseBody, [...path, ruleField.responseBody.number], "response_body");
}

// http.proto asks for a top-level field, but grpc-gateway follows field paths and real contracts
// use them (its a_bit_of_everything example: `body: "payload.input_value"`). Any leaf kind is
// fine, repeated ones included.
function checkBodyField(method: DescMethod, message: DescMessage, name: string, path: RulePath, what: string): void {
  const fieldPath = name.split(".");
  if (!fieldPath.every((part) => /^[A-Za-z_][A-Za-z0-9_]*$/.test(part))) fail(method, path, `${what} "${name}" is not a field path`);
  resolveField(method, message, fieldPath, path, `${what} "${name}"`);
}

/** Follows `a.b.c` through singular message fields; every step must exist. */
function resolveField(method: DescMethod, message: DescMessage, fieldPath: string[], path: RulePath, what: string): DescField {
  let current = message;
  let field: DescField | undefined;
  for (const [i, name] of fieldPath.entries()) {
    field = current.fields.find((f) => f.name === name);
    const prefix = fieldPath.slice(0, i + 1).join(".");
    if (!field) fail(method, path, `${what}: ${current.typeName} has no field "${name}"`);
    if (i === fieldPath.length - 1) break;
    if (field.fieldKind !== "message") {
      fail(method, path, `${what}: ${message.typeName}.${prefix} is not a singular message field, so it has no field "${fieldPath[i + 1]}"`);
    }
    current = field.message;
  }
  if (!field) fail(method, path, `${what}: empty field path`);
  return field;
}

function fail(method: DescMethod, path: RulePath, message: string): never {
  throw new GenerationError(`google.api.http of ${method.parent.typeName}.${method.name}: ${message}`, locate(method, path));
}
