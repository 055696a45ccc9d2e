/** Errors the generator reports to its user, with the proto location when one is known. */
import type { SourceLocation } from "./types.js";

/** A problem in the input (contract, options): printed as `file:line:col: message`. */
export class GenerationError extends Error {
  override readonly name = "GenerationError";

  constructor(
    message: string,
    readonly location?: SourceLocation,
  ) {
    super(message);
  }

  /** The compiler-style text: `file:line:col: message`, or the message alone. */
  format(): string {
    return formatDiagnostic(this.message, this.location);
  }
}

/** `file:line:col: message`, or the message alone: for errors and warnings alike. */
export function formatDiagnostic(message: string, location: SourceLocation | undefined): string {
  return location ? `${formatLocation(location)}: ${message}` : message;
}

/** `file:line:col`. */
export function formatLocation(location: SourceLocation): string {
  return `${location.file}:${location.line}:${location.column}`;
}
