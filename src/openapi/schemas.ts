/**
 * Messages and enums -> OpenAPI 3.1 (JSON Schema 2020-12) component schemas, in the canonical
 * proto3 JSON mapping: json names, 64-bit integers as strings, enums by name, maps as objects,
 * well-known types in their special forms. Every message and enum is one component named by its
 * full proto name and referenced with `$ref`, so recursive messages need nothing special.
 */
import { ScalarType, type DescEnum, type DescExtension, type DescField, type DescMessage } from "@bufbuild/protobuf";
import { describe, fieldBehaviorsOf, joinDescriptions } from "./notes.js";
import { nullValueTypeName, scalarSchema, schemaRef, wellKnownSchema, type Json } from "./wkt.js";

/** The components collected while building one document (name -> schema), and how to read field options. */
export interface SchemaContext {
  readonly components: Map<string, Json>;
  readonly fieldBehavior: DescExtension | undefined;
}

/** A reference to a message's component schema, adding it (and what it reaches) to the context. */
export function messageRef(ctx: SchemaContext, message: DescMessage): Json {
  if (!ctx.components.has(message.typeName)) {
    // Registered before its fields are visited, so a message that contains itself terminates.
    ctx.components.set(message.typeName, {});
    ctx.components.set(message.typeName, wellKnownSchema(message.typeName) ?? messageSchema(ctx, message));
  }
  return schemaRef(message.typeName);
}

/** A reference to an enum's component schema, adding it to the context. */
export function enumRef(ctx: SchemaContext, enumDesc: DescEnum): Json {
  if (!ctx.components.has(enumDesc.typeName)) ctx.components.set(enumDesc.typeName, enumSchema(enumDesc));
  return schemaRef(enumDesc.typeName);
}

/** The schema of one value of a field: a singular value, a list element or a map value. */
export function valueSchema(ctx: SchemaContext, kind: "scalar" | "enum" | "message", field: DescField): Json {
  switch (kind) {
    case "scalar":
      return scalarSchema(field.scalar as ScalarType);
    case "enum":
      return enumRef(ctx, field.enum!);
    case "message":
      return messageRef(ctx, field.message!);
  }
}

/** The schema of a field's whole JSON value (arrays for repeated fields, objects for maps), without notes. */
export function fieldTypeSchema(ctx: SchemaContext, field: DescField): Json {
  switch (field.fieldKind) {
    case "scalar":
    case "enum":
    case "message":
      return valueSchema(ctx, field.fieldKind, field);
    case "list":
      return { type: "array", items: valueSchema(ctx, field.listKind, field) };
    case "map":
      return {
        type: "object",
        additionalProperties: valueSchema(ctx, field.mapKind, field),
        // JSON object keys are strings; integer and bool keys are written as their decimal/`true` text.
        ...(field.mapKey === ScalarType.STRING ? {} : { description: "Keys are the map's keys as text." }),
      };
  }
}

function messageSchema(ctx: SchemaContext, message: DescMessage): Json {
  const properties: Json = {};
  const required: string[] = [];
  for (const field of message.fields) {
    const behaviors = fieldBehaviorsOf(field, ctx.fieldBehavior);
    properties[field.jsonName] = fieldSchema(ctx, field, behaviors);
    // proto2 `required`, or google.api.field_behavior REQUIRED (not for output-only fields,
    // which a request never carries).
    if ((behaviors.required && !behaviors.outputOnly) || field.proto.label === 2) required.push(field.jsonName);
  }
  const oneofs = message.oneofs.map((oneof) => ({ name: oneof.name, members: oneof.fields.map((f) => f.jsonName) }));
  return omitUndefined({
    type: "object",
    description: joinDescriptions(describe(message), ...oneofs.map((o) => `Oneof \`${o.name}\`: at most one of ${o.members.map((m) => `\`${m}\``).join(", ")} may be set.`)),
    properties,
    required: required.length > 0 ? required : undefined,
    deprecated: message.deprecated ? true : undefined,
    "x-gen-svc-oneofs": oneofs.length > 0 ? Object.fromEntries(oneofs.map((o) => [o.name, o.members])) : undefined,
  });
}

function fieldSchema(ctx: SchemaContext, field: DescField, behaviors: ReturnType<typeof fieldBehaviorsOf>): Json {
  const own = fieldTypeSchema(ctx, field);
  const oneofNote = field.oneof ? `Member of oneof \`${field.oneof.name}\` (at most one member is set).` : undefined;
  return omitUndefined({
    ...own,
    description: joinDescriptions(describe(field), typeof own.description === "string" ? own.description : undefined, oneofNote),
    deprecated: field.deprecated ? true : undefined,
    readOnly: behaviors.outputOnly ? true : undefined,
    writeOnly: behaviors.inputOnly ? true : undefined,
  });
}

function enumSchema(enumDesc: DescEnum): Json {
  if (enumDesc.typeName === nullValueTypeName) return { type: "null", description: "JSON null." };
  const values = enumDesc.values.map((value) => {
    const note = describe(value);
    return `- \`${value.name}\` (${value.number})${note === undefined ? "" : `: ${note.replace(/\n/g, " ")}`}`;
  });
  return omitUndefined({
    type: "string",
    enum: enumDesc.values.map((value) => value.name),
    description: joinDescriptions(describe(enumDesc), "Sent by name; the value's number is accepted too.", values.join("\n")),
    deprecated: enumDesc.deprecated ? true : undefined,
  });
}

/** Drops keys whose value is undefined, so the YAML has no `key: null` noise. */
export function omitUndefined(object: Json): Json {
  return Object.fromEntries(Object.entries(object).filter(([, value]) => value !== undefined));
}
