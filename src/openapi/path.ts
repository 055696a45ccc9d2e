/**
 * google.api.http path templates -> OpenAPI paths and path parameters.
 *
 * OpenAPI path templating has only `{name}`, one segment, with `/` percent-encoded in the value
 * (RFC 6570 simple expansion). A variable like `{name=shelves/*\/books/*}` therefore cannot be
 * one OpenAPI parameter: a standard client would send `shelves%2F1%2Fbooks%2F2`, which our
 * server (and every google.api.http server) does not route, since multi-segment variables keep
 * `%2F` encoded. So the variable is expanded in place, the gnostic way: its literals stay in the
 * path and each `*` becomes a parameter named after the literal before it
 * (`/v1/shelves/{shelf}/books/{book}`), which a standard client fills correctly; the operation's
 * `x-gen-svc-template` keeps the original template, i.e. which field the segments make up.
 * Expanding also keeps the paths apart: `/v1/{name=projects/*}` and
 * `/v1/{name=projects/*\/locations/*}` would both read `/v1/{name}`. A one-segment variable
 * (`{id}`, `{book.id=*}`) stays one parameter named by its field path and typed by its field.
 * `**` (any number of segments) cannot be expressed; it becomes one parameter whose pattern
 * allows `/`, with a description saying it is sent unescaped.
 */
import type { DescField, DescMessage } from "@bufbuild/protobuf";
import type { HttpBinding, PathSegment } from "../model/types.js";
import { describe, joinDescriptions } from "./notes.js";
import { fieldTypeSchema, omitUndefined, type SchemaContext } from "./schemas.js";
import type { Json } from "./wkt.js";

/** A path parameter: its OpenAPI name, schema, description. */
export interface PathParameter {
  name: string;
  schema: Json;
  description: string | undefined;
}

/** The OpenAPI form of one binding's path. */
export interface OpenApiPath {
  /** e.g. `/v1/shelves/{shelf}/books/{book}:publish`. */
  path: string;
  parameters: PathParameter[];
}

const oneSegment: Json = { type: "string", pattern: "^[^/]+$" };
const manySegments: Json = { type: "string", pattern: "^[^/].*$" };
const manyNote = "One or more path segments: its `/` are sent as they are, not percent-encoded.";

/** The OpenAPI path of a binding and its parameters, in path order. */
export function openApiPath(ctx: SchemaContext, binding: HttpBinding, input: DescMessage): OpenApiPath {
  const names = new Set<string>();
  const unique = (base: string) => {
    let name = base;
    for (let n = 2; names.has(name); n++) name = `${base}_${n}`;
    names.add(name);
    return name;
  };
  const pieces: string[] = [];
  const parameters: PathParameter[] = [];
  const addParameter = (base: string, schema: Json, description: string | undefined) => {
    const name = unique(base);
    pieces.push(`{${name}}`);
    parameters.push({ name, schema, description });
  };
  for (const [index, segment] of binding.template.segments.entries()) {
    if (segment.kind === "literal") pieces.push(segment.value);
    else if (segment.kind === "wildcard") addParameter(`segment${index + 1}`, oneSegment, "Any one segment (bound to no field).");
    else if (segment.kind === "deep_wildcard") addParameter("rest", manySegments, joinDescriptions("The rest of the path (bound to no field).", manyNote));
    else addVariable(ctx, segment, input, pieces, addParameter);
  }
  const verb = binding.template.verb === undefined ? "" : `:${binding.template.verb}`;
  return { path: `/${pieces.join("/")}${verb}`, parameters };
}

type Variable = Extract<PathSegment, { kind: "variable" }>;

function addVariable(
  ctx: SchemaContext,
  variable: Variable,
  input: DescMessage,
  pieces: string[],
  addParameter: (base: string, schema: Json, description: string | undefined) => void,
): void {
  const fieldName = variable.fieldPath.join(".");
  const field = resolveField(input, variable.fieldPath);
  if (variable.segments.length === 1 && variable.segments[0]!.kind === "wildcard") {
    addParameter(fieldName, leafSchema(ctx, field), describe(field));
    return;
  }
  if (variable.segments.length === 1 && variable.segments[0]!.kind === "deep_wildcard") {
    addParameter(fieldName, manySegments, joinDescriptions(describe(field), manyNote));
    return;
  }
  const shape = variable.segments.map((s) => (s.kind === "literal" ? s.value : s.kind === "wildcard" ? "*" : "**")).join("/");
  const partOf = `A segment of \`${fieldName}\`, which the path sets to \`${shape}\` with the segments filled in.`;
  let previous: string | undefined;
  for (const segment of variable.segments) {
    if (segment.kind === "literal") {
      pieces.push(segment.value);
      previous = segment.value;
      continue;
    }
    const base = previous === undefined ? lastName(variable.fieldPath) : singular(previous);
    if (segment.kind === "wildcard") addParameter(base, oneSegment, joinDescriptions(partOf, describe(field)));
    else addParameter(base, manySegments, joinDescriptions(partOf, manyNote, describe(field)));
    previous = undefined;
  }
}

/** A path variable's field (the model checked it exists), through singular message fields. */
function resolveField(message: DescMessage, fieldPath: readonly string[]): DescField {
  let current = message;
  let field: DescField | undefined;
  for (const name of fieldPath) {
    field = current.fields.find((f) => f.name === name);
    if (field?.message) current = field.message;
  }
  if (!field) throw new Error(`path variable ${fieldPath.join(".")} names no field of ${message.typeName}`);
  return field;
}

/** A one-segment variable's value: its field's type (a repeated scalar reads as comma-separated items). */
function leafSchema(ctx: SchemaContext, field: DescField): Json {
  const schema = fieldTypeSchema(ctx, field);
  return omitUndefined({ ...schema, description: undefined });
}

function lastName(fieldPath: readonly string[]): string {
  return fieldPath[fieldPath.length - 1]!;
}

/**
 * A collection name made singular for its member's parameter (`shelves` -> `shelf`,
 * `policies` -> `policy`, `books` -> `book`). A heuristic: a wrong guess only names a parameter.
 */
export function singular(word: string): string {
  const rules: Array<[RegExp, string]> = [
    [/ies$/, "y"],
    [/(ss|x|ch|sh)es$/, "$1"],
    [/lves$/, "lf"],
    [/([^s])s$/, "$1"],
  ];
  for (const [pattern, replacement] of rules) if (pattern.test(word)) return word.replace(pattern, replacement);
  return word;
}

/**
 * Makes paths that differ only in parameter names identical (OpenAPI forbids both, e.g. `GET
 * /v1/items/{id}` next to `DELETE /v1/items/{item_id}`): the first binding with a shape names
 * its parameters; later ones take those names by position. One namer per document.
 */
export function createPathNamer(): (path: OpenApiPath) => OpenApiPath {
  const firstNames = new Map<string, string[]>();
  return (path) => {
    const key = path.path.replace(/\{[^}]*\}/g, "{}");
    const names = firstNames.get(key);
    if (names === undefined) {
      firstNames.set(key, path.parameters.map((p) => p.name));
      return path;
    }
    let i = 0;
    return {
      path: path.path.replace(/\{[^}]*\}/g, () => `{${names[i++]}}`),
      parameters: path.parameters.map((p, index) => {
        const name = names[index]!;
        return name === p.name ? p : { ...p, name, description: joinDescriptions(`\`${p.name}\` in this operation's template.`, p.description) };
      }),
    };
  };
}
