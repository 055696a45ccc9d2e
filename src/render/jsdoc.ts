/** Proto comments turned into JSDoc blocks. */
import type { Comments } from "../model/types.js";

/** Extra lines for a JSDoc block beside the proto comment. */
export interface JsDocExtras {
  deprecated?: boolean;
  /** Plain lines appended after a blank line, e.g. `@generated from rpc x.Y.Z`. */
  tags?: string[];
}

/**
 * A JSDoc block for a declaration, indented by `indent` spaces, ending in a newline; empty when
 * there is nothing to say. `*\/` inside comments is escaped so it cannot end the block.
 */
export function jsDoc(comments: Comments | undefined, extras: JsDocExtras = {}, indent = 0): string {
  const text = (comments?.leading ?? "").replace(/\s+$/, "");
  const lines = text === "" ? [] : text.split("\n").map((line) => line.replace(/\s+$/, ""));
  const tags = [...(extras.deprecated ? ["@deprecated"] : []), ...(extras.tags ?? [])];
  if (lines.length > 0 && tags.length > 0) lines.push("");
  lines.push(...tags);
  if (lines.length === 0) return "";
  const pad = " ".repeat(indent);
  const body = lines.map((line) => `${pad} *${line === "" ? "" : " " + escapeCommentEnd(line)}`).join("\n");
  return `${pad}/**\n${body}\n${pad} */\n`;
}

function escapeCommentEnd(line: string): string {
  return line.replaceAll("*/", "*\\/");
}
