/**
 * Whether a message carries protovalidate rules anywhere: on itself, a oneof, a field, or any
 * message reachable through its fields (lists and map values included). Methods whose input has
 * none skip validation entirely.
 */
import type { DescField, DescMessage, DescOneof } from "@bufbuild/protobuf";

/**
 * The field number of protovalidate's options `buf.validate.message`, `buf.validate.oneof` and
 * `buf.validate.field` (each extends its own `google.protobuf.*Options`). Looking for it among
 * the options' unknown fields is what protobuf-es' `hasOption` does with the extension; testing
 * the number here saves a start-up from loading validate_pb.js, whose embedded descriptor of
 * validate.proto takes about 15 ms to build. test/validate checks it against protovalidate's.
 */
export const VALIDATE_OPTION_NUMBER = 1159;

/** True when validating `desc` can report a violation. */
export function hasValidationRules(desc: DescMessage): boolean {
  return reachesRules(desc, new Set());
}

function reachesRules(desc: DescMessage, visited: Set<string>): boolean {
  // A recursive message (a tree node) is decided by its other fields; visiting it again adds nothing.
  if (visited.has(desc.typeName)) return false;
  visited.add(desc.typeName);
  if (hasValidateOption(desc)) return true;
  if (desc.oneofs.some(hasValidateOption)) return true;
  return desc.fields.some((member) => hasValidateOption(member) || fieldReachesRules(member, visited));
}

/** Whether the element's options carry a `buf.validate` option (see {@link VALIDATE_OPTION_NUMBER}). */
function hasValidateOption(element: DescMessage | DescOneof | DescField): boolean {
  return element.proto.options?.$unknown?.some((unknown) => unknown.no === VALIDATE_OPTION_NUMBER) ?? false;
}

function fieldReachesRules(member: DescField, visited: Set<string>): boolean {
  switch (member.fieldKind) {
    case "message":
      return reachesRules(member.message, visited);
    case "list":
      return member.listKind === "message" && reachesRules(member.message, visited);
    case "map":
      return member.mapKind === "message" && reachesRules(member.message, visited);
    default:
      return false;
  }
}
