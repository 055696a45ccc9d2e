import { expect } from "vitest";
import { GenerationError } from "../../src/model/errors.js";

/** Runs `fn`, expects a GenerationError and returns it as the CLI prints it (`file:line:col: message`). */
export function formattedError(fn: () => unknown): string {
  let error: unknown;
  try {
    fn();
  } catch (e) {
    error = e;
  }
  expect(error).toBeInstanceOf(GenerationError);
  return (error as GenerationError).format();
}
