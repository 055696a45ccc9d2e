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
    const loc = this.location;
    return loc ? `${loc.file}:${loc.line}:${loc.column}: ${this.message}` : this.message;
  }
}
