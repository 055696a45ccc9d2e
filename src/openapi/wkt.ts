/**
 * JSON Schemas of protobuf scalars, of the well-known types (in their special proto3 JSON forms)
 * and of `google.rpc.Status`, the error body of every HTTP response.
 */
import { ScalarType } from "@bufbuild/protobuf";

/** A JSON Schema (OpenAPI 3.1 Schema Object) or any other OpenAPI object, as plain data. */
export type Json = { [key: string]: unknown };

/** Where a component schema lives: `#/components/schemas/<full proto name>`. */
export function schemaRef(typeName: string): Json {
  return { $ref: `#/components/schemas/${typeName}` };
}

/** The full name of `google.rpc.Status`, the error body. */
export const statusTypeName = "google.rpc.Status";

const anyTypeName = "google.protobuf.Any";

/**
 * The canonical proto3 JSON form of a scalar. 64-bit integers are strings (JSON numbers lose
 * precision past 2^53); parsers also accept numbers, which the description says.
 */
export function scalarSchema(scalar: ScalarType): Json {
  switch (scalar) {
    case ScalarType.DOUBLE:
      return { type: "number", format: "double" };
    case ScalarType.FLOAT:
      return { type: "number", format: "float" };
    case ScalarType.INT32:
    case ScalarType.SINT32:
    case ScalarType.SFIXED32:
      return { type: "integer", format: "int32" };
    case ScalarType.UINT32:
    case ScalarType.FIXED32:
      return { type: "integer", format: "uint32", minimum: 0 };
    case ScalarType.INT64:
    case ScalarType.SINT64:
    case ScalarType.SFIXED64:
      return { type: "string", format: "int64", description: "A 64-bit integer as a decimal string (a JSON number is accepted too)." };
    case ScalarType.UINT64:
    case ScalarType.FIXED64:
      return { type: "string", format: "uint64", description: "An unsigned 64-bit integer as a decimal string (a JSON number is accepted too)." };
    case ScalarType.BOOL:
      return { type: "boolean" };
    case ScalarType.STRING:
      return { type: "string" };
    case ScalarType.BYTES:
      return { type: "string", format: "byte", description: "Base64 (standard or URL-safe alphabet)." };
  }
}

const wrapperScalars: Record<string, ScalarType> = {
  DoubleValue: ScalarType.DOUBLE,
  FloatValue: ScalarType.FLOAT,
  Int64Value: ScalarType.INT64,
  UInt64Value: ScalarType.UINT64,
  Int32Value: ScalarType.INT32,
  UInt32Value: ScalarType.UINT32,
  BoolValue: ScalarType.BOOL,
  StringValue: ScalarType.STRING,
  BytesValue: ScalarType.BYTES,
};

/** A wrapper is its scalar, or null when unset. */
function wrapperSchema(scalar: ScalarType): Json {
  const base = scalarSchema(scalar);
  return { ...base, type: [base.type, "null"] };
}

const specialForms: Record<string, Json> = {
  Timestamp: { type: "string", format: "date-time", description: 'RFC 3339 in UTC ("Z"), e.g. "2024-01-31T12:00:00.5Z".' },
  Duration: {
    type: "string",
    pattern: "^-?[0-9]+(\\.[0-9]{1,9})?s$",
    description: 'Seconds with up to 9 fractional digits and the suffix "s", e.g. "1.5s".',
  },
  FieldMask: { type: "string", description: 'Field paths in lowerCamelCase, separated by commas, e.g. "title,author.displayName".' },
  Struct: { type: "object", additionalProperties: true, description: "Any JSON object." },
  Value: { description: "Any JSON value." },
  ListValue: { type: "array", items: {}, description: "Any JSON array." },
  Empty: { type: "object", description: "An empty JSON object." },
  Any: {
    type: "object",
    required: ["@type"],
    properties: { "@type": { type: "string", description: 'The type URL, e.g. "type.googleapis.com/google.rpc.ErrorInfo".' } },
    additionalProperties: true,
    description: 'A message of any type: its fields plus "@type" (for types with a special JSON form, their JSON is under "value").',
  },
};

/**
 * The schema of a well-known message type in its proto3 JSON form, or undefined for any other
 * message (which maps to an object of its fields).
 */
export function wellKnownSchema(typeName: string): Json | undefined {
  const prefix = "google.protobuf.";
  if (!typeName.startsWith(prefix)) return undefined;
  const name = typeName.slice(prefix.length);
  const scalar = wrapperScalars[name];
  if (scalar !== undefined) return wrapperSchema(scalar);
  return specialForms[name];
}

/** `google.protobuf.NullValue` is JSON `null`. */
export const nullValueTypeName = "google.protobuf.NullValue";

/** The components every document carries: the error body and what it refers to. */
export function errorComponents(): Record<string, Json> {
  return {
    [statusTypeName]: {
      type: "object",
      description: "The error body of every failed call (google.rpc.Status); its HTTP status follows the code.",
      properties: {
        code: { type: "integer", format: "int32", description: "The google.rpc.Code value (e.g. 5 NOT_FOUND)." },
        message: { type: "string", description: "A developer-facing error message." },
        details: { type: "array", items: schemaRef(anyTypeName), description: "Error details, e.g. google.rpc.ErrorInfo." },
      },
    },
    [anyTypeName]: specialForms.Any!,
  };
}
