/**
 * Recovery: whatever a handler throws that is not a {@link ServiceError} becomes INTERNAL with a
 * fixed message; the cause is logged on `ctx.logger`, never sent. Streams are covered too: a
 * handler that fails half-way through its responses ends the call with INTERNAL.
 */
import { Code } from "../code.js";
import type { CallContext } from "../context.js";
import type { Middleware } from "../endpoint.js";
import { INTERNAL_ERROR_MESSAGE, ServiceError } from "../errors.js";
import { streamsResponses } from "../spec.js";

/** The recovery middleware; put it inside logging and metrics so they see the final code. */
export function recovery(): Middleware {
  return (next) => async (ctx, input) => {
    try {
      const output = await next(ctx, input);
      return streamsResponses(ctx.method) ? recoverStream(ctx, output as AsyncIterable<unknown>) : output;
    } catch (error) {
      throw recovered(ctx, error);
    }
  };
}

async function* recoverStream(ctx: CallContext, responses: AsyncIterable<unknown>): AsyncGenerator<unknown> {
  try {
    yield* responses;
  } catch (error) {
    throw recovered(ctx, error);
  }
}

/**
 * A ServiceError passes through; anything else is logged and replaced. The replacement carries no
 * cause, so the transport does not log it a second time.
 */
function recovered(ctx: CallContext, error: unknown): ServiceError {
  const converted = ServiceError.from(error);
  if (converted === error || converted.code !== Code.INTERNAL) return converted;
  // A handler that fails after its caller went away is not a bug worth an error line.
  if (!ctx.signal.aborted) ctx.logger.error({ err: error, method: ctx.method.path }, "handler failed");
  return new ServiceError(Code.INTERNAL, INTERNAL_ERROR_MESSAGE);
}
