/**
 * protovalidate's violations as one `google.rpc.BadRequest` detail. Field paths follow
 * `google/rpc/error_details.proto`: proto field names over gRPC (`email_addresses[1].email`), JSON
 * names over HTTP (`emailAddresses[1].email`), map keys as `labels["key"]`.
 */
import type { Path } from "@bufbuild/protobuf/reflect";
import type { Violation } from "@bufbuild/protovalidate";
import { Code } from "../code.js";
import { packDetail, ServiceError } from "../errors.js";
import { BadRequestSchema } from "../gen/google/rpc/error_details_pb.js";

/** How field names are written in a path. */
export type FieldNameStyle = "proto" | "json";

/** The message of the INVALID_ARGUMENT error, naming the first field. */
function summary(violations: readonly Violation[], style: FieldNameStyle): string {
  const first = violations[0];
  if (!first) return "invalid request";
  const where = fieldPath(first.field, style);
  const more = violations.length > 1 ? ` (and ${violations.length - 1} more)` : "";
  return `invalid request: ${where === "" ? "" : where + ": "}${first.message}${more}`;
}

/**
 * INVALID_ARGUMENT with one BadRequest detail listing every violation: the field path, the
 * description, and protovalidate's rule id (e.g. `string.min_len`) as the reason.
 */
export function invalidArgument(violations: readonly Violation[], style: FieldNameStyle): ServiceError {
  const fieldViolations = violations.map((violation) => ({
    field: fieldPath(violation.field, style),
    description: violation.message,
    reason: violation.ruleId,
  }));
  return new ServiceError(Code.INVALID_ARGUMENT, summary(violations, style), {
    details: [packDetail(BadRequestSchema, { fieldViolations })],
  });
}

/** `items[2].name`, `labels["k"]`, `[pkg.ext]`; empty for the message itself. */
export function fieldPath(path: Path, style: FieldNameStyle): string {
  let text = "";
  for (const element of path) {
    switch (element.kind) {
      case "list_sub":
        text += `[${element.index}]`;
        break;
      case "map_sub":
        text += typeof element.key === "string" ? `[${JSON.stringify(element.key)}]` : `[${String(element.key)}]`;
        break;
      case "extension":
        text += `${text === "" ? "" : "."}[${element.typeName}]`;
        break;
      case "oneof":
        text += `${text === "" ? "" : "."}${style === "json" ? lowerCamel(element.name) : element.name}`;
        break;
      default:
        text += `${text === "" ? "" : "."}${style === "json" ? element.jsonName : element.name}`;
    }
  }
  return text;
}

// A oneof has no JSON name of its own; its name is written the way protoc derives field JSON names.
function lowerCamel(name: string): string {
  return name.replace(/_([a-z0-9])/g, (_, c: string) => c.toUpperCase());
}
