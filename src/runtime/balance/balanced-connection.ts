/**
 * A connection to a service by name: follows discovery, keeps one gRPC channel per instance and
 * spreads calls over the instances with a balancer, ejecting instances that fail with UNAVAILABLE
 * and retrying such failures on another instance when that is safe (see retry.ts).
 */
import * as grpc from "@grpc/grpc-js";
import { Code } from "../code.js";
import { RemoteServiceError, type ServiceError } from "../errors.js";
import { abortedBeforeStart, callDeadline, type CallOptions } from "../grpc/client-call.js";
import { GrpcConnection } from "../grpc/client.js";
import { HttpConnection, type HttpConnectionOptions } from "../http/client.js";
import { chainClient, inheritParent, type ClientEndpoint, type ClientMiddleware, type OutgoingCall } from "../outgoing.js";
import type { Discovery, Transport } from "../registry/types.js";
import { ChainedConnection, type RpcConnection } from "../rpc-connection.js";
import type { MethodSpec } from "../spec.js";
import { createBalancer, type Balancer, type BalancerName } from "./balancers.js";
import { EjectionTracker, type EjectionOptions } from "./ejection.js";
import { InstancePool, type Endpoint } from "./instances.js";
import { asConnectionLoss, isUnavailable, mayRetry, ReplayableRequests } from "./retry.js";
import { circuitBreaker, clientRetry, clientTimeout, type ClientPolicyOptions } from "../policy/client.js";

/** Options of a {@link BalancedConnection}. */
export interface BalancedConnectionOptions {
  /** How an instance is picked per call. Default `"p2c"` (power of two choices on calls in flight). */
  balancer?: BalancerName | Balancer;
  /** Wraps every call once, around all its attempts; `OutgoingCall.target` is the service name. */
  middleware?: readonly ClientMiddleware[];
  /** Credentials of every instance's channel. Default: insecure (plaintext). */
  credentials?: grpc.ChannelCredentials;
  /** grpc-js options of every instance's channel. */
  channelOptions?: grpc.ChannelOptions;
  /**
   * How long a call waits for an instance when there is none (before the first discovery result,
   * or while the set is empty); the call's deadline, if earlier, wins. Default 5,000 ms.
   */
  waitForInstancesMs?: number;
  /** Back-off of instances ejected after UNAVAILABLE. */
  ejection?: EjectionOptions;
  /** Attempts per call at most, each on a different instance. Default 3. */
  maxAttempts?: number;
  /** Random numbers in [0, 1) for the random and p2c balancers. Default Math.random. */
  random?: () => number;
  /**
   * Which port of the instances to call: `grpc` (default) or `http`, through an
   * {@link HttpConnection} per instance (instances that serve no HTTP are left out).
   */
  transport?: Transport;
  /**
   * Options of every instance's HTTP connection, with `transport: "http"`; with `tls`, the
   * instances are called over HTTPS. (For gRPC over TLS pass `credentials`, e.g. from
   * `grpcChannelCredentials`.)
   */
  http?: Omit<HttpConnectionOptions, "middleware" | "policies">;
  /**
   * The contract's policies: timeout and retry (with its budget) around each call, a circuit
   * breaker per instance and method; with `POLICIES` overrides, or `false` for none.
   */
  policies?: ClientPolicyOptions | false;
}

/** An instance as {@link BalancedConnection.instances} shows it. */
export interface BalancedInstance {
  readonly id: string;
  readonly address: string;
  readonly weight: number;
  readonly inFlight: number;
  readonly ejected: boolean;
}

/** The tried set of a call's first attempt. */
const NOTHING_TRIED: ReadonlySet<string> = new Set();

/** The responses of one streaming attempt. */
type OpenStream = (connection: RpcConnection, options: CallOptions) => AsyncIterable<unknown>;

/** Calls the instances of one service found through a {@link Discovery}. */
export class BalancedConnection extends ChainedConnection {
  readonly #service: string;
  readonly #pool: InstancePool;
  readonly #balancer: Balancer;
  readonly #ejections: EjectionTracker;
  readonly #waitForInstancesMs: number;
  readonly #maxAttempts: number;
  readonly #invoke: ClientEndpoint;
  #closed = false;

  /** Starts watching `service` at once; channels connect lazily, on their first call. */
  constructor(service: string, discovery: Discovery, options: BalancedConnectionOptions = {}) {
    super();
    this.#service = service;
    this.#ejections = new EjectionTracker(options.ejection);
    const channel = {
      ...(options.credentials ? { credentials: options.credentials } : {}),
      ...(options.channelOptions ? { channelOptions: options.channelOptions } : {}),
    };
    const transport = options.transport ?? "grpc";
    const policies = options.policies ?? {};
    // One breaker middleware for all instances: it keeps a breaker per address and method.
    const perInstance = { policies: false as const, middleware: policies === false ? [] : [circuitBreaker(policies)] };
    const connect =
      transport === "http"
        ? (address: string) => new HttpConnection(`${options.http?.tls ? "https" : "http"}://${address}`, { ...options.http, ...perInstance })
        : (address: string) => new GrpcConnection(address, { ...channel, ...perInstance });
    this.#pool = new InstancePool(service, discovery, connect, (id) => this.#ejections.forget(id), transport);
    const balancer = options.balancer ?? "p2c";
    this.#balancer = typeof balancer === "string" ? createBalancer(balancer, options.random) : balancer;
    this.#waitForInstancesMs = options.waitForInstancesMs ?? 5000;
    this.#maxAttempts = Math.max(1, options.maxAttempts ?? 3);
    const callPolicies = policies === false ? [] : [clientTimeout(policies), clientRetry(policies)];
    this.#invoke = chainClient([...(options.middleware ?? []), ...callPolicies], (call, input) => this.#call(call, input));
  }

  /** The service name calls go to. */
  get service(): string {
    return this.#service;
  }

  /** The instances known now, sorted by id. */
  get instances(): readonly BalancedInstance[] {
    return this.#pool.endpoints.map(({ id, address, weight, inFlight }) => ({ id, address, weight, inFlight, ejected: this.#ejections.isEjected(id) }));
  }

  /** Makes one call through the client middleware. */
  protected send(method: MethodSpec, input: unknown, options: CallOptions): Promise<unknown> {
    return this.#invoke(this.#outgoing(method, options), input);
  }

  /** Stops watching and closes every instance's channel; calls in flight still finish. */
  close(): void {
    this.#closed = true;
    this.#pool.close();
  }

  #outgoing(method: MethodSpec, options: CallOptions): OutgoingCall {
    return { method, target: this.#service, options: inheritParent(options) };
  }

  /**
   * The innermost endpoint: all attempts of one call, whatever its kind. Not async itself: a
   * unary call's promise is returned as it is (one promise less per call, the hot path).
   */
  #call(call: OutgoingCall, input: unknown): Promise<unknown> {
    const { method } = call;
    const options = attemptOptions(call.options);
    switch (method.kind) {
      case "unary":
        return this.#unary(method, input, options);
      case "server_streaming":
        return Promise.resolve(this.#stream(method, options, undefined, (c, o) => c.serverStream(method, input, o)));
      case "client_streaming":
        return this.#clientStream(method, new ReplayableRequests(input as AsyncIterable<unknown>), options);
      case "bidi_streaming": {
        const requests = new ReplayableRequests(input as AsyncIterable<unknown>);
        return Promise.resolve(this.#stream(method, options, requests, (c, o) => c.bidiStream(method, requests.attempt(), o)));
      }
    }
  }

  /**
   * A unary call's attempts. Written out rather than through {@link BalancedConnection.#track}
   * and with the set of tried instances made only on a failure: this runs once per call.
   */
  async #unary(method: MethodSpec, request: unknown, options: CallOptions): Promise<unknown> {
    let tried: Set<string> | undefined;
    for (let attempt = 1; ; attempt++) {
      const endpoint = this.#pickNow(tried, options) ?? (await this.#pick(tried ?? NOTHING_TRIED, options));
      endpoint.inFlight++;
      try {
        const response = await endpoint.connection.unary(method, request, options);
        this.#ejections.succeeded(endpoint.id);
        return response;
      } catch (thrown) {
        const error = this.#noteFailure(endpoint, thrown, options);
        tried ??= new Set();
        if (attempt >= this.#maxAttempts || !mayRetry(method, error) || this.#allTried(tried.add(endpoint.id))) throw error;
      } finally {
        endpoint.inFlight--;
      }
    }
  }

  async #clientStream(method: MethodSpec, requests: ReplayableRequests<unknown>, options: CallOptions): Promise<unknown> {
    const tried = new Set<string>();
    try {
      for (let attempt = 1; ; attempt++) {
        const endpoint = await this.#pick(tried, options);
        try {
          return await this.#track(endpoint, options, () => endpoint.connection.clientStream(method, requests.attempt(), options));
        } catch (error) {
          const retry = attempt < this.#maxAttempts && requests.replayable && mayRetry(method, error);
          if (!retry || this.#allTried(tried.add(endpoint.id))) throw error;
        }
      }
    } finally {
      requests.close().catch(() => {});
    }
  }

  /** A streaming call: attempts until the first response arrives, then that attempt's stream. */
  async *#stream(method: MethodSpec, options: CallOptions, requests: ReplayableRequests<unknown> | undefined, open: OpenStream): AsyncGenerator<unknown> {
    const tried = new Set<string>();
    try {
      for (let attempt = 1; ; attempt++) {
        const endpoint = await this.#pick(tried, options);
        let received = false;
        endpoint.inFlight++;
        try {
          for await (const response of open(endpoint.connection, options)) {
            if (!received) requests?.commit();
            received = true;
            yield response;
          }
          this.#ejections.succeeded(endpoint.id);
          return;
        } catch (thrown) {
          const error = this.#noteFailure(endpoint, thrown, options);
          const retry = !received && attempt < this.#maxAttempts && (requests?.replayable ?? true) && mayRetry(method, error);
          if (!retry || this.#allTried(tried.add(endpoint.id))) throw error;
        } finally {
          endpoint.inFlight--;
        }
      }
    } finally {
      requests?.close().catch(() => {});
    }
  }

  /** Runs one attempt on `endpoint`, counting it in flight and noting how it ended. */
  async #track<T>(endpoint: Endpoint, options: CallOptions, run: () => Promise<T>): Promise<T> {
    endpoint.inFlight++;
    try {
      const result = await run();
      this.#ejections.succeeded(endpoint.id);
      return result;
    } catch (error) {
      throw this.#noteFailure(endpoint, error, options);
    } finally {
      endpoint.inFlight--;
    }
  }

  /** Ejects the instance after UNAVAILABLE (a reset by the server counts as one); returns the error to report. */
  #noteFailure(endpoint: Endpoint, thrown: unknown, options: CallOptions): unknown {
    const error = asConnectionLoss(thrown, endpoint.address, options.signal);
    if (isUnavailable(error)) this.#ejections.eject(endpoint.id);
    return error;
  }

  /** Whether every current instance has had an attempt of this call. */
  #allTried(tried: ReadonlySet<string>): boolean {
    return this.#pool.endpoints.every((e) => tried.has(e.id));
  }

  /**
   * An instance for the next attempt: not tried by this call, not ejected if any other is left
   * (all ejected is better served by trying one than by failing). With no instance at all, waits
   * for discovery up to `waitForInstancesMs` or the call's deadline, then fails UNAVAILABLE.
   */
  async #pick(tried: ReadonlySet<string>, options: CallOptions): Promise<Endpoint> {
    const until = Math.min(Date.now() + this.#waitForInstancesMs, options.deadline?.getTime() ?? Infinity);
    while (true) {
      const picked = this.#pickNow(tried, options);
      if (picked !== undefined) return picked;
      const outcome = await this.#pool.nextChange(until, options.signal).catch(() => "aborted" as const);
      if (outcome === "timeout" || outcome === "closed") throw this.#noInstances();
    }
  }

  /**
   * {@link BalancedConnection.#pick} without waiting: an instance, or undefined when none is
   * left untried. Throws when the connection is closed or the call aborted. No list is copied
   * when nothing was tried and nothing is ejected (every call's case).
   */
  #pickNow(tried: ReadonlySet<string> | undefined, options: CallOptions): Endpoint | undefined {
    if (this.#closed) throw new RemoteServiceError(Code.UNAVAILABLE, "connection closed");
    const aborted = abortedBeforeStart(options);
    if (aborted) throw aborted;
    const endpoints = this.#pool.endpoints;
    const untried = tried === undefined || tried.size === 0 ? endpoints : endpoints.filter((e) => !tried.has(e.id));
    if (untried.length === 0) return undefined;
    const admitted = this.#ejections.none ? untried : untried.filter((e) => !this.#ejections.isEjected(e.id));
    return this.#balancer.pick(admitted.length > 0 ? admitted : untried);
  }

  #noInstances(): ServiceError {
    const cause = this.#pool.watchError;
    const message = cause === undefined ? `no instances of ${this.#service}` : `no instances of ${this.#service}: discovery failed: ${String(cause)}`;
    return new RemoteServiceError(Code.UNAVAILABLE, message, cause === undefined ? {} : { cause });
  }
}

/**
 * The options each attempt runs with: the parent already folded in (by the outer call), and a
 * timeout turned into a deadline once, so that retries and waiting share one time budget.
 */
function attemptOptions(options: CallOptions): CallOptions {
  // Nothing to fold in (every call without a parent or timeout): no copy.
  if (options.parent === undefined && options.timeoutMs === undefined) return options;
  const { parent: _parent, timeoutMs: _timeoutMs, ...rest } = options;
  const deadline = callDeadline(options);
  return deadline === undefined ? rest : { ...rest, deadline };
}
