// One gRPC server of the benchmark, run in its own process: `node bench/servers/grpc.mjs <variant>`.
// Every variant serves echo.v1.Echo's Echo (unary) and Expand (server streaming) on 127.0.0.1,
// port 0, doing the same work per call (see lib/echo.mjs). Sends `{ port }` to the parent over
// IPC, or `{ unavailable: reason }` when the variant cannot be built; stops on SIGTERM.
import { createServer as createHttp2Server } from "node:http2";
import * as grpc from "@grpc/grpc-js";
import { connectNodeAdapter } from "@connectrpc/connect-node";
import { createServer as createNiceServer } from "nice-grpc";
import { createWriteStream } from "node:fs";
import { Registry } from "prom-client";
import { createLogger, createRpcMetrics, loadServerConfig, logging, recovery, serveGrpc, serverMetrics, serverTracing } from "gen-svc/runtime";
import { registerGrpcServices, startServer } from "../../.tmp/bench/echo/dist/src/gen/server.js";
import { Echo, echoAnswer, expandAnswers, grpcJsEchoService } from "../lib/echo.mjs";

// The echo service is generated into .tmp/bench/echo by bench/run.mjs (never the checked-in sample).
/** The handler of the generated server: the same answers as every other variant. */
const benchHandler = {
  echo: async (request) => echoAnswer(request),
  async *expand(request) {
    yield* expandAnswers(request);
  },
  collect: async () => ({}),
  async *chat() {},
};

/** Server-side policies on every method of echo.v1.Echo, generous enough never to refuse a bench call. */
const FULL_POLICY_SET = {
  "echo.v1.Echo": {
    timeoutMs: 30_000,
    rateLimit: { requestsPerSecond: 1_000_000_000, burst: 1_000_000_000 },
    concurrencyLimit: { maxConcurrent: 10_000, maxQueue: 10_000 },
  },
};

/** Each variant: starts its server, resolves with `{ port, stop }`. */
const variants = {
  /** A hand-written @grpc/grpc-js server on the same messages: the baseline. */
  async "raw-grpc-js"() {
    const server = new grpc.Server();
    server.addService(grpcJsEchoService, {
      echo: (call, callback) => callback(null, echoAnswer(call.request)),
      expand: (call) => {
        for (const answer of expandAnswers(call.request)) call.write(answer);
        call.end();
      },
    });
    const port = await new Promise((resolve, reject) =>
      server.bindAsync("127.0.0.1:0", grpc.ServerCredentials.createInsecure(), (error, bound) => (error ? reject(error) : resolve(bound))),
    );
    return { port, stop: () => new Promise((done) => server.tryShutdown(done)) };
  },

  /** The generated server with no middleware: registerGrpcServices on serveGrpc. */
  async "gen-empty"() {
    // An insecure server: no client certificates to look up, as startServer decides for one.
    const handle = await serveGrpc({ host: "127.0.0.1", port: 0, register: (server) => registerGrpcServices(server, { echo: benchHandler }, { clientCertificates: false }) });
    return { port: handle.port, stop: () => handle.shutdown(0) };
  },

  /**
   * Diagnostic, not in the suite (`npm run bench:grpc -- --variants ...`): the generated server on
   * serveGrpc with startServer's observation middleware (tracing, metrics, logging, recovery) and
   * nothing else of startServer, to tell the chain's cost from the rest of startServer's.
   */
  async "gen-chain"() {
    const logger = createLogger({ name: "bench", level: "info", destination: createWriteStream("/dev/null") });
    const middleware = [serverTracing(), serverMetrics(createRpcMetrics(new Registry(), "server")), logging({ logger }), recovery()];
    const handle = await serveGrpc({ host: "127.0.0.1", port: 0, register: (server) => registerGrpcServices(server, { echo: benchHandler }, { middleware, logger, clientCertificates: false }) });
    return { port: handle.port, stop: () => handle.shutdown(0) };
  },

  /** The generated server as main.ts starts it: the default chain, health, reflection, admin and HTTP ports. */
  async "gen-default"() {
    const config = loadServerConfig(["--host", "127.0.0.1", "--grpc-port", "0", "--admin-port", "0", "--http-port", "0"], {});
    const service = await startServer({ echo: benchHandler }, { config });
    return { port: service.grpcPort, stop: () => service.shutdown() };
  },

  /**
   * The generated server as main.ts starts it, with every server-side policy on each method (issue
   * 6, through the POLICIES setting): timeout, rate limit and concurrency limit, set high enough
   * that no call of the bench is refused, so the figure is their cost.
   */
  async "gen-policy"() {
    const config = loadServerConfig(["--host", "127.0.0.1", "--grpc-port", "0", "--admin-port", "0", "--http-port", "0"], { POLICIES: JSON.stringify(FULL_POLICY_SET) });
    if (!("policies" in config)) return { unavailable: "the policy runtime (src/runtime/policy, issue 6) is not in this build" };
    const service = await startServer({ echo: benchHandler }, { config });
    return { port: service.grpcPort, stop: () => service.shutdown() };
  },

  /** nice-grpc on grpc-js, given the same grpc-js service definition. */
  async "nice-grpc"() {
    const server = createNiceServer();
    server.add(grpcJsEchoService, {
      echo: async (request) => echoAnswer(request),
      async *expand(request) {
        yield* expandAnswers(request);
      },
    });
    const port = await server.listen("127.0.0.1:0");
    return { port, stop: () => server.shutdown() };
  },

  /** connect-node serving the gRPC protocol over node:http2 (h2c), from the protobuf-es service descriptor. */
  async "connect-node"() {
    const handler = connectNodeAdapter({
      grpc: true,
      grpcWeb: false,
      connect: false,
      routes: (router) =>
        router.service(Echo, {
          echo: async (request) => echoAnswer(request),
          async *expand(request) {
            yield* expandAnswers(request);
          },
          collect: async () => ({}),
          async *chat() {},
        }),
    });
    const server = createHttp2Server(handler);
    await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
    return { port: server.address().port, stop: () => new Promise((done) => server.close(done)) };
  },
};

const start = variants[process.argv[2]];
if (!start) throw new Error(`unknown gRPC server variant ${process.argv[2]}`);
const server = await start();
process.send(server.unavailable ? { unavailable: server.unavailable } : { port: server.port });
process.once("SIGTERM", () => void Promise.resolve(server.stop?.()).finally(() => process.exit(0)));
