/**
 * What the transports do with the error a call ends with, beside answering it: hand it to an
 * error hook, by default one that writes the cause of an INTERNAL error (the one thing a caller
 * never sees), and never let a failing hook keep the answer from going out.
 */
import { Code } from "./code.js";
import type { CallContext } from "./context.js";
import type { ServiceError } from "./errors.js";
import type { Logger } from "./logger.js";

/** Writes the cause of a failed call; `ctx` is undefined when the call never began (HTTP routing). */
export type CauseWriter = (cause: unknown, ctx: CallContext | undefined) => void;

/** The default error hook: writes what caused an INTERNAL error and ignores the rest. */
export function reportInternalErrors(write: CauseWriter): (error: ServiceError, ctx: CallContext | undefined) => void {
  return (error, ctx) => {
    if (error.code === Code.INTERNAL && error.cause !== undefined) write(error.cause, ctx);
  };
}

/** Writes causes to a logger, with the method. */
export function logCauseTo(logger: Logger): CauseWriter {
  return (cause, ctx) => logger.error({ err: cause, method: ctx?.method.path }, "call failed with INTERNAL");
}

/** Writes causes to the console: for servers started without a logger, so bugs are not lost. */
export function logCauseToConsole(cause: unknown, ctx: CallContext | undefined): void {
  console.error(`gen-svc: ${ctx?.method.path ?? "a call"} failed with INTERNAL:`, cause);
}

/** Calls the error hook; an error from the hook itself is dropped, so the answer still goes out. */
export function safeReport<C>(report: (error: ServiceError, ctx: C) => void, error: ServiceError, ctx: C): void {
  try {
    report(error, ctx);
  } catch {
    // Nothing better to do with an error from the error hook itself.
  }
}
