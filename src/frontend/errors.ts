/**
 * Errors the user can fix, shared by both front ends (the `gen-svc` CLI and `protoc-gen-svc`), and
 * how any error becomes user-facing messages. Errors in the user's input never carry a stack
 * trace; only unexpected ones hint at a bug. Each front end adds its own prefix and exit status.
 */
import { OptionError } from "../core/options.js";
import { GenerationError } from "../model/errors.js";

/** A problem the user can fix (bad input, refused output dir): one or more messages. */
export class UserError extends Error {
  override readonly name = "UserError";
  readonly messages: readonly string[];

  constructor(messages: string | readonly string[]) {
    const list = typeof messages === "string" ? [messages] : messages;
    super(list.join("\n"));
    this.messages = list;
  }
}

/** The messages that describe `error` to the user, without any front end's prefix. */
export function errorMessages(error: unknown): readonly string[] {
  if (error instanceof UserError) return error.messages;
  if (error instanceof GenerationError) return [error.format()];
  if (error instanceof OptionError) return [error.message];
  const detail = error instanceof Error ? error.message : String(error);
  // System errors (EACCES, ENOSPC, ...) are the environment's, not a bug: say just what failed.
  if (isSystemError(error)) return [detail];
  return [`internal error: ${detail} (this is a bug in gen-svc; please report it)`];
}

function isSystemError(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === "string" && /^E[A-Z]+$/.test(code);
}
