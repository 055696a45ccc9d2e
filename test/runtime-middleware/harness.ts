/**
 * What the middleware tests share: the generated echo sample served on 127.0.0.1:0 with a chosen
 * middleware chain, a logger whose lines the test reads, and cleanup.
 */
import { pino } from "pino";
import { ServiceError, type GrpcConnectionOptions, type Logger, type Middleware } from "../../src/runtime/index.js";
import { EchoClient } from "../../generated-samples/echo/src/gen/echo/grpc-client.js";
import { registerGrpcServices } from "../../generated-samples/echo/src/gen/server.js";
import type { EchoService } from "../../generated-samples/echo/src/gen/echo/service.js";
import { Opened, rejectionOf } from "../samples/serve.js";

/** A pino logger writing into memory, one parsed JSON object per line. */
export class LogCapture {
  readonly lines: Array<Record<string, unknown>> = [];
  readonly logger: Logger = pino({ level: "trace" }, { write: (line: string) => void this.lines.push(JSON.parse(line)) });

  /** The lines with this `msg`. */
  withMessage(msg: string): Array<Record<string, unknown>> {
    return this.lines.filter((line) => line["msg"] === msg);
  }
}

/** Serves `handler` through `middleware`, returning a client to it; `opened` closes both. */
export async function serveEcho(
  opened: Opened,
  handler: EchoService,
  options: { middleware?: readonly Middleware[]; logger?: Logger; client?: GrpcConnectionOptions } = {},
): Promise<{ client: EchoClient; port: number }> {
  const port = await opened.serve((server) =>
    registerGrpcServices(server, { echo: handler }, { middleware: options.middleware ?? [], ...(options.logger ? { logger: options.logger } : {}) }),
  );
  return { client: opened.track(new EchoClient(`127.0.0.1:${port}`, options.client)), port };
}

/** Waits until `condition` holds, polling every 10 ms, for at most `ms`. */
export async function eventually(condition: () => boolean | Promise<boolean>, ms = 3000): Promise<void> {
  const until = Date.now() + ms;
  while (!(await condition())) {
    if (Date.now() > until) throw new Error("condition not met in time");
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

export { Opened };

/** The ServiceError a call fails with; fails the test if it succeeds or throws something else. */
export async function failureOf(promise: Promise<unknown>): Promise<ServiceError> {
  const error = await rejectionOf(promise);
  if (!(error instanceof ServiceError)) throw new Error(`expected a ServiceError, got ${String(error)}`);
  return error;
}
