/**
 * Translating buf's diagnostics back to the user's paths. With `--error-format json` buf writes
 * one JSON object per line on stderr (`{"path":"m0/foo/x.proto","start_line":3,
 * "start_column":13,...,"message":"..."}`, exit status 100); other failures are plain text lines
 * (`Failure: ...`, exit status 1). Workspace module names (`m0/...`) become the include directory
 * the user gave, so messages read `foo/x.proto:3:13: missing name in message field`.
 */
import { join } from "node:path";
import type { WorkspaceModule } from "./workspace.js";

/** One buf annotation, as buf prints it in JSON. */
interface BufAnnotation {
  path?: string;
  start_line?: number;
  start_column?: number;
  message?: string;
}

/** The user-facing messages (without `gen-svc: `) for a failed buf run's stderr. */
export function bufErrorMessages(stderr: string, status: number, modules: readonly WorkspaceModule[]): string[] {
  const messages = stderr
    .split("\n")
    .map((line) => line.trim())
    .filter((line) => line !== "")
    .map((line) => formatLine(line, modules));
  return messages.length > 0 ? messages : [`buf build failed with exit status ${status}`];
}

function formatLine(line: string, modules: readonly WorkspaceModule[]): string {
  const annotation = parseAnnotation(line);
  if (annotation === undefined) return `buf: ${userPaths(line.replace(/^Failure:\s*/, ""), modules)}`;
  const message = userPaths(annotation.message ?? "error", modules).replace(/\s*\n\s*/g, " ");
  const file = annotation.path === undefined ? undefined : userFile(annotation.path, modules);
  if (file === undefined) return message;
  const line1 = annotation.start_line ?? 0;
  return line1 > 0 ? `${file}:${line1}:${annotation.start_column ?? 1}: ${message}` : `${file}: ${message}`;
}

function parseAnnotation(line: string): BufAnnotation | undefined {
  if (!line.startsWith("{")) return undefined;
  try {
    const value: unknown = JSON.parse(line);
    return typeof value === "object" && value !== null ? (value as BufAnnotation) : undefined;
  } catch {
    return undefined;
  }
}

/** `m0/foo/x.proto` -> `<include as given>/foo/x.proto`; other paths are left alone. */
function userFile(path: string, modules: readonly WorkspaceModule[]): string {
  const slash = path.indexOf("/");
  const module = slash < 0 ? undefined : modules.find((m) => m.name === path.slice(0, slash));
  return module === undefined ? path : join(module.display, path.slice(slash + 1));
}

/** Rewrites module names inside message text: buf names them as `path: "m1"` or `m1/file.proto`. */
function userPaths(text: string, modules: readonly WorkspaceModule[]): string {
  const display = (name: string) => modules.find((m) => m.name === name)?.display;
  return text
    .replace(/path: "(m\d+)"/g, (whole, name: string) => {
      const dir = display(name);
      return dir === undefined ? whole : `path: "${dir}"`;
    })
    .replace(/\b(m\d+)\/([^\s"':,]+)/g, (whole, name: string, rest: string) => {
      const dir = display(name);
      return dir === undefined ? whole : join(dir, rest);
    });
}
