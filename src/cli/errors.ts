/**
 * User-facing errors of the CLI and how every error becomes `gen-svc: ...` lines on stderr.
 * Errors in the user's input never print a stack trace; only unexpected ones hint at a bug.
 */
import { OptionError } from "../core/options.js";
import { GenerationError } from "../model/errors.js";

/** A problem the user can fix (bad input, refused output dir): one or more messages. */
export class CliError extends Error {
  override readonly name = "CliError";
  readonly messages: readonly string[];

  constructor(messages: string | readonly string[]) {
    const list = typeof messages === "string" ? [messages] : messages;
    super(list.join("\n"));
    this.messages = list;
  }
}

/** Exit statuses: 1 for errors and stale output, 2 for command-line usage errors. */
export const exitCodes = { ok: 0, error: 1, usage: 2 } as const;

/** The messages that describe `error` to the user, without the `gen-svc: ` prefix. */
export function errorMessages(error: unknown): readonly string[] {
  if (error instanceof CliError) return error.messages;
  if (error instanceof GenerationError) return [error.format()];
  if (error instanceof OptionError) return [error.message];
  const detail = error instanceof Error ? error.message : String(error);
  // System errors (EACCES, ENOSPC, ...) are the environment's, not a bug: say just what failed.
  if (isSystemError(error)) return [detail];
  return [`internal error: ${detail} (this is a bug in gen-svc; please report it)`];
}

/** Prints `error` to `stderr`, one `gen-svc: ` line per message; returns the exit status. */
export function reportError(error: unknown, stderr: (text: string) => void): number {
  for (const message of errorMessages(error)) stderr(`gen-svc: ${message}\n`);
  return exitCodes.error;
}

function isSystemError(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === "string" && /^E[A-Z]+$/.test(code);
}
