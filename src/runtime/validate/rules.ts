/**
 * Whether a message carries protovalidate rules anywhere: on itself, a oneof, a field, or any
 * message reachable through its fields (lists and map values included). Methods whose input has
 * none skip validation entirely.
 */
import { hasOption, type DescField, type DescMessage } from "@bufbuild/protobuf";
import { field, message, oneof } from "@bufbuild/protovalidate/gen/buf/validate/validate_pb.js";

/** True when validating `desc` can report a violation. */
export function hasValidationRules(desc: DescMessage): boolean {
  return reachesRules(desc, new Set());
}

function reachesRules(desc: DescMessage, visited: Set<string>): boolean {
  // A recursive message (a tree node) is decided by its other fields; visiting it again adds nothing.
  if (visited.has(desc.typeName)) return false;
  visited.add(desc.typeName);
  if (hasOption(desc, message)) return true;
  if (desc.oneofs.some((decl) => hasOption(decl, oneof))) return true;
  return desc.fields.some((member) => hasOption(member, field) || fieldReachesRules(member, visited));
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
