/**
 * Serves the echo sample's contract with an auth policy on its methods, through the auth
 * middleware, on both transports (gRPC and HTTP on 127.0.0.1:0, optionally over TLS), and makes
 * clients for it. The handler answers `<mode>:<subject>` of `ctx.auth`, so tests see who the
 * server believed the caller to be.
 */
import {
  addGrpcService,
  authentication,
  Code,
  createHttpTranscoder,
  GrpcConnection,
  grpcServerCredentials,
  HttpConnection,
  makeEndpoint,
  serveGrpc,
  serveHttp,
  ServiceError,
  type AuthPolicy,
  type Authenticators,
  type ClientMiddleware,
  type ClientTls,
  type Endpoint,
  type Middleware,
  type ServicePackage,
  type MethodSpec,
  type RpcConnection,
  type ServerTls,
  type ServiceSpec,
} from "../../src/runtime/index.js";
import { echoSpec } from "../../generated-samples/echo/src/gen/echo/service.js";

/** echo.v1.Echo with `auth` as every method's policy. */
export function echoSpecWithAuth(auth: AuthPolicy): ServiceSpec {
  const methods: Record<string, MethodSpec> = {};
  for (const [name, method] of Object.entries(echoSpec.methods)) methods[name] = { ...method, policy: { auth } };
  return { ...echoSpec, methods };
}

/** Who the server saw, as the echo method answers it. */
const whoAmI = async (ctx: { auth?: { mode: string; subject: string } }) => ({ text: ctx.auth ? `${ctx.auth.mode}:${ctx.auth.subject}` : "anonymous" });

/** The two running transports and how to reach them. */
export interface AuthServers {
  readonly spec: ServiceSpec;
  /** A client over gRPC or HTTP with these options. */
  connect(transport: "grpc" | "http", options?: { tls?: ClientTls; middleware?: readonly ClientMiddleware[] }): RpcConnection;
  /** Calls echo, answering the text or throwing the ServiceError. */
  echo(connection: RpcConnection, metadata?: Record<string, string>): Promise<string>;
  readonly grpcPort: number;
  readonly httpPort: number;
  close(): Promise<void>;
}

/** The endpoints of `spec`: echo answers who called, the other methods fail. */
export function echoEndpoints(spec: ServiceSpec, middleware: readonly Middleware[]): Record<string, Endpoint> {
  const endpoints: Record<string, Endpoint> = {};
  for (const method of Object.values(spec.methods)) {
    endpoints[method.localName] =
      method.localName === "echo"
        ? makeEndpoint(method, (ctx) => whoAmI(ctx), middleware)
        : makeEndpoint(method, async () => {
            throw new ServiceError(Code.UNIMPLEMENTED, "not used here");
          }, middleware);
  }
  return endpoints;
}

/** `spec` as a package for startService, with the echo endpoints above. */
export function echoPackage(spec: ServiceSpec): ServicePackage {
  return {
    name: "auth-test",
    services: [spec],
    bind: () => ({
      register: (server, options) => addGrpcService(server, spec, echoEndpoints(spec, options.middleware), options),
      endpoints: (middleware) => [{ spec, endpoints: echoEndpoints(spec, middleware) }],
    }),
  };
}

/** Starts both transports for `spec` behind `authentication(authenticators)`. */
export async function serveWithAuth(spec: ServiceSpec, authenticators: Authenticators, tls?: ServerTls): Promise<AuthServers> {
  const endpoints = echoEndpoints(spec, [authentication(authenticators)]);
  const grpcServer = await serveGrpc({
    host: "127.0.0.1",
    port: 0,
    ...(tls ? { credentials: grpcServerCredentials(tls) } : {}),
    register: (server) => addGrpcService(server, spec, endpoints),
  });
  const httpServer = await serveHttp({ host: "127.0.0.1", port: 0, transcoder: createHttpTranscoder({ services: [{ spec, endpoints }], defaultRoutes: true }), ...(tls ? { tls } : {}) });
  const connections: RpcConnection[] = [];
  const scheme = tls ? "https" : "http";
  return {
    spec,
    grpcPort: grpcServer.port,
    httpPort: httpServer.port,
    connect(transport, options = {}) {
      const connection =
        transport === "grpc"
          ? new GrpcConnection(`127.0.0.1:${grpcServer.port}`, options)
          : new HttpConnection(`${scheme}://127.0.0.1:${httpServer.port}`, options);
      connections.push(connection);
      return connection;
    },
    async echo(connection, metadata = {}) {
      const response = (await connection.unary(spec.methods["echo"]!, { text: "hi" }, { metadata, timeoutMs: 5000 })) as { text: string };
      return response.text;
    },
    async close() {
      for (const connection of connections) connection.close();
      await Promise.all([grpcServer.shutdown(0), httpServer.shutdown(0)]);
    },
  };
}
