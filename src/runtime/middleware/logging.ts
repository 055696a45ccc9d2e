/**
 * Logging: one structured line per call when it ends (method, peer, code, duration, request id,
 * trace id, message counts for streams), at a level chosen by the outcome. Handlers get a child
 * logger with the request and trace ids bound, so their own lines join up with the call's.
 */
import { trace } from "@opentelemetry/api";
import { randomUUID } from "node:crypto";
import { Code, codeName } from "../code.js";
import type { CallContext } from "../context.js";
import type { Middleware } from "../endpoint.js";
import type { Logger } from "../logger.js";
import { streamsRequests, streamsResponses } from "../spec.js";
import { observeCall } from "./observe.js";
import { createSampler } from "./sampler.js";

/** The metadata key of the request id: taken from the request, or made up, and sent back. */
export const REQUEST_ID_KEY = "x-request-id";

/** Options of {@link logging}. */
export interface LoggingOptions {
  /** The server's logger; each call gets a child of it as `ctx.logger`. */
  logger: Logger;
  /**
   * Successful calls logged per second before sampling starts (then one in 100); failed calls are
   * always logged. 0 logs every call. Default 100.
   */
  callsPerSecond?: number;
  /** Clock for durations and sampling; default `performance.now`. */
  now?: () => number;
}

type Level = "info" | "warn" | "error";

/**
 * The level of a call's line by its code, as grpc-ecosystem's logging middleware does: what the
 * client caused is info, what may need a look is warn, what is a bug or loss is error.
 */
export function levelForCode(code: Code): Level {
  switch (code) {
    case Code.UNKNOWN:
    case Code.UNIMPLEMENTED:
    case Code.INTERNAL:
    case Code.DATA_LOSS:
      return "error";
    case Code.DEADLINE_EXCEEDED:
    case Code.PERMISSION_DENIED:
    case Code.RESOURCE_EXHAUSTED:
    case Code.FAILED_PRECONDITION:
    case Code.ABORTED:
    case Code.OUT_OF_RANGE:
    case Code.UNAVAILABLE:
      return "warn";
    default:
      return "info";
  }
}

/** The logging middleware. */
export function logging(options: LoggingOptions): Middleware {
  const now = options.now ?? (() => performance.now());
  const sample = createSampler({ perSecond: options.callsPerSecond ?? 100, thereafter: 100, now });
  return (next) => (ctx, input) => {
    const requestId = ctx.requestMetadata.get(REQUEST_ID_KEY) ?? randomUUID();
    if (typeof requestId === "string" && !ctx.responseHeader.has(REQUEST_ID_KEY)) ctx.responseHeader.set(REQUEST_ID_KEY, requestId);
    const traceId = traceIdOf(ctx);
    const bindings = { method: ctx.method.path, request_id: requestId, ...(traceId ? { trace_id: traceId } : {}) };
    const started = now();
    const counts = { received: 0, sent: 0 };
    return observeCall(withLazyLogger(ctx, () => options.logger.child(bindings)), input, next, {
      received: () => counts.received++,
      sent: () => counts.sent++,
      end: (error) => {
        const code = error?.code ?? Code.OK;
        const level = levelForCode(code);
        if (level === "info" && code === Code.OK && !sample()) return;
        const line: Record<string, unknown> = {
          ...bindings,
          peer: ctx.peer,
          transport: ctx.transport,
          code: codeName(code),
          duration_ms: Math.round((now() - started) * 1000) / 1000,
        };
        if (streamsRequests(ctx.method)) line["messages_received"] = counts.received;
        if (streamsResponses(ctx.method)) line["messages_sent"] = counts.sent;
        if (error) line["error"] = error.message;
        options.logger[level](line, "call finished");
      },
    });
  };
}

/**
 * The context with a child logger made only when the handler first uses it: most calls never
 * log, and a pino child per call is a measurable share of a small call's cost.
 */
function withLazyLogger(ctx: CallContext, makeLogger: () => Logger): CallContext {
  let logger: Logger | undefined;
  return {
    ...ctx,
    get logger() {
      return (logger ??= makeLogger());
    },
  };
}

/** The trace id of the call's span, when tracing put one in its context. */
function traceIdOf(ctx: CallContext): string | undefined {
  const span = ctx.traceContext === undefined ? undefined : trace.getSpanContext(ctx.traceContext);
  return span && trace.isSpanContextValid(span) ? span.traceId : undefined;
}
