/**
 * Logging: one structured line per call when it ends (method, peer, code, duration, request id,
 * trace id, message counts for streams), at a level chosen by the outcome. Handlers get a child
 * logger with the request and trace ids bound, so their own lines join up with the call's.
 */
import { trace } from "../otel-api.js";
import { randomUUID } from "node:crypto";
import { Code, codeName } from "../code.js";
import type { CallContext } from "../context.js";
import type { Middleware } from "../endpoint.js";
import type { ServiceError } from "../errors.js";
import type { Logger, LogLevel } from "../logger.js";
import { streamsRequests, streamsResponses } from "../spec.js";
import { observeCall, type CallObserver } from "./observe.js";
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
  /**
   * Send the call's request id back in the `x-request-id` response header: the caller's, or the
   * one made up for it. Default false, as Envoy's `always_set_request_id_in_response`: an extra
   * header on every response is a measurable share of a small call's cost, and most callers never
   * read it. The id is in the call's log line and the handler's log lines either way.
   */
  sendRequestId?: boolean;
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
  const settings: LogSettings = { logger: options.logger, now, sample: createSampler({ perSecond: options.callsPerSecond ?? 100, thereafter: 100, now }) };
  const sendRequestId = options.sendRequestId ?? false;
  return (next) => (ctx, input) => {
    const observer = new LoggingObserver(settings, ctx);
    if (sendRequestId) sendRequestIdOf(ctx, observer.requestId());
    return observeCall({ ...ctx, logger: new LazyChildLogger(observer) }, input, next, observer);
  };
}

/** Puts the call's request id in its response header, unless something already set one. */
function sendRequestIdOf(ctx: CallContext, requestId: string | Uint8Array): void {
  if (typeof requestId === "string" && !ctx.responseHeader.has(REQUEST_ID_KEY)) ctx.responseHeader.set(REQUEST_ID_KEY, requestId);
}

/** What every call's observer shares. */
interface LogSettings {
  readonly logger: Logger;
  readonly now: () => number;
  readonly sample: () => boolean;
}

/** Watches one call and writes its line when it ends (sampled when it succeeded). */
class LoggingObserver implements CallObserver {
  private readonly started: number;
  private messagesReceived = 0;
  private messagesSent = 0;
  private madeUpId: string | undefined;

  constructor(
    readonly settings: LogSettings,
    private readonly ctx: CallContext,
  ) {
    this.started = settings.now();
  }

  /**
   * The caller's `x-request-id`, or one made up for this call. Made only when first needed (a
   * line written, the header sent): most successful calls are not logged under load.
   */
  requestId(): string | Uint8Array {
    return this.ctx.requestMetadata.get(REQUEST_ID_KEY) ?? (this.madeUpId ??= randomUUID());
  }

  /** Method, request id and trace id: bound to the handler's logger and put in the call's line. */
  bindings(): Record<string, unknown> {
    const traceId = traceIdOf(this.ctx);
    return { method: this.ctx.method.path, request_id: this.requestId(), ...(traceId ? { trace_id: traceId } : {}) };
  }

  received(): void {
    this.messagesReceived++;
  }

  sent(): void {
    this.messagesSent++;
  }

  end(error: ServiceError | undefined): void {
    const code = error?.code ?? Code.OK;
    const level = levelForCode(code);
    if (level === "info" && code === Code.OK && !this.settings.sample()) return;
    const { ctx } = this;
    const line: Record<string, unknown> = {
      ...this.bindings(),
      peer: ctx.peer,
      transport: ctx.transport,
      code: codeName(code),
      duration_ms: Math.round((this.settings.now() - this.started) * 1000) / 1000,
    };
    if (streamsRequests(ctx.method)) line["messages_received"] = this.messagesReceived;
    if (streamsResponses(ctx.method)) line["messages_sent"] = this.messagesSent;
    if (error) line["error"] = error.message;
    this.settings.logger[level](line, "call finished");
  }
}

/**
 * The handler's `ctx.logger`: a child of the server's logger with the call's bindings, made only
 * when first used. Most calls never log, and a pino child per call is a measurable share of a
 * small call's cost.
 */
class LazyChildLogger implements Logger {
  private made: Logger | undefined;

  constructor(private readonly observer: LoggingObserver) {}

  trace(fields: object | string, message?: string): void {
    this.write("trace", fields, message);
  }

  debug(fields: object | string, message?: string): void {
    this.write("debug", fields, message);
  }

  info(fields: object | string, message?: string): void {
    this.write("info", fields, message);
  }

  warn(fields: object | string, message?: string): void {
    this.write("warn", fields, message);
  }

  error(fields: object | string, message?: string): void {
    this.write("error", fields, message);
  }

  fatal(fields: object | string, message?: string): void {
    this.write("fatal", fields, message);
  }

  child(bindings: Record<string, unknown>): Logger {
    return this.logger().child(bindings);
  }

  isLevelEnabled(level: string): boolean {
    return this.observer.settings.logger.isLevelEnabled(level);
  }

  private logger(): Logger {
    return (this.made ??= this.observer.settings.logger.child(this.observer.bindings()));
  }

  private write(level: Exclude<LogLevel, "silent">, fields: object | string, message: string | undefined): void {
    const logger = this.logger();
    if (typeof fields === "string") logger[level](fields);
    else logger[level](fields, message);
  }
}

/** The trace id of the call's span, when tracing put one in its context. */
function traceIdOf(ctx: CallContext): string | undefined {
  const span = ctx.traceContext === undefined ? undefined : trace.getSpanContext(ctx.traceContext);
  return span && trace.isSpanContextValid(span) ? span.traceId : undefined;
}
