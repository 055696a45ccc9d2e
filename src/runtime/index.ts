/**
 * `gen-svc/runtime`: what generated services import. Transport-independent pieces (codes, errors,
 * metadata, endpoints, specs, codecs, config) and the gRPC transport on grpc-js.
 */
export { Code, codeName, httpStatusFromCode, isCode } from "./code.js";
export type { CallContext } from "./context.js";
export { chain, makeEndpoint } from "./endpoint.js";
export type {
  BidiStreamingEndpoint,
  ClientStreamingEndpoint,
  Endpoint,
  Middleware,
  ServerStreamingEndpoint,
  UnaryEndpoint,
} from "./endpoint.js";
export { INTERNAL_ERROR_MESSAGE, packDetail, RemoteServiceError, ServiceError, toCode } from "./errors.js";
export type { ServiceErrorOptions } from "./errors.js";
export { catalogError, errorInfoOf, hasErrorReason } from "./error-info.js";
export type { CatalogErrorOptions, CatalogErrorSpec } from "./error-info.js";
export { Metadata } from "./metadata.js";
export type { MetadataInit, MetadataValue } from "./metadata.js";
export type { Idempotency, MessageCodec, MethodKind, MethodSpec, ServiceSpec } from "./spec.js";
export { defineService, methodSpec, protobufEsCodec } from "./codec.js";
export type { DefineServiceOptions, MessageInit, ServiceMethodSpecs } from "./codec.js";
export type { AuthPolicy, CircuitBreakerPolicy, ConcurrencyLimitPolicy, MethodPolicy, RateLimitPolicy, RetryBudget, RetryPolicy } from "./policy/types.js";
// The contract's policies enforced (see the README's Policies): server and client middleware, POLICIES overrides.
export { concurrencyLimit, rateLimit, serverTimeout } from "./policy/server.js";
export type { ServerPolicyOptions } from "./policy/server.js";
export { circuitBreaker, CIRCUIT_OPEN_MESSAGE, clientPolicies, clientRetry, clientTimeout } from "./policy/client.js";
export type { ClientPolicyOptions } from "./policy/client.js";
export { applyOverrides } from "./policy/overrides.js";
export type { PolicyOverride, PolicyOverrides } from "./policy/overrides.js";
export { readPolicyOverrides } from "./config-policy.js";
export { decodeStatus, encodeStatus, errorFromStatus, STATUS_DETAILS_KEY, statusFromError, statusRegistry } from "./status.js";
export { ConfigError, loadServerConfig, MAX_DURATION_MS, SERVER_SETTINGS, waitForShutdownSignal } from "./config.js";
export type { ServerConfig, SettingDescription, SignalSource } from "./config.js";

// Running a service: lifecycle, admin port, logging, tracing set-up.
export { startService } from "./service.js";
export type { BoundServices, RunningService, ServiceDependencies, ServicePackage, StartServiceOptions } from "./service.js";
export { serveAdmin } from "./admin.js";
export type { AdminServerHandle, AdminServerOptions } from "./admin.js";
export { createLogger, LOG_LEVELS, silentLogger } from "./logger.js";
export type { LogFn, Logger, LoggerOptions, LogLevel } from "./logger.js";
export { startTracing } from "./telemetry.js";
export type { TracingHandle } from "./telemetry.js";

// Middleware: server and client.
export { chainClient, inheritParent } from "./outgoing.js";
export type { ClientEndpoint, ClientMiddleware, OutgoingCall, ParentCall } from "./outgoing.js";
export { exceptFor, onlyFor } from "./middleware/select.js";
export type { MethodMatcher } from "./middleware/select.js";
export { recovery } from "./middleware/recovery.js";
// Authentication (JWT, API key, mTLS) per method's auth policy, and TLS for both transports.
export { authentication, authorize, authPolicyOf } from "./auth/middleware.js";
export type { Authenticators } from "./auth/middleware.js";
export { authenticatorsFromConfig } from "./auth/config.js";
export type { AuthSettings } from "./auth/config.js";
export { bearerToken, jwtAuthenticator, localJwks, remoteJwks } from "./auth/jwt.js";
export type { Authenticator, JwtAuthenticatorOptions, RemoteJwksOptions } from "./auth/jwt.js";
export { API_KEY_METADATA, apiKeyAuthenticator, apiKeySha256, parseApiKeys } from "./auth/api-key.js";
export type { ApiKeyEntry } from "./auth/api-key.js";
export { certificatePrincipal, mtlsAuthenticator, parseCertificateRoles } from "./auth/mtls.js";
export type { CertificateRoles } from "./auth/mtls.js";
export { apiKeyAuth, bearerAuth } from "./auth/client.js";
export type { CredentialSource } from "./auth/client.js";
export type { AuthMode, Principal } from "./auth/principal.js";
export { permissionDenied, unauthenticated } from "./auth/errors.js";
export { grpcChannelCredentials, grpcServerCredentials, httpsServerOptions, loadServerTls, tlsConnectOptions } from "./tls.js";
export type { ClientTls, ServerTls, TlsSettings } from "./tls.js";
export { JWT_ALGORITHMS } from "./config-security.js";

// Request validation with protovalidate (buf.validate rules), before the handler.
export { validation } from "./validate/middleware.js";
export type { ValidationOptions } from "./validate/middleware.js";
export { hasValidationRules } from "./validate/rules.js";
export { fieldPath, invalidArgument } from "./validate/violations.js";
export type { FieldNameStyle } from "./validate/violations.js";
export { levelForCode, logging, REQUEST_ID_KEY } from "./middleware/logging.js";
export type { LoggingOptions } from "./middleware/logging.js";
export { clientMetrics, createRpcMetrics, serverMetrics } from "./middleware/metrics.js";
export type { RpcMetrics } from "./middleware/metrics.js";
export { clientTracing, serverTracing } from "./middleware/tracing.js";
export type { TracingOptions } from "./middleware/tracing.js";
export { observe, observeCall } from "./middleware/observe.js";
export type { CallObserver, ObservedCall } from "./middleware/observe.js";

// Service registry and discovery (issue 5), chosen by URL with openRegistry. The etcd, Consul and
// mDNS classes are exported from `gen-svc/runtime/registry`, so that loading this module does not
// load their client libraries.
export { openRegistry, REGISTRY_OPENERS } from "./registry/open.js";
export type { OpenRegistryOptions, RegistryOpener } from "./registry/open.js";
export { parseRegistryUrl } from "./registry/url.js";
export type { RegistryUrl } from "./registry/url.js";
export { defaultLocalRegistryDir, LocalRegistry } from "./registry/local.js";
export type { LocalRegistryOptions } from "./registry/local.js";
export { StaticRegistry, staticInstance } from "./registry/static.js";
export { defaultKubernetesServiceName, DnsDiscovery } from "./registry/kubernetes-dns.js";
export type { DnsDiscoveryOptions, DnsLookups, DnsTarget } from "./registry/kubernetes-dns.js";
export type { Discovery, Registrar, ServiceInstance, ServiceRegistry, Transport } from "./registry/types.js";

// gRPC transport.
export { createHttpTranscoder } from "./http/server.js";
export type { HttpTranscoder, HttpTranscoderOptions } from "./http/server.js";
export { serveHttp } from "./http/serve.js";
export type { HttpServerHandle, ServeHttpOptions } from "./http/serve.js";
export type { ServiceEndpoints } from "./http/routes.js";
export { HttpStatusError } from "./http/http-error.js";
export { annotatedRules, defaultRule } from "./http/rules.js";
export type { HttpRuleSpec } from "./http/rules.js";
export { METADATA_HEADER_PREFIX, PASS_THROUGH_HEADERS, TRAILER_HEADER_PREFIX } from "./http/headers.js";
export { HttpConnection } from "./http/client.js";
export type { HttpConnectionOptions } from "./http/client.js";
export { addGrpcService } from "./grpc/server.js";
export type { GrpcServiceOptions } from "./grpc/server.js";
export { GrpcConnection } from "./grpc/client.js";
export type { GrpcConnectionOptions } from "./grpc/client.js";
export type { CallOptions } from "./grpc/client-call.js";
export { serveGrpc } from "./grpc/serve.js";
export type { GrpcServerHandle, ServeGrpcOptions } from "./grpc/serve.js";
export { DEFAULT_MAX_MESSAGE_BYTES } from "./grpc/limits.js";
export { fromGrpcMetadata, toGrpcMetadata } from "./grpc/metadata.js";

// Health checking (grpc.health.v1) and server reflection (grpc.reflection.v1 and v1alpha).
export { HealthService } from "./health/health-service.js";
export type { HealthServiceOptions, ServingStatus } from "./health/health-service.js";
export { file_grpc_health_v1_health } from "./gen/grpc/health/v1/health_pb.js";
export { addReflectionService } from "./reflection/reflection-service.js";
export type { ReflectionServiceOptions } from "./reflection/reflection-service.js";

// google.rpc messages, for attaching and reading error details. The generated enum `Code` is left
// out: the runtime's `Code` above has the same values and names.
export { StatusSchema, file_google_rpc_status } from "./gen/google/rpc/status_pb.js";
export type { Status } from "./gen/google/rpc/status_pb.js";
export {
  BadRequest_FieldViolationSchema,
  BadRequestSchema,
  DebugInfoSchema,
  ErrorInfoSchema,
  file_google_rpc_error_details,
  Help_LinkSchema,
  HelpSchema,
  LocalizedMessageSchema,
  PreconditionFailure_ViolationSchema,
  PreconditionFailureSchema,
  QuotaFailure_ViolationSchema,
  QuotaFailureSchema,
  RequestInfoSchema,
  ResourceInfoSchema,
  RetryInfoSchema,
} from "./gen/google/rpc/error_details_pb.js";
export type {
  BadRequest,
  BadRequest_FieldViolation,
  DebugInfo,
  ErrorInfo,
  Help,
  Help_Link,
  LocalizedMessage,
  PreconditionFailure,
  PreconditionFailure_Violation,
  QuotaFailure,
  QuotaFailure_Violation,
  RequestInfo,
  ResourceInfo,
  RetryInfo,
} from "./gen/google/rpc/error_details_pb.js";

// Client-side discovery and load balancing.
export type { RpcConnection } from "./rpc-connection.js";
export { BalancedConnection } from "./balance/balanced-connection.js";
export type { BalancedConnectionOptions, BalancedInstance } from "./balance/balanced-connection.js";
export { BALANCER_NAMES, createBalancer } from "./balance/balancers.js";
export type { Balancer, BalancerName, Candidate } from "./balance/balancers.js";
export type { EjectionOptions } from "./balance/ejection.js";
