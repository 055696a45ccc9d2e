/**
 * The service model (IR): everything the renderer needs to know about the services of a
 * CodeGeneratorRequest, computed once from the descriptors. Plain data plus a reference to the
 * protobuf-es descriptor for code that needs more.
 */
import type { DescMessage, DescMethod, DescService } from "@bufbuild/protobuf";
import type { PathTemplate } from "../runtime/http/path-template.js";
import type { ErrorCatalogModel } from "./error-catalog.js";

/** How a method streams: the four gRPC call kinds. */
export type StreamingKind = "unary" | "server_streaming" | "client_streaming" | "bidi_streaming";

/** `google.protobuf.MethodOptions.idempotency_level`, by name. */
export type IdempotencyLevel = "unknown" | "no_side_effects" | "idempotent";

/** A position in a `.proto` file, 1-based like compiler messages. */
export interface SourceLocation {
  file: string;
  line: number;
  column: number;
}

/** Comments attached to a declaration, with the leading `//` or `/*` markers removed. */
export interface Comments {
  leading: string;
  trailing: string;
  leadingDetached: string[];
}

/** A message referenced by a method (its input or output). */
export interface MessageRef {
  /** Fully qualified name, e.g. `helloworld.HelloRequest`. */
  typeName: string;
  /** The proto file that declares it, e.g. `helloworld/helloworld.proto`. */
  file: string;
  desc: DescMessage;
}

// The template grammar lives with the runtime router, which parses the same templates.
export type { PathSegment, PathTemplate } from "../runtime/http/path-template.js";

/** One HTTP binding of a method (the main rule or one of its `additional_bindings`). */
export interface HttpBinding {
  /** `GET`, `PUT`, `POST`, `DELETE`, `PATCH`, or the `custom` kind as written (e.g. `HEAD`). */
  method: string;
  /** The template text as written in the proto. */
  pattern: string;
  template: PathTemplate;
  /**
   * `*`, a request field name, or undefined when there is no body. Usually top-level as
   * http.proto asks; grpc-gateway also accepts a field path (`payload.input_value`).
   */
  body: string | undefined;
  /** A response field name (or field path, as for `body`), or undefined for the whole response. */
  responseBody: string | undefined;
  location: SourceLocation | undefined;
}

/** gen-svc retry policy, from `gensvc.options.v1`. */
export interface RetryPolicyModel {
  maxAttempts: number;
  initialBackoffMs: number;
  maxBackoffMs: number;
  backoffMultiplier: number;
  retryableCodes: string[];
  /** Retry throttling (gRFC A6), always filled in: retries stop while the tokens are at or below half. */
  budget: RetryBudgetModel;
}

/** gen-svc retry budget (gRPC retry throttling), from `gensvc.options.v1`. */
export interface RetryBudgetModel {
  maxTokens: number;
  tokenRatio: number;
}

/** gen-svc server bulkhead, from `gensvc.options.v1`. */
export interface ConcurrencyLimitModel {
  maxConcurrent: number;
  maxQueue: number;
}

/** gen-svc rate limit, from `gensvc.options.v1`. */
export interface RateLimitModel {
  requestsPerSecond: number;
  burst: number;
  keyMetadata: string | undefined;
}

/** gen-svc circuit breaker, from `gensvc.options.v1`. */
export interface CircuitBreakerModel {
  failureRatio: number | undefined;
  consecutiveFailures: number | undefined;
  minimumCalls: number;
  openDurationMs: number;
  halfOpenProbes: number;
  /** The sliding window over which `failureRatio` is measured. */
  windowMs: number;
}

/** gen-svc authentication requirement, from `gensvc.options.v1`. */
export interface AuthModel {
  mode: "none" | "jwt" | "api_key" | "mtls";
  scopes: string[];
  roles: string[];
}

/**
 * Policies declared with gen-svc's options. Service-level values are already merged into each
 * method's policy (the method wins field by field).
 */
export interface PolicyModel {
  timeoutMs: number | undefined;
  retry: RetryPolicyModel | undefined;
  rateLimit: RateLimitModel | undefined;
  circuitBreaker: CircuitBreakerModel | undefined;
  auth: AuthModel | undefined;
  concurrencyLimit: ConcurrencyLimitModel | undefined;
}

/** One RPC. */
export interface MethodModel {
  /** As declared, e.g. `SayHello`. */
  name: string;
  /** As protobuf-es names it, e.g. `sayHello` (also used by the generated interface). */
  localName: string;
  /** gRPC path, e.g. `/helloworld.Greeter/SayHello`. */
  path: string;
  kind: StreamingKind;
  input: MessageRef;
  output: MessageRef;
  comments: Comments;
  deprecated: boolean;
  idempotency: IdempotencyLevel;
  http: HttpBinding[];
  policy: PolicyModel;
  location: SourceLocation | undefined;
  desc: DescMethod;
}

/** One service. */
export interface ServiceModel {
  name: string;
  /** e.g. `helloworld.Greeter`. */
  typeName: string;
  file: string;
  comments: Comments;
  deprecated: boolean;
  methods: MethodModel[];
  /** The service-level policy as declared (methods carry the merged result). */
  policy: PolicyModel;
  location: SourceLocation | undefined;
  desc: DescService;
}

/** All services of one proto package: one generated npm package. */
export interface PackageModel {
  /** Proto package, e.g. `helloworld` or `ecommerce.product.v1` (empty for no package). */
  protoPackage: string;
  services: ServiceModel[];
  /** Proto files (to generate) that declare these services. */
  files: string[];
  /**
   * Services of other proto packages declared in files that `files` import directly: the
   * package gets typed clients for them (no server side), so a handler can call the services
   * its contract depends on. Sorted like `services`.
   */
  clientServices: ServiceModel[];
  /** Enums of the package marked as error catalogs: the package gets typed errors for them. */
  errorCatalogs: ErrorCatalogModel[];
}

/**
 * A problem in the input that does not stop generation (e.g. an HTTP binding that an earlier one
 * shadows); printed as `warning: file:line:col: message` (see `formatDiagnostic` in errors.ts).
 */
export interface GenerationWarning {
  message: string;
  location: SourceLocation | undefined;
}

/** The model of a whole request: one entry per proto package that has services. */
export interface ApiModel {
  packages: PackageModel[];
  /** Problems that did not stop generation, in package and declaration order. */
  warnings: GenerationWarning[];
}
