/**
 * The run-time settings documented in a generated package's README. They mirror the settings
 * table exported by the runtime's config module (a test keeps the two equal); the generator does
 * not import the runtime, which stands apart.
 */

/** One documented setting. */
export interface SettingDoc {
  name: string;
  env: string;
  flag: string;
  default: string;
  description: string;
}

/** The settings of `loadServerConfig`, in README order. */
export const serverSettings: readonly SettingDoc[] = [
  { name: "Host", env: "HOST", flag: "--host", default: "0.0.0.0", description: "Interface to listen on (0.0.0.0 for all IPv4 interfaces, :: for all interfaces)." },
  { name: "gRPC port", env: "GRPC_PORT", flag: "--grpc-port", default: "50051", description: "Port of the gRPC server; 0 picks a free port." },
  {
    name: "HTTP port",
    env: "HTTP_PORT",
    flag: "--http-port",
    default: "8080",
    description: "Port of the HTTP/JSON server (google.api.http routes, /openapi.yaml); 0 picks a free port; off serves no HTTP.",
  },
  {
    name: "HTTP default routes",
    env: "HTTP_DEFAULT_ROUTES",
    flag: "--http-default-routes",
    default: "true",
    description: "Also serve every method at POST /<package>.<Service>/<Method> with the request as the body (true or false).",
  },
  {
    name: "Grace period",
    env: "GRACE_PERIOD_MS",
    flag: "--grace-period-ms",
    default: "10000",
    description: "Milliseconds shutdown waits for calls in flight before cancelling them.",
  },
  {
    name: "Admin port",
    env: "ADMIN_PORT",
    flag: "--admin-port",
    default: "9090",
    description: "Port of the admin HTTP server: /metrics (Prometheus), /healthz, /readyz; 0 picks a free port.",
  },
  {
    name: "Log level",
    env: "LOG_LEVEL",
    flag: "--log-level",
    default: "info",
    description: "Lowest level of log lines written: trace, debug, info, warn, error, fatal, silent.",
  },
  {
    name: "Call log rate",
    env: "LOG_CALLS_PER_SECOND",
    flag: "--log-calls-per-second",
    default: "100",
    description: "Successful calls logged per second before sampling (1 in 100) starts; failures are always logged; 0 logs every call.",
  },
  {
    name: "Request id in responses",
    env: "REQUEST_ID_IN_RESPONSE",
    flag: "--request-id-in-response",
    default: "false",
    description:
      "Send each call's request id back in the x-request-id response header (true or false): the caller's, or the one made up for the call. Either way it is in the call's log lines.",
  },
  {
    name: "Message size limit",
    env: "MAX_MESSAGE_BYTES",
    flag: "--max-message-bytes",
    default: "4194304",
    description: "Largest request or response message in bytes; larger ones fail with RESOURCE_EXHAUSTED.",
  },
  {
    name: "Shutdown delay",
    env: "SHUTDOWN_DELAY_MS",
    flag: "--shutdown-delay-ms",
    default: "0",
    description: "Milliseconds between readiness turning false and refusing new calls, for load balancers to notice.",
  },
  {
    name: "Reflection",
    env: "REFLECTION",
    flag: "--reflection",
    default: "true",
    description: "Serve gRPC server reflection (true or false), so tools like grpcurl and buf curl need no schema.",
  },
  {
    name: "Registry",
    env: "REGISTRY",
    flag: "--registry",
    default: "local://",
    description:
      "Service registry to register in and discover from: local:// (this machine, no server), etcd://host:port, consul://host:port, mdns://, static://, k8s://, or none.",
  },
  {
    name: "Advertised host",
    env: "ADVERTISE_HOST",
    flag: "--advertise-host",
    default: "",
    description:
      "Address registered for this instance; empty uses HOST, or 127.0.0.1 for local://, or the first non-internal IPv4 address when HOST is a wildcard.",
  },
  {
    name: "Balancer",
    env: "BALANCER",
    flag: "--balancer",
    default: "p2c",
    description: "How calls to other services (server.connect) pick an instance: round-robin, random, weighted, p2c (power of two choices on calls in flight).",
  },
  { name: "TLS certificate", env: "TLS_CERT_FILE", flag: "--tls-cert-file", default: "", description: "PEM certificate (chain) of the gRPC and HTTP servers; with TLS_KEY_FILE both serve TLS. Empty: plaintext." },
  { name: "TLS key", env: "TLS_KEY_FILE", flag: "--tls-key-file", default: "", description: "PEM private key of TLS_CERT_FILE." },
  {
    name: "Client CA (mTLS)",
    env: "TLS_CLIENT_CA_FILE",
    flag: "--tls-client-ca-file",
    default: "",
    description: "PEM CA certificates: when set, clients must present a certificate one of them signed (mutual TLS).",
  },
  {
    name: "JWKS URL",
    env: "JWT_JWKS_URL",
    flag: "--jwt-jwks-url",
    default: "",
    description: "JWKS URL of the keys that sign JWTs (cached; refetched, at most every 30 s, for an unknown kid).",
  },
  { name: "JWKS file", env: "JWT_JWKS_FILE", flag: "--jwt-jwks-file", default: "", description: "Local JWKS file of the keys that sign JWTs, instead of JWT_JWKS_URL." },
  { name: "JWT issuer", env: "JWT_ISSUER", flag: "--jwt-issuer", default: "", description: "The iss a JWT must carry; empty: not checked." },
  { name: "JWT audience", env: "JWT_AUDIENCE", flag: "--jwt-audience", default: "", description: "Comma-separated aud values of which a JWT must carry one; empty: not checked." },
  {
    name: "JWT algorithms",
    env: "JWT_ALGORITHMS",
    flag: "--jwt-algorithms",
    default: "RS256,PS256,ES256,EdDSA",
    description: "Comma-separated JWT algorithms accepted, from: RS256, RS384, RS512, PS256, PS384, PS512, ES256, ES384, ES512, EdDSA, Ed25519 (asymmetric only; none and HS* are refused).",
  },
  {
    name: "JWT clock tolerance",
    env: "JWT_CLOCK_TOLERANCE_SECONDS",
    flag: "--jwt-clock-tolerance-seconds",
    default: "5",
    description: "Seconds of clock skew allowed when checking a JWT's exp and nbf (0 to 300).",
  },
  {
    name: "API keys file",
    env: "API_KEYS_FILE",
    flag: "--api-keys-file",
    default: "",
    description: "JSON file of API keys: [{ sha256 or key, principal, scopes, roles }]; callers send one in x-api-key.",
  },
  {
    name: "mTLS roles file",
    env: "MTLS_ROLES_FILE",
    flag: "--mtls-roles-file",
    default: "",
    description: 'JSON file mapping client certificate principals (subject CN or SAN) to roles: { "principal": ["role"] }.',
  },
  {
    name: "Policy overrides",
    env: "POLICIES",
    flag: "--policies",
    default: "",
    description:
      'Overrides of the contract\'s policies: JSON (or a JSON file\'s path) keyed by pkg.Service or pkg.Service/Method, e.g. {"shop.v1.Orders/List": {"rateLimit": {"requestsPerSecond": 50}}}; null removes a part.',
  },
];
