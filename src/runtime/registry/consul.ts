/**
 * The Consul registry backend, on the `consul` npm client (v2) talking to a local Consul agent.
 *
 * - Registration: `PUT /v1/agent/service/register` with one TTL check (default TTL 10 s, passed
 *   every TTL/3 with `PUT /v1/agent/check/pass/<id>`), optionally a gRPC check (the agent calls the
 *   instance's `grpc.health.v1` service every `grpcCheckIntervalMs`), and `DeregisterCriticalServiceAfter`
 *   (default 1 min), so an instance that dies without deregistering turns critical within one TTL
 *   (and drops out of discovery) and is removed by the agent after the critical period. When a pass
 *   fails (e.g. the agent restarted and lost the service) the service is registered again.
 * - Discovery: blocking queries on `GET /v1/health/service/<name>?passing=true` (`index`, `wait`),
 *   so only instances whose checks all pass are seen; each change yields the complete set. When the
 *   agent is unreachable the last set is kept and the query retried with back-off.
 *
 * The field mapping is in consul-codec.ts.
 */
import { EventEmitter } from "node:events";
import Consul from "consul";
import { consulServiceId, fromHealthEntries, goDuration, grpcCheckId, toConsulRegistration, ttlCheckId } from "./consul-codec.js";
import { assertValidInstance, sleep, watchWith, type InstanceSetStream } from "./instance-set.js";
import type { ServiceInstance, ServiceRegistry } from "./types.js";

/** Where the agent is and how registrations and watches behave. */
export interface ConsulRegistryOptions {
  /** The agent's host; default `127.0.0.1`. */
  readonly host?: string;
  /** The agent's HTTP port; default 8500. */
  readonly port?: number;
  /** Use HTTPS to the agent. */
  readonly secure?: boolean;
  /** ACL token sent with every request. */
  readonly token?: string;
  /** TTL of each instance's check; passed every third of it. Default 10 s. */
  readonly ttlMs?: number;
  /**
   * How long a check may stay critical before the agent removes the service. Default 1 min (a real
   * Consul agent does not accept less than 1 min and reaps every 30 s).
   */
  readonly deregisterCriticalAfterMs?: number;
  /**
   * When set, every instance with a gRPC port also gets a gRPC check: the agent calls
   * `grpc.health.v1.Health/Check` for the service this often. Default: no gRPC check (TTL only).
   */
  readonly grpcCheckIntervalMs?: number;
  /** The gRPC check calls the instance over TLS. Default false. */
  readonly grpcCheckTls?: boolean;
  /** The `wait` of each blocking query. Default 55 s. */
  readonly blockingWaitMs?: number;
  /** Time limit of the other requests (register, pass, deregister). Default 5 s. */
  readonly requestTimeoutMs?: number;
  /** First and largest delay between retries of a failed query. Defaults 200 ms and 5 s. */
  readonly retryInitialMs?: number;
  readonly retryMaxMs?: number;
  /** Told about every failure that is retried or ignored (for logging); default: nothing. */
  readonly onError?: (error: unknown, during: string) => void;
}

/** One instance this process keeps registered (keyed by its Consul service ID). */
interface Registration {
  readonly instance: ServiceInstance;
  readonly timer: NodeJS.Timeout;
  /** The pass (or re-registration) under way, awaited before deregistering. */
  beat: Promise<void> | undefined;
  stopped: boolean;
}

/**
 * The options the client passes through to the HTTP request but leaves out of its TypeScript
 * types: `index`/`wait` of a blocking query, a per-request `timeout`, and `ctx` (an EventEmitter
 * whose `cancel` event aborts the request; with `includeResponse` the call resolves to
 * `[response, body]`).
 */
interface RequestExtras {
  timeout: number;
  ctx?: EventEmitter & { includeResponse: boolean };
  index?: string;
  wait?: string;
}

/** A {@link ServiceRegistry} backed by a Consul agent. */
export class ConsulRegistry implements ServiceRegistry {
  readonly #consul: Consul;
  readonly #ttlMs: number;
  readonly #deregisterCriticalAfterMs: number;
  readonly #grpcCheck: { intervalMs: number; useTls: boolean } | undefined;
  readonly #blockingWaitMs: number;
  readonly #requestTimeoutMs: number;
  readonly #retryInitialMs: number;
  readonly #retryMaxMs: number;
  readonly #onError: (error: unknown, during: string) => void;
  readonly #registrations = new Map<string, Registration>();
  readonly #closed = new AbortController();

  constructor(options: ConsulRegistryOptions = {}) {
    this.#consul = new Consul({
      host: options.host ?? "127.0.0.1",
      port: options.port ?? 8500,
      secure: options.secure ?? false,
      ...(options.token === undefined ? {} : { defaults: { token: options.token } }),
    });
    this.#ttlMs = positive(options.ttlMs, 10_000, "ttlMs");
    this.#deregisterCriticalAfterMs = positive(options.deregisterCriticalAfterMs, 60_000, "deregisterCriticalAfterMs");
    this.#grpcCheck =
      options.grpcCheckIntervalMs === undefined
        ? undefined
        : { intervalMs: positive(options.grpcCheckIntervalMs, 10_000, "grpcCheckIntervalMs"), useTls: options.grpcCheckTls ?? false };
    this.#blockingWaitMs = positive(options.blockingWaitMs, 55_000, "blockingWaitMs");
    this.#requestTimeoutMs = positive(options.requestTimeoutMs, 5_000, "requestTimeoutMs");
    this.#retryInitialMs = positive(options.retryInitialMs, 200, "retryInitialMs");
    this.#retryMaxMs = positive(options.retryMaxMs, 5_000, "retryMaxMs");
    this.#onError = options.onError ?? (() => undefined);
  }

  /** Registers `instance` with a passing TTL check and starts passing it every TTL/3. */
  async register(instance: ServiceInstance): Promise<void> {
    if (this.#closed.signal.aborted) throw new Error("the Consul registry is closed");
    assertValidInstance(instance);
    await this.#stopHeartbeat(consulServiceId(instance));
    await this.#registerWithAgent(instance);
    const registration: Registration = {
      instance,
      timer: setInterval(() => this.#beat(registration), this.#ttlMs / 3),
      beat: undefined,
      stopped: false,
    };
    // The service's own servers keep the process alive, not the heartbeat.
    registration.timer.unref();
    this.#registrations.set(consulServiceId(instance), registration);
  }

  /**
   * Stops the heartbeat and removes the service from the agent; rejects when the agent cannot be
   * reached (the instance then disappears when its TTL runs out).
   */
  async deregister(instance: ServiceInstance): Promise<void> {
    await this.#stopHeartbeat(consulServiceId(instance));
    await this.#deregisterFromAgent(consulServiceId(instance));
  }

  /** The passing instances of `service`, on every change; see {@link Discovery.watch}. */
  watch(service: string, signal: AbortSignal): AsyncIterable<readonly ServiceInstance[]> {
    if (typeof service !== "string" || service === "") throw new TypeError("watch needs a service name");
    return watchWith(AbortSignal.any([signal, this.#closed.signal]), (stream, stop) => this.#follow(service, stream, stop));
  }

  /** Ends every watch, deregisters the instances still registered (where the agent answers). */
  async close(): Promise<void> {
    if (this.#closed.signal.aborted) return;
    this.#closed.abort();
    const left = [...this.#registrations.values()].map((registration) => registration.instance);
    await Promise.all(
      left.map((instance) => this.deregister(instance).catch((error: unknown) => this.#onError(error, `deregistering ${instance.id}`))),
    );
    this.#consul.destroy();
  }

  async #registerWithAgent(instance: ServiceInstance): Promise<void> {
    const deregisterCriticalAfterMs = this.#deregisterCriticalAfterMs;
    const grpcCheck = this.#grpcCheck && { checkId: grpcCheckId(instance), deregisterCriticalAfterMs, ...this.#grpcCheck };
    const registration = toConsulRegistration(instance, { checkId: ttlCheckId(instance), ttlMs: this.#ttlMs, deregisterCriticalAfterMs }, grpcCheck);
    // Built apart from the call: `timeout` is a request option the client's types leave out.
    const options = { ...registration, ...this.#extras() };
    await this.#consul.agent.service.register(options);
  }

  async #deregisterFromAgent(id: string): Promise<void> {
    const options = { id, ...this.#extras() };
    try {
      await this.#consul.agent.service.deregister(options);
    } catch (error) {
      // 404: the agent no longer knows the service (expired, or the agent restarted): done.
      if (statusOf(error) !== 404) throw error;
    }
  }

  /** Passes the TTL check; when that fails, registers the instance again (the agent may have lost it). */
  #beat(registration: Registration): void {
    if (registration.beat !== undefined || registration.stopped) return;
    const { instance } = registration;
    const options = { id: ttlCheckId(instance), ...this.#extras() };
    registration.beat = this.#consul.agent.check
      .pass(options)
      .catch(async (error: unknown) => {
        this.#onError(error, `passing the TTL check of ${instance.id}`);
        if (registration.stopped) return;
        await this.#registerWithAgent(instance).catch((again: unknown) => this.#onError(again, `registering ${instance.id} again`));
      })
      .finally(() => (registration.beat = undefined));
  }

  async #stopHeartbeat(consulId: string): Promise<void> {
    const registration = this.#registrations.get(consulId);
    if (registration === undefined) return;
    this.#registrations.delete(consulId);
    registration.stopped = true;
    clearInterval(registration.timer);
    await registration.beat;
  }

  /** Blocking queries until `signal` aborts, pushing each answer; failures are retried with back-off. */
  async #follow(service: string, stream: InstanceSetStream, signal: AbortSignal): Promise<void> {
    let index = 0;
    let failures = 0;
    while (!signal.aborted) {
      const started = performance.now();
      try {
        const answer = await this.#queryPassing(service, index, signal);
        failures = 0;
        stream.push(answer.instances);
        const next = nextIndex(index, answer.index);
        // An index that does not move means the agent did not block: do not spin.
        if (next === index && performance.now() - started < this.#retryInitialMs) await sleep(this.#retryInitialMs, signal);
        index = next;
      } catch (error) {
        if (signal.aborted) return;
        this.#onError(error, `watching ${service}`);
        await sleep(backoff(failures++, this.#retryInitialMs, this.#retryMaxMs), signal);
      }
    }
  }

  async #queryPassing(service: string, index: number, signal: AbortSignal): Promise<{ instances: ServiceInstance[]; index: number }> {
    const ctx = Object.assign(new EventEmitter(), { includeResponse: true });
    const cancel = (): boolean => ctx.emit("cancel");
    signal.addEventListener("abort", cancel, { once: true });
    try {
      // Consul adds up to wait/16 of jitter to a blocking query; the time limit allows for it.
      const blocking = index > 0 ? { index: String(index), wait: goDuration(this.#blockingWaitMs) } : {};
      const timeout = index > 0 ? this.#blockingWaitMs * (17 / 16) + this.#requestTimeoutMs : this.#requestTimeoutMs;
      const options = { service, passing: true, ...blocking, timeout, ctx } satisfies RequestExtras & { service: string; passing: boolean };
      const [response, body] = (await this.#consul.health.service(options)) as [{ headers: Record<string, unknown> }, unknown];
      return { instances: fromHealthEntries(body), index: Number(response.headers["x-consul-index"]) };
    } finally {
      signal.removeEventListener("abort", cancel);
    }
  }

  #extras(): RequestExtras {
    return { timeout: this.#requestTimeoutMs };
  }
}

/**
 * The index for the next blocking query, following Consul's rules: start over (0, a query that
 * answers at once) when the index went backwards (the agent restarted) or is not a number.
 */
export function nextIndex(previous: number, reported: number): number {
  if (!Number.isSafeInteger(reported) || reported < 1 || reported < previous) return 0;
  return reported;
}

/** Exponential back-off with jitter: about initial·2^failures, at most `max`. */
function backoff(failures: number, initialMs: number, maxMs: number): number {
  const base = Math.min(maxMs, initialMs * 2 ** Math.min(failures, 20));
  return base * (0.75 + Math.random() * 0.25);
}

function statusOf(error: unknown): number | undefined {
  const status = typeof error === "object" && error !== null ? (error as { statusCode?: unknown }).statusCode : undefined;
  return typeof status === "number" ? status : undefined;
}

function positive(value: number | undefined, fallback: number, name: string): number {
  if (value === undefined) return fallback;
  if (!Number.isFinite(value) || value <= 0) throw new TypeError(`${name} must be a positive number of milliseconds`);
  return value;
}
