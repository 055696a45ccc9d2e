// One HTTP/JSON server of the benchmark, run in its own process: `node bench/servers/http.mjs <variant>`.
// Each answers `POST /echo.v1.Echo/Echo` with proto3 canonical JSON, doing the same work: parse the
// body into an echo.v1.EchoRequest with protobuf-es (fromJsonString), answer an EchoResponse with
// its text and payload, write it with toJsonString. Sends `{ port }` over IPC; stops on SIGTERM.
import { createServer } from "node:http";
import { create, fromJsonString, toJsonString } from "@bufbuild/protobuf";
import Fastify from "fastify";
import { createHttpTranscoder, serveHttp } from "gen-svc/runtime";
// The echo service is generated into .tmp/bench/echo by bench/run.mjs (never the checked-in sample).
import { serviceEndpoints } from "../../.tmp/bench/echo/dist/src/gen/server.js";
import { echoAnswer, EchoRequestSchema, EchoResponseSchema, ECHO_PATH, expandAnswers } from "../lib/echo.mjs";

/** The request body as an EchoRequest, the answer as canonical JSON text. */
function echoJson(bodyText) {
  const request = fromJsonString(EchoRequestSchema, bodyText);
  return toJsonString(EchoResponseSchema, create(EchoResponseSchema, echoAnswer(request)));
}

const listening = (server) => new Promise((resolve) => server.listen(0, "127.0.0.1", () => resolve(server.address().port)));

const variants = {
  /** Hand-written node:http: route check, body, protobuf-es JSON both ways. */
  async "raw-node-http"() {
    const server = createServer((request, response) => {
      if (request.method !== "POST" || request.url !== ECHO_PATH) {
        response.writeHead(404).end();
        return;
      }
      const chunks = [];
      request.on("data", (chunk) => chunks.push(chunk));
      request.on("end", () => {
        let body;
        try {
          body = echoJson(Buffer.concat(chunks).toString("utf8"));
        } catch {
          response.writeHead(400).end();
          return;
        }
        response.writeHead(200, { "content-type": "application/json", "content-length": Buffer.byteLength(body) });
        response.end(body);
      });
    });
    const port = await listening(server);
    return { port, stop: () => new Promise((done) => (server.closeAllConnections(), server.close(done))) };
  },

  /** fastify with the body read as text and the same protobuf-es JSON work. */
  async fastify() {
    const app = Fastify({ logger: false });
    app.removeContentTypeParser("application/json");
    app.addContentTypeParser("application/json", { parseAs: "string" }, (_request, body, done) => done(null, body));
    app.post(ECHO_PATH, (request, reply) => {
      reply.header("content-type", "application/json").send(echoJson(request.body));
    });
    await app.listen({ host: "127.0.0.1", port: 0 });
    return { port: app.server.address().port, stop: () => app.close() };
  },

  /** The generated endpoints behind gen-svc's HTTP transport, no middleware. */
  async "gen-http"() {
    const handler = { echo: async (request) => echoAnswer(request), async *expand(request) { yield* expandAnswers(request); }, collect: async () => ({}), async *chat() {} };
    const transcoder = createHttpTranscoder({ services: serviceEndpoints({ echo: handler }) });
    const handle = await serveHttp({ host: "127.0.0.1", port: 0, transcoder });
    return { port: handle.port, stop: () => handle.shutdown(0) };
  },
};

const start = variants[process.argv[2]];
if (!start) throw new Error(`unknown HTTP server variant ${process.argv[2]}`);
const server = await start();
process.send({ port: server.port });
process.once("SIGTERM", () => void Promise.resolve(server.stop()).finally(() => process.exit(0)));
