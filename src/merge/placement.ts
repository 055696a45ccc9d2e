/**
 * Where a new stub goes in the user's class and how it is laid out there: after the method of the
 * RPC before it in the contract, else before the method of the RPC after it, else at the end of
 * the class; indented like the class's other members, with the file's line breaks, and one blank
 * line from its neighbours.
 */
import type { TextEdit } from "./edits.js";
import { indentBefore, lineEnd, lineStart, ts } from "./source.js";

/** How the user's class lays out its members. */
export interface ClassLayout {
  file: ts.SourceFile;
  cls: ts.ClassDeclaration;
  /** The indentation of the class's own line. */
  classIndent: string;
  /** One indentation step in this class (members sit one step in). */
  unit: string;
  lineBreak: string;
}

/** Reads the layout from the class: the first member that starts a line gives the indentation. */
export function classLayout(file: ts.SourceFile, cls: ts.ClassDeclaration, lineBreak: string): ClassLayout {
  const classIndent = indentBefore(file.text, cls.getStart(file)) ?? "";
  let unit = "  ";
  for (const member of cls.members) {
    const indent = indentBefore(file.text, member.getStart(file, true));
    if (indent !== undefined && indent.length > classIndent.length && indent.startsWith(classIndent)) {
      unit = indent.slice(classIndent.length);
      break;
    }
  }
  return { file, cls, classIndent, unit, lineBreak };
}

/**
 * The generated stub (lines indented in steps of `generatedUnit`) re-indented for this class and
 * given the file's line breaks.
 */
export function layOut(stub: string, generatedUnit: string, layout: ClassLayout): string {
  const step = Math.max(generatedUnit.length, 1);
  return stub
    .split("\n")
    .map((line) => {
      const content = line.trimStart();
      if (content === "") return "";
      const spaces = line.length - content.length;
      const levels = Math.floor(spaces / step);
      return layout.classIndent + layout.unit.repeat(levels) + " ".repeat(spaces % step) + content;
    })
    .join(layout.lineBreak);
}

/** Inserts `method` (laid out) right after `member`: after anything else on its last line, if that is only a comment. */
export function insertAfter(layout: ClassLayout, member: ts.ClassElement, method: string): { edit: TextEdit; offset: number } {
  const text = layout.file.text;
  const end = member.getEnd();
  const rest = text.slice(end, lineEnd(text, end)).trim();
  const lb = layout.lineBreak;
  if (rest === "" || rest.startsWith("//") || (rest.startsWith("/*") && rest.endsWith("*/"))) {
    const pos = lineEnd(text, end);
    return { edit: { pos, end: pos, insert: `${lb}${lb}${method}` }, offset: 2 * lb.length };
  }
  const memberIndent = layout.classIndent + layout.unit;
  return { edit: { pos: end, end, insert: `${lb}${lb}${method}${lb}${memberIndent}` }, offset: 2 * lb.length };
}

/** Inserts `method` right before `member` and the comments on the lines above it. */
export function insertBefore(layout: ClassLayout, member: ts.ClassElement, method: string): { edit: TextEdit; offset: number } {
  const text = layout.file.text;
  const start = commentedStart(layout.file, member);
  const lb = layout.lineBreak;
  if (indentBefore(text, start) !== undefined) {
    const pos = lineStart(text, start);
    return { edit: { pos, end: pos, insert: `${method}${lb}${lb}` }, offset: 0 };
  }
  return { edit: { pos: start, end: start, insert: `${method.trimStart()} ` }, offset: 0 };
}

/** Inserts `method` at the end of the class. */
export function insertAtEnd(layout: ClassLayout, method: string): { edit: TextEdit; offset: number } {
  const last = layout.cls.members.at(-1);
  if (last !== undefined) return insertAfter(layout, last, method);
  const text = layout.file.text;
  const close = layout.cls.getEnd() - 1;
  const lb = layout.lineBreak;
  if (indentBefore(text, close) !== undefined) {
    const pos = lineStart(text, close);
    return { edit: { pos, end: pos, insert: `${method}${lb}` }, offset: 0 };
  }
  return { edit: { pos: close, end: close, insert: `${lb}${method}${lb}${layout.classIndent}` }, offset: lb.length };
}

/** Where a member begins, counting the comments on the lines above it (not one trailing the previous line). */
function commentedStart(file: ts.SourceFile, member: ts.ClassElement): number {
  const ranges = ts.getLeadingCommentRanges(file.text, member.pos) ?? [];
  const own = ranges.find((range) => indentBefore(file.text, range.pos) !== undefined);
  return own?.pos ?? member.getStart(file, true);
}
