/**
 * The logger every call context carries. The interface is the part of pino's that handlers and
 * middleware use, so any pino logger (or a compatible one) fits; {@link createLogger} makes one.
 */
import { pino, type DestinationStream, type LevelWithSilent } from "pino";

/** A log method: an object of fields first, then the message (pino's calling convention). */
export interface LogFn {
  (fields: object, message?: string): void;
  (message: string): void;
}

/** A structured logger. */
export interface Logger {
  trace: LogFn;
  debug: LogFn;
  info: LogFn;
  warn: LogFn;
  error: LogFn;
  fatal: LogFn;
  /** A logger that adds `bindings` to every line. */
  child(bindings: Record<string, unknown>): Logger;
  /** Whether a line of `level` would be written. */
  isLevelEnabled(level: string): boolean;
}

/** The levels a logger accepts, quietest last. */
export const LOG_LEVELS = ["trace", "debug", "info", "warn", "error", "fatal", "silent"] as const;

/** One of {@link LOG_LEVELS}. */
export type LogLevel = (typeof LOG_LEVELS)[number] & LevelWithSilent;

/** Options of {@link createLogger}. */
export interface LoggerOptions {
  /** Added to every line as `name`, e.g. the package name. */
  name: string;
  level: LogLevel;
  /** Where lines go; default stdout (one JSON object per line). */
  destination?: DestinationStream;
}

/**
 * A pino logger writing JSON lines; times are ISO strings so humans can read them too. Writes to
 * stdout synchronously: an asynchronous writer can reorder or lose the last lines when the
 * process exits right after shutdown, and call lines are sampled, so their rate stays bounded.
 */
export function createLogger(options: LoggerOptions): Logger {
  const settings = { name: options.name, level: options.level, timestamp: pino.stdTimeFunctions.isoTime };
  return pino(settings, options.destination ?? pino.destination({ dest: 1, sync: true }));
}

/** A logger that writes nothing: the default where no logger is given. */
export function silentLogger(): Logger {
  return pino({ level: "silent", enabled: false });
}
