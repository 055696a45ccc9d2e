/**
 * `grpc.health.v1.Health` (https://github.com/grpc/grpc/blob/master/doc/health-checking.md) served
 * with the runtime's own gRPC transport, so it can also end open Watch calls when the server
 * drains: `grpc-health-check` keeps them open, and grpc-js's graceful shutdown waits for every
 * open call, so one watching load balancer would hold the drain for the whole grace period.
 */
import { create } from "@bufbuild/protobuf";
import type * as grpc from "@grpc/grpc-js";
import { Code } from "../code.js";
import { defineService } from "../codec.js";
import type { CallContext } from "../context.js";
import { makeEndpoint, type Middleware } from "../endpoint.js";
import { ServiceError } from "../errors.js";
import {
  Health,
  HealthCheckResponse_ServingStatus as WireStatus,
  HealthCheckResponseSchema,
  type HealthCheckRequest,
  type HealthCheckResponse,
  type HealthListResponse,
} from "../gen/grpc/health/v1/health_pb.js";
import { addGrpcService } from "../grpc/server.js";

/** A status the server gives a service; the overall status of the server is the service `""`. */
export type ServingStatus = "SERVING" | "NOT_SERVING";

/** Options of {@link HealthService.addTo}. */
export interface HealthServiceOptions {
  /**
   * Wraps the health methods, e.g. with metrics. Empty by default: probes every few seconds
   * would otherwise fill call logs.
   */
  readonly middleware?: readonly Middleware[];
}

const HEALTH_SPEC = defineService(Health);

/**
 * The health of a server and each of its services. Check answers NOT_FOUND for a service it does
 * not know; Watch answers SERVICE_UNKNOWN for one and keeps watching, sending each change until
 * the client cancels (or {@link HealthService.endWatches}).
 */
export class HealthService {
  readonly #statuses = new Map<string, ServingStatus>();
  /** Woken (and cleared) on every change; each open Watch call waits in here. */
  readonly #waiting = new Set<() => void>();
  #shutDown = false;
  #watchesEnded = false;

  /**
   * @param serviceNames fully qualified names of the services served, e.g. `routeguide.v1.RouteGuide`;
   *   they and the overall entry `""` start as `initialStatus`.
   */
  constructor(serviceNames: readonly string[], initialStatus: ServingStatus = "SERVING") {
    for (const name of ["", ...serviceNames]) this.#statuses.set(name, initialStatus);
  }

  /** Registers `grpc.health.v1.Health` (Check, Watch and List) on a grpc-js server. */
  addTo(server: grpc.Server, options: HealthServiceOptions = {}): void {
    const { methods } = HEALTH_SPEC;
    const middleware = options.middleware ?? [];
    addGrpcService(server, HEALTH_SPEC, {
      check: makeEndpoint(methods.check, async (_ctx: CallContext, request: HealthCheckRequest) => this.#check(request.service), middleware),
      watch: makeEndpoint(methods.watch, (ctx: CallContext, request: HealthCheckRequest) => this.#watch(request.service, ctx.signal), middleware),
      list: makeEndpoint(methods.list, async () => this.#list(), middleware),
    });
  }

  /**
   * Sets the status of one service (`""` for the server as a whole), adding it if it is new, and
   * tells its watchers. Ignored after {@link shutdown}, so that nothing flips a draining server
   * back to SERVING.
   */
  setStatus(service: string, status: ServingStatus): void {
    if (this.#shutDown) return;
    this.#set(service, status);
  }

  /** The status of a service, or undefined when it is unknown. */
  statusOf(service: string): ServingStatus | undefined {
    return this.#statuses.get(service);
  }

  /**
   * Sets every service, and the server, to NOT_SERVING for good (later `setStatus` calls are
   * ignored) and tells the watchers. Call it first when the server is asked to stop, so that
   * load balancers take it out before it drains.
   */
  shutdown(): void {
    this.#shutDown = true;
    for (const service of this.#statuses.keys()) this.#set(service, "NOT_SERVING");
  }

  /**
   * Ends every open Watch call with UNAVAILABLE (after it has sent the latest status), and every
   * later one right after its first message. Call it once draining has begun (grpc-js's graceful
   * shutdown waits for open calls, and a Watch never ends by itself); clients retry elsewhere.
   */
  endWatches(): void {
    this.#watchesEnded = true;
    this.#wake();
  }

  #set(service: string, status: ServingStatus): void {
    if (this.#statuses.get(service) === status) return;
    this.#statuses.set(service, status);
    this.#wake();
  }

  #wake(): void {
    const waiting = [...this.#waiting];
    this.#waiting.clear();
    for (const wake of waiting) wake();
  }

  #check(service: string): HealthCheckResponse {
    const status = this.#statuses.get(service);
    if (status === undefined) throw new ServiceError(Code.NOT_FOUND, `unknown service "${service}"`);
    return create(HealthCheckResponseSchema, { status: WireStatus[status] });
  }

  #list(): Partial<HealthListResponse> {
    const statuses: HealthListResponse["statuses"] = {};
    for (const [service, status] of this.#statuses) statuses[service] = create(HealthCheckResponseSchema, { status: WireStatus[status] });
    return { statuses };
  }

  /** Sends the current status, then each change, until the call is cancelled or watches end. */
  async *#watch(service: string, signal: AbortSignal): AsyncGenerator<HealthCheckResponse> {
    let sent: WireStatus | undefined;
    while (!signal.aborted) {
      const status = this.#wireStatus(service);
      // Several changes between two looks (e.g. set and set back) send only the latest.
      if (status !== sent) {
        sent = status;
        yield create(HealthCheckResponseSchema, { status });
      }
      if (this.#watchesEnded) throw new ServiceError(Code.UNAVAILABLE, "the server is shutting down");
      await this.#nextChange(signal);
    }
  }

  #wireStatus(service: string): WireStatus {
    const status = this.#statuses.get(service);
    return status === undefined ? WireStatus.SERVICE_UNKNOWN : WireStatus[status];
  }

  /** Resolves on the next change, on endWatches, or when `signal` aborts, whichever comes first. */
  #nextChange(signal: AbortSignal): Promise<void> {
    if (signal.aborted) return Promise.resolve();
    return new Promise((resolve) => {
      const wake = () => {
        this.#waiting.delete(wake);
        signal.removeEventListener("abort", wake);
        resolve();
      };
      this.#waiting.add(wake);
      signal.addEventListener("abort", wake);
    });
  }
}
