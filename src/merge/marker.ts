/**
 * The mark on a handler method whose RPC left the contract: a one-line `@deprecated` JSDoc
 * comment right above the method. Editors strike the method through and tsc's language service
 * flags its uses; the code itself is never deleted. The comment is recognised by its prefix, so a
 * re-run adds no second one and a returning RPC removes it.
 */
import type { TextEdit } from "./edits.js";
import { indentBefore, lineStart, ts } from "./source.js";

/** How every marker comment begins. */
export const markerPrefix = "/** @deprecated gen-svc:";

/** The marker comment for a method of `service` that has no RPC. */
export function markerComment(service: string): string {
  return `${markerPrefix} ${service} has no RPC for this method, so it is not served. Delete it, or restore the RPC. */`;
}

/** The marker comments above a class member, as offset ranges. */
export function markerRanges(file: ts.SourceFile, member: ts.ClassElement): ts.CommentRange[] {
  const ranges = ts.getLeadingCommentRanges(file.text, member.pos) ?? [];
  return ranges.filter((range) => file.text.startsWith(markerPrefix, range.pos));
}

/** An edit that puts the marker right above the member (after its own JSDoc), in the member's indentation. */
export function insertMarker(file: ts.SourceFile, member: ts.ClassElement, service: string, lineBreak: string): TextEdit {
  const start = member.getStart(file, false);
  const indent = indentBefore(file.text, start);
  if (indent === undefined) return { pos: start, end: start, insert: `${markerComment(service)} ` };
  const begin = lineStart(file.text, start);
  return { pos: begin, end: begin, insert: `${indent}${markerComment(service)}${lineBreak}` };
}

/** Edits that remove the member's marker comments: the whole line when a marker has one to itself. */
export function removeMarkers(file: ts.SourceFile, member: ts.ClassElement): TextEdit[] {
  const text = file.text;
  return markerRanges(file, member).map((range) => {
    const indent = indentBefore(text, range.pos);
    const afterLine = text.indexOf("\n", range.end);
    const restOfLine = text.slice(range.end, afterLine === -1 ? text.length : afterLine).trim();
    if (indent !== undefined && restOfLine === "" && afterLine !== -1) {
      return { pos: range.pos - indent.length, end: afterLine + 1, insert: "" };
    }
    // Shares its line with other code: remove the comment and the space after it.
    const end = text[range.end] === " " ? range.end + 1 : range.end;
    return { pos: range.pos, end, insert: "" };
  });
}
