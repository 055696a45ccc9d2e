/** Path helpers for what gen-svc records and prints: posix separators on every OS. */
import { isAbsolute, relative, sep } from "node:path";

/** A native relative path with `/` separators. */
export function toPosix(path: string): string {
  return path.split(sep).join("/");
}

/** `to` relative to `from` (both absolute), posix; `.` for the same directory. */
export function relativePosix(from: string, to: string): string {
  return toPosix(relative(from, to)) || ".";
}

/** Whether `rel` (from `relative()`) leaves its base directory. */
export function escapesBase(rel: string): boolean {
  return rel === ".." || rel.startsWith(`..${sep}`) || isAbsolute(rel);
}

/**
 * A relative posix path that stays inside its directory. Manifests and generated file lists are
 * checked with it before gen-svc deletes or writes anything they name.
 */
export function isSafeRelativePath(path: string): boolean {
  if (path === "" || path.startsWith("/") || path.includes("\\") || path.includes("\0")) return false;
  return path.split("/").every((part) => part !== "" && part !== "." && part !== "..");
}

