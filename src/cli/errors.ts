/** How the CLI reports errors: `gen-svc: ` lines on stderr, and its exit statuses. */
import { errorMessages } from "../frontend/errors.js";

/** Exit statuses: 1 for errors and stale output, 2 for command-line usage errors. */
export const exitCodes = { ok: 0, error: 1, usage: 2 } as const;

/** Prints `error` to `stderr`, one `gen-svc: ` line per message; returns the exit status. */
export function reportError(error: unknown, stderr: (text: string) => void): number {
  for (const message of errorMessages(error)) stderr(`gen-svc: ${message}\n`);
  return exitCodes.error;
}
