/**
 * Running a generated package as a service: the logger, metrics and tracing, the default
 * middleware, the gRPC server with health and reflection, the admin port, and an orderly shutdown
 * (readiness off, shutdown hooks such as registry deregistration, then draining calls).
 */
import type * as grpc from "@grpc/grpc-js";
import { collectDefaultMetrics, Registry } from "prom-client";
import { serveAdmin, type AdminServerHandle } from "./admin.js";
import { ConfigError, type ServerConfig } from "./config.js";
import type { Middleware } from "./endpoint.js";
import { createHttpTranscoder } from "./http/server.js";
import type { ServiceEndpoints } from "./http/routes.js";
import { serveHttp, type HttpServerHandle } from "./http/serve.js";
import { serveGrpc, type GrpcServerHandle } from "./grpc/serve.js";
import type { GrpcServiceOptions } from "./grpc/server.js";
import { file_grpc_health_v1_health } from "./gen/grpc/health/v1/health_pb.js";
import { HealthService } from "./health/health-service.js";
import { createLogger, type Logger } from "./logger.js";
import { authenticatorsFromConfig } from "./auth/config.js";
import { authentication, requireAuthenticators, type Authenticators } from "./auth/middleware.js";
import { grpcServerCredentials, loadServerTls, type ServerTls } from "./tls.js";
import { logging } from "./middleware/logging.js";
import { clientMetrics, createRpcMetrics, serverMetrics } from "./middleware/metrics.js";
import { recovery } from "./middleware/recovery.js";
import { readPolicyOverrides } from "./config-policy.js";
import type { PolicyOverrides } from "./policy/overrides.js";
import { concurrencyLimit, rateLimit, serverTimeout } from "./policy/server.js";
import { clientTracing, serverTracing } from "./middleware/tracing.js";
import type { ClientMiddleware } from "./outgoing.js";
import { instancesToRegister, registerInstances } from "./registration.js";
import { openRegistry } from "./registry/open.js";
import type { ServiceInstance, ServiceRegistry } from "./registry/types.js";
import { BalancedConnection, type BalancedConnectionOptions } from "./balance/balanced-connection.js";
import { addReflectionService } from "./reflection/reflection-service.js";
import type { ServiceSpec } from "./spec.js";
import { startTracing, type TracingHandle } from "./telemetry.js";
import { validation } from "./validate/middleware.js";

/** What a generated package tells the runtime about itself (see its `src/gen/server.ts`). */
export interface ServicePackage {
  /** The npm package name: the logger's `name` and the default `service.name` of traces. */
  readonly name: string;
  /** The services served, with their descriptors for health and reflection. */
  readonly services: readonly ServiceSpec[];
  /**
   * Builds the handlers, given what they may depend on (connections to other services), and
   * says how the transports reach them. Called once, before the servers listen.
   */
  bind(dependencies: ServiceDependencies): BoundServices;
  /** The package's OpenAPI document, served at `/openapi.yaml` on the HTTP port. */
  readonly openApiYaml?: string;
}

/** The services of a package with their handlers: what the transports serve. */
export interface BoundServices {
  /** Adds the services to a grpc-js server, every call going through `middleware`. */
  register(server: grpc.Server, options: { middleware: readonly Middleware[] } & GrpcServiceOptions): void;
  /** The endpoints of every service, every call going through `middleware`: what HTTP serves. */
  endpoints?(middleware: readonly Middleware[]): ServiceEndpoints[];
}

/** What handlers may use while they are built: the service's logger and connections to other services. */
export interface ServiceDependencies {
  /** The service's logger. */
  readonly logger: Logger;
  /** See {@link RunningService.connect}: the same connections, usable before the servers listen. */
  connect(service: string, options?: BalancedConnectionOptions): BalancedConnection;
}

/** Options of {@link startService}. */
export interface StartServiceOptions {
  config: ServerConfig;
  /** Where `OTEL_*` variables are read from, usually `process.env`; default none (tracing off). */
  env?: Readonly<Record<string, string | undefined>>;
  /** Your own middleware; it runs inside the defaults (tracing, metrics, logging, recovery, authentication). */
  middleware?: readonly Middleware[];
  /** Default: a pino logger on stdout at `config.logLevel`. */
  logger?: Logger;
  /** Where metrics are registered; default: a new registry with Node's process metrics. */
  metricsRegistry?: Registry;
  /**
   * Where the service's instances register; default: the registry `config.registry` names
   * (none when it is `none`). Deregistration is the first thing shutdown does; the registry is
   * closed after the drain.
   */
  serviceRegistry?: ServiceRegistry;
  /** The version registered with the instances; default "0.0.0". */
  version?: string;
  /** Default: TLS when `TLS_CERT_FILE`/`TLS_KEY_FILE` are set (mTLS with `TLS_CLIENT_CA_FILE`), else plaintext. */
  credentials?: grpc.ServerCredentials;
  /**
   * Who verifies callers, per auth mode, for methods whose policy asks for authentication.
   * Default: built from the settings (JWT_JWKS_URL or JWT_JWKS_FILE, API_KEYS_FILE, mTLS); a
   * mode some method uses without an authenticator stops the start with a ConfigError.
   */
  authenticators?: Authenticators;
}

/** A started service. */
export interface RunningService {
  readonly grpcPort: number;
  /** The HTTP/JSON port, or undefined when `HTTP_PORT` is off. */
  readonly httpPort: number | undefined;
  readonly adminPort: number;
  readonly logger: Logger;
  /** The metrics served at `/metrics`; register your own here. */
  readonly metricsRegistry: Registry;
  /** The instances registered for this process (empty without a registry). */
  readonly instances: readonly ServiceInstance[];
  /**
   * A connection to another service by name, through the service registry (`REGISTRY`), with
   * this service's client middleware: pass it to a generated client,
   * `new ProductClient(server.connect("shop.v1.ProductService"))`. Closed after the drain, so
   * calls made while draining still work. Throws ConfigError when `REGISTRY` is `none`.
   */
  connect(service: string, options?: BalancedConnectionOptions): BalancedConnection;
  /** Tracing and metrics for clients this service uses: pass as their `middleware` option. */
  readonly clientMiddleware: readonly ClientMiddleware[];
  /** Milliseconds from process start until the service was serving. */
  readonly startupMs: number;
  /**
   * Adds work to do at shutdown after readiness goes false and before calls are drained (after
   * deregistration from the service registry, which runs first). Hooks run in order; a failing
   * one is logged.
   */
  onShutdown(hook: () => Promise<void> | void): void;
  /**
   * Shuts down once (later calls return the same promise): readiness and health go to
   * NOT_SERVING, hooks run, `shutdownDelayMs` passes, new calls are refused, calls in flight get
   * up to `gracePeriodMs`, then the admin server, tracing and logs are closed.
   */
  shutdown(): Promise<void>;
}

/** Starts everything; resolves once every port serves. */
export async function startService(pkg: ServicePackage, options: StartServiceOptions): Promise<RunningService> {
  const { config } = options;
  const logger = options.logger ?? createLogger({ name: pkg.name, level: config.logLevel });
  const policyOverrides = readPolicyOverrides(config.policies ?? "");
  // Before anything opens: a wrong TLS or auth setting stops the start with nothing to close.
  const { tls, authenticators } = await securityOf(pkg, options, policyOverrides);
  const tracing = await startTracing(pkg.name, options.env ?? {});
  const metricsRegistry = options.metricsRegistry ?? defaultMetricsRegistry();
  const health = new HealthService(pkg.services.map((s) => s.typeName));
  let ready = false;
  const middleware = [
    serverTracing({ tracerProvider: tracing.tracerProvider }),
    serverMetrics(createRpcMetrics(metricsRegistry, "server")),
    logging({ logger, callsPerSecond: config.logCallsPerSecond, sendRequestId: config.requestIdInResponse }),
    recovery(),
    // The contract's policies (policy/server.ts) run inside observation, so refusals are traced,
    // counted and logged. The rate limit comes first: the cheapest refusal, before any token check.
    rateLimit({ overrides: policyOverrides }),
    // After tracing and logging (refusals are traced and logged), before the user's middleware (which sees ctx.auth).
    ...(authenticators ? [authentication(authenticators, { overrides: policyOverrides })] : []),
    // The deadline also bounds the wait for a slot of the bulkhead.
    serverTimeout({ overrides: policyOverrides }),
    concurrencyLimit({ overrides: policyOverrides }),
    ...(options.middleware ?? []),
    validation(), // protovalidate: buf.validate rules checked last, just before the handler (issue 6)
  ];
  const clientMiddleware = [clientTracing({ tracerProvider: tracing.tracerProvider }), clientMetrics(createRpcMetrics(metricsRegistry, "client"))];
  const connections: BalancedConnection[] = [];
  // What is open so far, closed in reverse if a later step fails.
  const opened: Array<() => Promise<unknown>> = [() => tracing.shutdown()];
  const servers = await unwindOnFailure(opened, async () => {
    // The registry opens first: handlers may connect to other services while they are built.
    const registrar = options.serviceRegistry ?? (config.registry === "none" ? undefined : await openRegistry(config.registry));
    if (registrar && !options.serviceRegistry) opened.push(() => registrar.close());
    const connect = (service: string, connectOptions: BalancedConnectionOptions = {}): BalancedConnection => {
      if (!registrar) throw new ConfigError(`REGISTRY is none: cannot find ${service} by name`);
      const connection = new BalancedConnection(service, registrar, { middleware: clientMiddleware, balancer: config.balancer, policies: { overrides: policyOverrides }, ...connectOptions });
      connections.push(connection);
      return connection;
    };
    opened.push(async () => connections.forEach((connection) => connection.close()));
    const bound = pkg.bind({ logger, connect });
    const admin = await listening("ADMIN_PORT", config.host, config.adminPort, () =>
      serveAdmin({ host: config.host, port: config.adminPort, registry: metricsRegistry, isReady: () => ready, logger }),
    );
    opened.push(() => admin.close());
    const credentials = options.credentials ?? (tls ? grpcServerCredentials(tls) : undefined);
    // Client certificates are looked up per call only where they can exist (see GrpcServiceOptions).
    const clientCertificates = tls?.clientCa !== undefined || options.credentials !== undefined;
    const grpcServer = await startGrpc(pkg, bound, { ...options, ...(credentials ? { credentials } : {}), clientCertificates }, middleware, logger, health);
    opened.push(() => grpcServer.shutdown(0));
    const httpServer = await startHttp(pkg, bound, config, middleware, logger, tls);
    if (httpServer) opened.push(() => httpServer.shutdown(0));
    return { admin, grpcServer, httpServer, registrar, connect };
  });
  const { admin, grpcServer, httpServer, registrar, connect } = servers;
  ready = true;
  const startupMs = Math.round(performance.now());
  logger.info({ grpc_port: grpcServer.port, http_port: httpServer?.port, admin_port: admin.port, startup_ms: startupMs, tracing: tracing.exporters }, "serving");
  const hooks: Array<() => Promise<void> | void> = [];
  // Registered once serving and healthy; deregistered first at shutdown, before the drain.
  const instances = registrar
    ? instancesToRegister(config, {
        serviceNames: pkg.services.map((s) => s.typeName),
        version: options.version ?? "0.0.0",
        grpcPort: grpcServer.port,
        ...(httpServer ? { httpPort: httpServer.port } : {}),
        localOnly: config.registry.startsWith("local:"),
      })
    : [];
  // Closed after the drain, not with deregistration: handlers still calling out need discovery.
  const closeConnections = async () => {
    for (const connection of connections) connection.close();
    await registrar?.close().catch((error: unknown) => logger.warn({ err: error }, "closing the registry failed"));
  };
  const stop = lifecycle({ config, logger, health, admin, grpcServer, httpServer, tracing, hooks, closeConnections, setNotReady: () => (ready = false) });
  if (registrar) {
    try {
      hooks.push(await registerInstances(registrar, instances, logger));
    } catch (error) {
      // Serving but unfindable is worse than not starting: stop and say why.
      await stop();
      throw new ConfigError(`REGISTRY: registering in ${config.registry} failed: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
    }
  }
  return {
    grpcPort: grpcServer.port,
    httpPort: httpServer?.port,
    adminPort: admin.port,
    logger,
    metricsRegistry,
    instances,
    clientMiddleware,
    startupMs,
    onShutdown: (hook) => void hooks.push(hook),
    connect,
    shutdown: stop,
  };
}

/** Runs `start`; if it throws, closes what `opened` lists (newest first) and rethrows. */
async function unwindOnFailure<T>(opened: Array<() => Promise<unknown>>, start: () => Promise<T>): Promise<T> {
  try {
    return await start();
  } catch (error) {
    for (const close of opened.reverse()) await close().catch(() => undefined);
    throw error;
  }
}

function startGrpc(
  pkg: ServicePackage,
  bound: BoundServices,
  options: StartServiceOptions & { clientCertificates: boolean },
  middleware: readonly Middleware[],
  logger: Logger,
  health: HealthService,
): Promise<GrpcServerHandle> {
  const { config } = options;
  return listening("GRPC_PORT", config.host, config.grpcPort, () =>
    serveGrpc({
      host: config.host,
      port: config.grpcPort,
      maxMessageBytes: config.maxMessageBytes,
      ...(options.credentials ? { credentials: options.credentials } : {}),
      register: (server) => {
        bound.register(server, { middleware, logger, clientCertificates: options.clientCertificates });
        health.addTo(server);
        if (config.reflection) addReflectionService(server, [...pkg.services.flatMap((s) => (s.file ? [s.file] : [])), file_grpc_health_v1_health]);
      },
    }),
  );
}

/** The HTTP/JSON server over the same endpoints, unless `HTTP_PORT` is off (or the package predates HTTP). */
async function startHttp(
  pkg: ServicePackage,
  bound: BoundServices,
  config: ServerConfig,
  middleware: readonly Middleware[],
  logger: Logger,
  tls: ServerTls | undefined,
): Promise<HttpServerHandle | undefined> {
  const port = config.httpPort;
  if (port === "off" || !bound.endpoints) return undefined;
  const transcoder = createHttpTranscoder({
    services: bound.endpoints(middleware),
    logger,
    maxMessageBytes: config.maxMessageBytes,
    defaultRoutes: config.httpDefaultRoutes,
    documents: pkg.openApiYaml === undefined ? {} : { "/openapi.yaml": { contentType: "application/yaml", body: pkg.openApiYaml } },
  });
  return listening("HTTP_PORT", config.host, port, () => serveHttp({ host: config.host, port, transcoder, ...(tls ? { tls } : {}) }));
}

/**
 * The server's TLS material and the authenticators its methods need (none when no method asks
 * for authentication); ConfigError for a setting that is missing or wrong.
 */
async function securityOf(
  pkg: ServicePackage,
  options: StartServiceOptions,
  overrides: PolicyOverrides,
): Promise<{ tls: ServerTls | undefined; authenticators: Authenticators | undefined }> {
  const tls = await loadServerTls(options.config);
  const methods = pkg.services.flatMap((service) => Object.values(service.methods));
  const authenticators = options.authenticators ?? (await authenticatorsFromConfig(options.config, methods, overrides));
  requireAuthenticators(authenticators, methods, overrides);
  return { tls, authenticators: Object.keys(authenticators).length > 0 ? authenticators : undefined };
}

/**
 * Runs `bind`; a failure to listen (port taken, address not on this machine) becomes a
 * ConfigError naming the setting, so the process stops with one line rather than a stack trace.
 */
async function listening<T>(setting: string, host: string, port: number, bind: () => Promise<T>): Promise<T> {
  try {
    return await bind();
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new ConfigError(`${setting}: cannot listen on ${host}:${port}: ${reason}`, { cause: error });
  }
}

function defaultMetricsRegistry(): Registry {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  return registry;
}

/** What the shutdown sequence works on. */
interface Running {
  config: ServerConfig;
  logger: Logger;
  health: HealthService;
  admin: AdminServerHandle;
  grpcServer: GrpcServerHandle;
  httpServer: HttpServerHandle | undefined;
  tracing: TracingHandle;
  hooks: ReadonlyArray<() => Promise<void> | void>;
  /** Closes outgoing connections and the registry, after the drain. */
  closeConnections: () => Promise<void>;
  setNotReady: () => void;
}

function lifecycle(running: Running): () => Promise<void> {
  let stopping: Promise<void> | undefined;
  return () => (stopping ??= shutdownSequence(running));
}

async function shutdownSequence(running: Running): Promise<void> {
  const { config, logger } = running;
  logger.info({ grace_period_ms: config.gracePeriodMs }, "shutting down");
  running.setNotReady();
  running.health.shutdown();
  for (const hook of running.hooks) {
    try {
      await hook();
    } catch (error) {
      logger.error({ err: error }, "shutdown hook failed");
    }
  }
  if (config.shutdownDelayMs > 0) await new Promise((resolve) => setTimeout(resolve, config.shutdownDelayMs));
  const drained = Promise.all([running.grpcServer.shutdown(config.gracePeriodMs), running.httpServer?.shutdown(config.gracePeriodMs)]);
  // Open Watch calls would hold the drain for the whole grace period; the drain has begun (new
  // calls are refused), so watchers reconnecting now find no server.
  running.health.endWatches();
  await drained;
  await running.closeConnections();
  await Promise.all([running.admin.close(), running.tracing.shutdown().catch((error: unknown) => logger.warn({ err: error }, "flushing traces failed"))]);
  logger.info("stopped");
}
