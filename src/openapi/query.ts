/**
 * Query parameters of a binding: every field the path and the body leave unbound that the
 * query string can carry (scalars, enums, their repeated forms, and the well-known types whose
 * JSON is a string or number), named by json name, nested ones as `a.b` (wire doc, "Bindings").
 */
import type { DescField, DescMessage } from "@bufbuild/protobuf";
import type { HttpBinding } from "../model/types.js";
import { templateVariables } from "../runtime/http/path-template.js";
import { describe } from "./notes.js";
import { omitUndefined, valueSchema, type SchemaContext } from "./schemas.js";
import type { Json } from "./wkt.js";

/** Message types whose JSON is one string or number, so one query value carries them. */
const scalarLikeMessages = new Set(
  ["Timestamp", "Duration", "FieldMask", "DoubleValue", "FloatValue", "Int64Value", "UInt64Value", "Int32Value", "UInt32Value", "BoolValue", "StringValue", "BytesValue"].map(
    (name) => `google.protobuf.${name}`,
  ),
);

/**
 * Nested messages are followed this deep at most. Real request messages are shallow; the limit
 * keeps a wide, deep (but acyclic) message from listing thousands of parameters.
 */
const maxDepth = 4;

/** The query parameters of a binding (none when the body is `*`). */
export function queryParameters(ctx: SchemaContext, binding: HttpBinding, input: DescMessage): Json[] {
  if (binding.body === "*") return [];
  const bound = new Set(templateVariables(binding.template).map((v) => v.fieldPath.join(".")));
  if (binding.body !== undefined) bound.add(binding.body);
  const parameters: Json[] = [];
  collect(ctx, input, { protoPrefix: "", jsonPrefix: "", depth: 0, ancestors: [input], bound }, parameters);
  return parameters;
}

interface Walk {
  protoPrefix: string;
  jsonPrefix: string;
  depth: number;
  /** Messages on the way down: a message inside itself is not followed again. */
  ancestors: DescMessage[];
  /** Proto field paths bound by the path or the body. */
  bound: Set<string>;
}

function collect(ctx: SchemaContext, message: DescMessage, walk: Walk, out: Json[]): void {
  for (const field of message.fields) {
    const protoPath = walk.protoPrefix + field.name;
    if (walk.bound.has(protoPath)) continue;
    const name = walk.jsonPrefix + field.jsonName;
    const schema = querySchema(ctx, field);
    if (schema !== undefined) {
      out.push(parameter(name, schema, field));
    } else if (field.fieldKind === "message" && followable(field.message, walk)) {
      const next: Walk = { ...walk, protoPrefix: `${protoPath}.`, jsonPrefix: `${name}.`, depth: walk.depth + 1, ancestors: [...walk.ancestors, field.message] };
      collect(ctx, field.message, next, out);
    }
  }
}

function followable(message: DescMessage, walk: Walk): boolean {
  return walk.depth < maxDepth && !walk.ancestors.includes(message) && !message.typeName.startsWith("google.protobuf.");
}

/** The schema of a query-bindable field, or undefined for maps and messages (other than scalar-like WKTs). */
function querySchema(ctx: SchemaContext, field: DescField): Json | undefined {
  switch (field.fieldKind) {
    case "scalar":
    case "enum":
      return valueSchema(ctx, field.fieldKind, field);
    case "message":
      return scalarLikeMessages.has(field.message.typeName) ? valueSchema(ctx, "message", field) : undefined;
    case "list":
      if (field.listKind === "message" && !scalarLikeMessages.has(field.message.typeName)) return undefined;
      return { type: "array", items: valueSchema(ctx, field.listKind, field) };
    case "map":
      return undefined;
  }
}

function parameter(name: string, schema: Json, field: DescField): Json {
  const repeated = schema.type === "array";
  return omitUndefined({
    name,
    in: "query",
    description: describe(field),
    deprecated: field.deprecated ? true : undefined,
    schema,
    // Repeated fields repeat the key: `ids=1&ids=2`.
    style: repeated ? "form" : undefined,
    explode: repeated ? true : undefined,
  });
}
