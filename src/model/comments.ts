/** Comments of services and methods, from the file's source code info. */
import { descriptorPath, fileOf, type LocatableDesc, sourceInfoAt } from "./location.js";
import type { Comments } from "./types.js";

/**
 * The comments attached to a declaration. Compilers keep the text between the comment markers
 * verbatim, so `// Hello` arrives as ` Hello\n`; the renderer wants `Hello`.
 */
export function commentsOf(desc: LocatableDesc): Comments {
  const info = sourceInfoAt(fileOf(desc), descriptorPath(desc));
  return {
    leading: cleanComment(info?.leadingComments ?? ""),
    trailing: cleanComment(info?.trailingComments ?? ""),
    leadingDetached: (info?.leadingDetachedComments ?? []).map(cleanComment),
  };
}

/**
 * Normalizes one comment block: LF line ends, one space after the marker removed from each line
 * (deeper indentation is meaningful, e.g. code samples), blank lines kept, and the line end
 * that closes the last line dropped.
 */
export function cleanComment(text: string): string {
  const lines = text.replace(/\r\n?/g, "\n").replace(/\n$/, "").split("\n");
  return lines.map((line) => (line.startsWith(" ") ? line.slice(1) : line)).join("\n");
}
