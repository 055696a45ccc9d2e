/**
 * Server streaming over plain HTTP: one response whose body is a sequence of frames, written and
 * flushed as the handler yields messages, never buffered whole. `Accept: text/event-stream` gets
 * Server-Sent Events; anything else newline-delimited JSON. Either way the last frame is the
 * call's `google.rpc.Status` (code 0 on success), because once the 200 has gone out the HTTP
 * status can no longer say how the call ended.
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import { Code } from "../code.js";
import { safeReport } from "../error-report.js";
import { ServiceError } from "../errors.js";
import { untilAborted } from "../abort.js";
import type { HttpCallState } from "./call-context.js";
import { metadataHeaders } from "./headers.js";
import type { CallRoute } from "./routes.js";
import type { Transcoding } from "./server.js";
import { statusJson } from "./status-json.js";
import { encodeResponse } from "./transcode.js";

/**
 * How long a stream may stay without a message before its 200 goes out anyway. Until then a
 * failure (a validation error, NOT_FOUND) can still answer with its own HTTP status.
 */
export const STREAM_HEAD_DELAY_MS = 200;

/** How frames are written in one of the two formats. */
interface StreamFormat {
  readonly contentType: string;
  message(json: string): string;
  status(json: string): string;
}

const serverSentEvents: StreamFormat = {
  contentType: "text/event-stream",
  message: (json) => `event: message\ndata: ${json}\n\n`,
  status: (json) => `event: status\ndata: ${json}\n\n`,
};

const newlineDelimitedJson: StreamFormat = {
  contentType: "application/x-ndjson",
  message: (json) => `{"result":${json}}\n`,
  status: (json) => `{"status":${json}}\n`,
};

/** The format the client asked for: SSE when its Accept names `text/event-stream`. */
export function streamFormat(accept: string | undefined): StreamFormat {
  return accept !== undefined && /(^|,)\s*text\/event-stream\s*(;|,|$)/i.test(accept) ? serverSentEvents : newlineDelimitedJson;
}

/**
 * Writes every response as a frame, then the final status. A failure before the response began
 * (the first frame, or {@link STREAM_HEAD_DELAY_MS} without one) is rethrown, so the caller
 * answers with an ordinary error response (status code and Status body); after it, the failure
 * becomes the final frame. A client that disconnects aborts the call's
 * signal, which ends the loop and closes the handler's stream (its `finally` blocks run).
 */
export async function streamResponses(
  t: Transcoding,
  route: CallRoute,
  state: HttpCallState,
  request: IncomingMessage,
  response: ServerResponse,
  responses: AsyncIterable<unknown>,
): Promise<void> {
  const { ctx } = state;
  const format = streamFormat(request.headers.accept);
  const start = () => {
    if (response.headersSent || response.destroyed) return;
    request.socket.setNoDelay(true);
    response.writeHead(200, { ...metadataHeaders(ctx.responseHeader), "content-type": format.contentType, "cache-control": "no-cache" });
    response.flushHeaders();
  };
  // A stream that stays quiet (a watch waiting for its first change) still opens promptly.
  const headTimer = setTimeout(start, STREAM_HEAD_DELAY_MS);
  try {
    await forEachResponse(responses, ctx.signal, async (message) => {
      start();
      if (!response.write(format.message(responseJsonText(t, route, message)))) await drained(response, ctx.signal);
    });
  } catch (thrown) {
    clearTimeout(headTimer);
    if (!response.headersSent) throw thrown;
    return endWithError(t, state, response, format, ServiceError.from(thrown));
  }
  clearTimeout(headTimer);
  start();
  response.end(format.status(JSON.stringify(statusJson(undefined, t.registry))));
}

function endWithError(t: Transcoding, state: HttpCallState, response: ServerResponse, format: StreamFormat, error: ServiceError): void {
  if (response.destroyed || (state.ctx.signal.aborted && error.code === Code.CANCELLED)) {
    response.destroy();
    return;
  }
  safeReport(t.report, error, state.ctx);
  response.end(format.status(JSON.stringify(statusJson(error, t.registry))));
}

/**
 * Calls `write` for every response, in order, until the stream ends. When the loop stops early
 * (the call aborted or its deadline passed, a write failed), the handler's stream is closed (its
 * `finally` blocks run) and the failure rethrown.
 */
export async function forEachResponse(responses: AsyncIterable<unknown>, signal: AbortSignal, write: (message: unknown) => Promise<void>): Promise<void> {
  const iterator = responses[Symbol.asyncIterator]();
  try {
    for (;;) {
      const next = await untilAborted(iterator.next(), signal);
      if (next.done) return;
      await write(next.value);
    }
  } catch (error) {
    iterator.return?.().catch(() => undefined);
    throw error;
  }
}

/** One response as the JSON text of a stream frame (its `response_body` field, if the rule names one). */
export function responseJsonText(t: Transcoding, route: CallRoute, message: unknown): string {
  const encoded = encodeResponse(route.descriptor, route.rule, message as never, "application/json", t.registry);
  return typeof encoded.body === "string" ? encoded.body : Buffer.from(encoded.body).toString("utf8");
}

/** Waits until the response takes more data; rejects with the signal's reason if the call ends first. */
function drained(response: ServerResponse, signal: AbortSignal): Promise<void> {
  return untilAborted(
    new Promise<void>((resolve) => {
      response.once("drain", resolve);
    }),
    signal,
  );
}
