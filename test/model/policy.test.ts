import { describe, expect, it } from "vitest";
import { buildApiModel } from "../../src/model/build.js";
import type { MethodModel, PolicyModel, ServiceModel } from "../../src/model/types.js";
import { compileFixture } from "./compile.js";
import { formattedError } from "./formatted-error.js";

const servicesOf = (file: string): ServiceModel[] => buildApiModel(compileFixture(file), [file], []).packages.flatMap((p) => p.services);
const policyOf = (services: ServiceModel[], name: string): PolicyModel =>
  services.flatMap((s): Array<ServiceModel | MethodModel> => [s, ...s.methods]).find((x) => x.name === name)!.policy;

const none: PolicyModel = { timeoutMs: undefined, retry: undefined, rateLimit: undefined, circuitBreaker: undefined, auth: undefined, concurrencyLimit: undefined };
const defaultBudget = { maxTokens: 10, tokenRatio: 0.1 };

describe("gen-svc policies: merging", () => {
  const library = servicesOf("library.proto");
  const libraryService: PolicyModel = {
    timeoutMs: 5000,
    retry: { maxAttempts: 4, initialBackoffMs: 200, maxBackoffMs: 10_000, backoffMultiplier: 2, retryableCodes: ["UNAVAILABLE", "ABORTED"], budget: defaultBudget },
    rateLimit: { requestsPerSecond: 2.5, burst: 3, keyMetadata: "x-api-key" },
    circuitBreaker: undefined,
    auth: { mode: "jwt", scopes: ["library.read"], roles: ["reader"] },
    concurrencyLimit: undefined,
  };

  it("gives the service its declared policy with defaults filled in", () => {
    expect(policyOf(library, "Library")).toEqual(libraryService);
  });

  it("gives a method without options its service's policy", () => {
    expect(policyOf(library, "GetBook")).toEqual(libraryService);
    expect(policyOf(library, "Chat")).toEqual(libraryService);
  });

  it("lets a method override field by field", () => {
    expect(policyOf(library, "CreateBook")).toEqual({
      timeoutMs: 1500,
      retry: { ...libraryService.retry, maxAttempts: 2 },
      rateLimit: libraryService.rateLimit,
      circuitBreaker: { failureRatio: undefined, consecutiveFailures: 3, minimumCalls: 10, openDurationMs: 30_000, halfOpenProbes: 1, windowMs: 10_000 },
      auth: { mode: "jwt", scopes: ["library.write"], roles: ["reader"] },
      concurrencyLimit: undefined,
    });
  });

  it("starts a fresh auth when a method sets its mode (protoc-style option syntax)", () => {
    expect(policyOf(library, "ListBooks").auth).toEqual({ mode: "none", scopes: [], roles: [] });
  });

  const merged = servicesOf("policy_merge.proto");

  it("replaces lists, the oneof trip and optional strings as a whole", () => {
    expect(policyOf(merged, "Overrides")).toEqual({
      timeoutMs: 250,
      retry: { maxAttempts: 5, initialBackoffMs: 100, maxBackoffMs: 10_000, backoffMultiplier: 1.5, retryableCodes: ["ABORTED", "UNAVAILABLE"], budget: defaultBudget },
      rateLimit: { requestsPerSecond: 100, burst: 20, keyMetadata: undefined },
      circuitBreaker: { failureRatio: undefined, consecutiveFailures: 4, minimumCalls: 4, openDurationMs: 30_000, halfOpenProbes: 1, windowMs: 5000 },
      auth: { mode: "mtls", scopes: [], roles: [] },
      concurrencyLimit: { maxConcurrent: 8, maxQueue: 0 },
    });
  });

  it("inherits the mode and scopes when a method only adds roles", () => {
    expect(policyOf(merged, "AddsRoles").auth).toEqual({ mode: "jwt", scopes: ["a"], roles: ["admin", "owner"] });
    expect(policyOf(merged, "Inherits")).toEqual(policyOf(merged, "Merged"));
  });

  it("fills in the documented defaults", () => {
    expect(policyOf(merged, "Empty")).toEqual({
      timeoutMs: undefined,
      retry: { maxAttempts: 3, initialBackoffMs: 100, maxBackoffMs: 10_000, backoffMultiplier: 2, retryableCodes: ["UNAVAILABLE"], budget: defaultBudget },
      rateLimit: { requestsPerSecond: 0.5, burst: 1, keyMetadata: undefined },
      circuitBreaker: { failureRatio: 0.5, consecutiveFailures: undefined, minimumCalls: 10, openDurationMs: 30_000, halfOpenProbes: 1, windowMs: 10_000 },
      auth: undefined,
      concurrencyLimit: { maxConcurrent: 1, maxQueue: 0 },
    });
    expect(policyOf(merged, "Defaults")).toEqual(none);
  });

  it("merges the retry budget and the concurrency limit field by field", () => {
    expect(policyOf(merged, "Inherits").concurrencyLimit).toEqual({ maxConcurrent: 8, maxQueue: 16 });
    expect(policyOf(merged, "OwnRatio").retry).toEqual({
      maxAttempts: 2, initialBackoffMs: 100, maxBackoffMs: 10_000, backoffMultiplier: 2, retryableCodes: ["UNAVAILABLE"],
      budget: { maxTokens: 100, tokenRatio: 1 },
    });
  });

  it("gives services and methods without options no policy", () => {
    expect(policyOf(merged, "Plain")).toEqual(none);
    expect(policyOf(merged, "None")).toEqual(none);
  });
});

describe("gen-svc policies: errors at the option's location", () => {
  const registry = compileFixture("policy_errors.proto");
  it.each([
    ["ZeroAttempts", "policy_errors.proto:13:16: gensvc.options.v1.method.retry.max_attempts must be between 1 and 10, got 0"],
    ["TooManyAttempts", "policy_errors.proto:19:51: gensvc.options.v1.service.retry.max_attempts must be between 1 and 10, got 11"],
    ["ProtocStyleAttempts", "policy_errors.proto:25:5: gensvc.options.v1.method.retry.max_attempts must be between 1 and 10, got 0"],
    ["NegativeTimeout", "policy_errors.proto:30:53: gensvc.options.v1.service.timeout must be positive, got -1s"],
    ["ZeroTimeout", "policy_errors.proto:35:10: gensvc.options.v1.service.timeout must be positive, got 0s"],
    ["MalformedDuration", "policy_errors.proto:40:53: gensvc.options.v1.service.timeout is not a valid Duration (seconds 1, nanos -5)"],
    ["HugeTimeout", "policy_errors.proto:45:53: gensvc.options.v1.service.timeout must be at most 2147483647 ms (the longest Node.js timer), got 3000000s"],
    ["BackoffOrder", "policy_errors.proto:53:22: gensvc.options.v1.service.retry.max_backoff (1000 ms) must not be less than initial_backoff (2000 ms)"],
    ["InheritedBackoffOrder", "policy_errors.proto:62:67: gensvc.options.v1.method.retry.max_backoff (1000 ms) must not be less than initial_backoff (2000 ms)"],
    ["ZeroMultiplier", "policy_errors.proto:67:51: gensvc.options.v1.service.retry.backoff_multiplier must be a positive number, got 0"],
    ["LowerCaseCode", "policy_errors.proto:72:51: gensvc.options.v1.service.retry.retryable_codes has an unknown code \"aborted\" (did you mean \"ABORTED\"?); known: CANCELLED, UNKNOWN, INVALID_ARGUMENT, DEADLINE_EXCEEDED, NOT_FOUND, ALREADY_EXISTS, PERMISSION_DENIED, RESOURCE_EXHAUSTED, FAILED_PRECONDITION, ABORTED, OUT_OF_RANGE, UNIMPLEMENTED, INTERNAL, UNAVAILABLE, DATA_LOSS, UNAUTHENTICATED"],
    ["OkCode", "policy_errors.proto:77:51: gensvc.options.v1.service.retry.retryable_codes must not contain \"OK\""],
    ["UnknownCode", "policy_errors.proto:82:82: gensvc.options.v1.service.retry.retryable_codes has an unknown code \"TIMEOUT\"; known: CANCELLED, UNKNOWN, INVALID_ARGUMENT, DEADLINE_EXCEEDED, NOT_FOUND, ALREADY_EXISTS, PERMISSION_DENIED, RESOURCE_EXHAUSTED, FAILED_PRECONDITION, ABORTED, OUT_OF_RANGE, UNIMPLEMENTED, INTERNAL, UNAVAILABLE, DATA_LOSS, UNAUTHENTICATED"],
    ["ZeroBurst", "policy_errors.proto:87:80: gensvc.options.v1.service.rate_limit.burst must be at least 1, got 0"],
    ["NegativeRate", "policy_errors.proto:92:56: gensvc.options.v1.service.rate_limit.requests_per_second must be a positive number, got -1"],
    ["MissingRate", "policy_errors.proto:98:57: gensvc.options.v1.method.rate_limit.requests_per_second must be set when rate_limit is set"],
    ["UpperCaseKey", "policy_errors.proto:103:79: gensvc.options.v1.service.rate_limit.key_metadata must be a metadata key (lower case letters, digits, \"-\", \"_\", \".\"), got \"X-Api-Key\""],
    ["ZeroRatio", "policy_errors.proto:108:61: gensvc.options.v1.service.circuit_breaker.failure_ratio must be in (0, 1], got 0"],
    ["RatioAboveOne", "policy_errors.proto:113:61: gensvc.options.v1.service.circuit_breaker.failure_ratio must be in (0, 1], got 1.5"],
    ["ZeroConsecutive", "policy_errors.proto:118:61: gensvc.options.v1.service.circuit_breaker.consecutive_failures must be at least 1, got 0"],
    ["ZeroProbes", "policy_errors.proto:123:61: gensvc.options.v1.service.circuit_breaker.half_open_probes must be at least 1, got 0"],
    ["UnknownAuthMode", "policy_errors.proto:128:50: gensvc.options.v1.service.auth.mode has an unknown value 9; known: AUTH_MODE_NONE, AUTH_MODE_JWT, AUTH_MODE_API_KEY, AUTH_MODE_MTLS"],
    ["MissingAuthMode", "policy_errors.proto:133:50: gensvc.options.v1.service.auth.mode must be set (AUTH_MODE_NONE, AUTH_MODE_JWT, AUTH_MODE_API_KEY or AUTH_MODE_MTLS)"],
    ["NoneWithScopes", "policy_errors.proto:139:34: gensvc.options.v1.service.auth.scopes must be empty when auth.mode is AUTH_MODE_NONE (nobody is authenticated to hold them)"],
    ["MethodAddsRolesToNone", "policy_errors.proto:147:51: gensvc.options.v1.method.auth.roles must be empty when auth.mode is AUTH_MODE_NONE (nobody is authenticated to hold them)"],
    ["SpaceInScope", "policy_errors.proto:152:70: gensvc.options.v1.service.auth.scopes must not contain empty values or spaces, got \"b c\""],
    ["ZeroConcurrent", "policy_errors.proto:157:63: gensvc.options.v1.service.concurrency_limit.max_concurrent must be at least 1, got 0"],
    ["MissingConcurrent", "policy_errors.proto:163:64: gensvc.options.v1.method.concurrency_limit.max_concurrent must be set when concurrency_limit is set"],
    ["ZeroBudgetTokens", "policy_errors.proto:168:61: gensvc.options.v1.service.retry.budget.max_tokens must be between 1 and 1000, got 0"],
    ["NegativeTokenRatio", "policy_errors.proto:173:61: gensvc.options.v1.service.retry.budget.token_ratio must be a positive number, got -0.5"],
    ["RatioAboveTokens", "policy_errors.proto:178:75: gensvc.options.v1.service.retry.budget.token_ratio (3) must not exceed max_tokens (2)"],

  ])("%s", (service, expected) => {
    expect(formattedError(() => buildApiModel(registry, ["policy_errors.proto"], [service]))).toBe(expected);
  });
});
