// A server for bench/http.mjs, run in its own process. `bare`: a hand-written node:http echo
// (read the body, JSON.parse, answer JSON.stringify of the same fields): the least any Node HTTP
// JSON service does. `gen-svc`: the generated echo sample's endpoints behind gen-svc's HTTP
// transport (router, proto3 JSON both ways, metadata, deadline), no middleware. Sends its port to
// the parent over IPC and stops on SIGTERM.
import { createServer } from "node:http";
import { createHttpTranscoder, serveHttp } from "gen-svc/runtime";
import { makeEchoEndpoints } from "../generated-samples/echo/dist/src/gen/echo/endpoints.js";
import { echoSpec } from "../generated-samples/echo/dist/src/gen/echo/service.js";
import { EchoHandler } from "../generated-samples/echo/dist/src/handlers/echo.js";

const variant = process.argv[2];

function bare() {
  const server = createServer((request, response) => {
    const chunks = [];
    request.on("data", (chunk) => chunks.push(chunk));
    request.on("end", () => {
      const input = JSON.parse(Buffer.concat(chunks).toString("utf8"));
      const body = JSON.stringify({ text: input.text });
      response.writeHead(200, { "content-type": "application/json", "content-length": Buffer.byteLength(body) });
      response.end(body);
    });
  });
  return new Promise((resolve) => server.listen(0, "127.0.0.1", () => resolve({ port: server.address().port, stop: () => new Promise((done) => server.close(done)) })));
}

async function genSvc() {
  const transcoder = createHttpTranscoder({ services: [{ spec: echoSpec, endpoints: { ...makeEchoEndpoints(new EchoHandler()) } }] });
  const handle = await serveHttp({ host: "127.0.0.1", port: 0, transcoder });
  return { port: handle.port, stop: () => handle.shutdown(0) };
}

const server = variant === "bare" ? await bare() : variant === "gen-svc" ? await genSvc() : undefined;
if (!server) throw new Error(`unknown variant ${variant}`);
process.send({ port: server.port });
process.once("SIGTERM", () => void server.stop().then(() => process.exit(0)));
