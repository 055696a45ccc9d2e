/**
 * What the HTTP transport tests share: the generated echo sample's endpoints served over
 * `node:http` on 127.0.0.1:0 (the real transcoder and server), and small request helpers.
 */
import { createParser, type EventSourceMessage } from "eventsource-parser";
import { createHttpTranscoder, serveHttp, type HttpServerHandle, type HttpTranscoderOptions, type Middleware } from "../../src/runtime/index.js";
import { makeEchoEndpoints } from "../../generated-samples/echo/src/gen/echo/endpoints.js";
import { echoSpec } from "../../generated-samples/echo/src/gen/echo/service.js";
import { EchoHandler, type EchoHandlerOptions } from "../../generated-samples/echo/src/handlers/echo.js";

/** A running HTTP server over the echo service. */
export interface EchoHttp {
  readonly url: string;
  readonly server: HttpServerHandle;
}

/** Serves the echo handler over HTTP; the caller shuts the server down. */
export async function serveEchoHttp(
  options: { handler?: EchoHandlerOptions; middleware?: readonly Middleware[] } & Partial<Omit<HttpTranscoderOptions, "services">> = {},
): Promise<EchoHttp> {
  const { handler, middleware = [], ...transcoderOptions } = options;
  const transcoder = createHttpTranscoder({
    services: [{ spec: echoSpec, endpoints: { ...makeEchoEndpoints(new EchoHandler(handler), middleware) } }],
    ...transcoderOptions,
  });
  const server = await serveHttp({ host: "127.0.0.1", port: 0, transcoder });
  return { url: `http://127.0.0.1:${server.port}`, server };
}

/** POSTs JSON to a path. */
export function postJson(base: string, path: string, body: unknown, headers: Record<string, string> = {}): Promise<Response> {
  return fetch(base + path, { method: "POST", headers: { "content-type": "application/json", ...headers }, body: JSON.stringify(body) });
}

/** Every SSE event of a response body, parsed by eventsource-parser (an EventSource-compatible parser). */
export async function readServerSentEvents(response: Response): Promise<EventSourceMessage[]> {
  const events: EventSourceMessage[] = [];
  const parser = createParser({ onEvent: (event) => void events.push(event) });
  const decoder = new TextDecoder();
  for await (const chunk of response.body as unknown as AsyncIterable<Uint8Array>) parser.feed(decoder.decode(chunk, { stream: true }));
  return events;
}

/** Every line of an NDJSON body, parsed. */
export async function readNdjson(response: Response): Promise<Array<Record<string, unknown>>> {
  const text = await response.text();
  return text
    .split("\n")
    .filter((line) => line !== "")
    .map((line) => JSON.parse(line) as Record<string, unknown>);
}
