/**
 * What the balancing tests share: several in-process echo servers on 127.0.0.1:0 that count the
 * calls reaching each of them, and `ControlledDiscovery`, a test double of a registry whose
 * instance sets the test sets by hand.
 */
import type { CallContext, Discovery, ServiceInstance } from "../../src/runtime/index.js";
import { serveGrpc, type GrpcServerHandle } from "../../src/runtime/index.js";
import { registerGrpcServices } from "../../generated-samples/echo/src/gen/server.js";
import { EchoHandler } from "../../generated-samples/echo/src/handlers/echo.js";
import type { EchoRequest } from "../../generated-samples/echo/src/gen/pb/echo/v1/echo_pb.js";

export const ECHO_SERVICE = "echo.v1.Echo";

/**
 * A Discovery test double: `watch` yields the set last given to `set` (at once if there is one,
 * then on every `set`), until its signal aborts.
 */
export class ControlledDiscovery implements Discovery {
  readonly #sets = new Map<string, readonly ServiceInstance[]>();
  readonly #listeners = new Set<() => void>();
  /** How many watches are running, so tests can see a closed connection stop watching. */
  activeWatches = 0;

  /** Replaces the instance set of `service`; watchers see it at once. */
  set(service: string, instances: readonly ServiceInstance[]): void {
    this.#sets.set(service, instances);
    for (const listener of this.#listeners) listener();
  }

  async *watch(service: string, signal: AbortSignal): AsyncIterable<readonly ServiceInstance[]> {
    let wake = () => {};
    const listener = () => wake();
    this.#listeners.add(listener);
    signal.addEventListener("abort", listener, { once: true });
    this.activeWatches++;
    try {
      let seen: readonly ServiceInstance[] | undefined;
      while (!signal.aborted) {
        const current = this.#sets.get(service);
        if (current !== undefined && current !== seen) {
          seen = current;
          yield current;
          continue;
        }
        await new Promise<void>((resolve) => (wake = resolve));
      }
    } finally {
      this.activeWatches--;
      this.#listeners.delete(listener);
    }
  }

  async close(): Promise<void> {}
}

/** One echo server of a fleet: its instance record and the calls it took. */
export interface EchoInstance {
  readonly instance: ServiceInstance;
  /** Calls that reached the handler. */
  calls: number;
  /** Added to every Echo call's wait on this server (a slow instance). */
  extraDelayMs: number;
  readonly handle: GrpcServerHandle;
}

/** Echo with a call counter and an optional extra delay, on top of the sample's handler. */
class CountingEcho extends EchoHandler {
  readonly #owner: { calls: number; extraDelayMs: number };

  constructor(owner: { calls: number; extraDelayMs: number }) {
    super({ onCall: () => void owner.calls++ });
    this.#owner = owner;
  }

  override async echo(request: EchoRequest, ctx: CallContext) {
    if (this.#owner.extraDelayMs > 0) await new Promise((resolve) => setTimeout(resolve, this.#owner.extraDelayMs));
    return super.echo(request, ctx);
  }
}

/** Starts echo servers and stops every one still running. */
export class EchoFleet {
  readonly members: EchoInstance[] = [];

  /** Starts one more server; `weight` goes into the instance's metadata. */
  async start(id: string, metadata: Record<string, string> = {}): Promise<EchoInstance> {
    const counters = { calls: 0, extraDelayMs: 0 };
    const handler = new CountingEcho(counters);
    const handle = await serveGrpc({ host: "127.0.0.1", port: 0, register: (server) => registerGrpcServices(server, { echo: handler }) });
    const instance: ServiceInstance = { service: ECHO_SERVICE, id, host: "127.0.0.1", ports: { grpc: handle.port }, version: "1", metadata };
    // The handler counts into `counters`, which becomes the member itself.
    const member: EchoInstance = Object.assign(counters, { instance, handle });
    this.members.push(member);
    return member;
  }

  /** Starts `count` servers named `echo-0`, `echo-1`, ... */
  async startMany(count: number): Promise<EchoInstance[]> {
    const started: EchoInstance[] = [];
    for (let i = 0; i < count; i++) started.push(await this.start(`echo-${i}`));
    return started;
  }

  /** The calls each member took, by id. */
  counts(): Record<string, number> {
    return Object.fromEntries(this.members.map((m) => [m.instance.id, m.calls]));
  }

  /** Zeroes the counters. */
  resetCounts(): void {
    for (const member of this.members) member.calls = 0;
  }

  /** Stops every server at once (in-flight calls are cancelled). */
  async stopAll(): Promise<void> {
    await Promise.all(this.members.splice(0).map((m) => m.handle.shutdown(0)));
  }
}

/** Runs `total` calls with at most `concurrency` at a time; returns the failures. */
export async function runLoad(total: number, concurrency: number, call: (i: number) => Promise<unknown>): Promise<unknown[]> {
  const failures: unknown[] = [];
  let next = 0;
  const worker = async () => {
    while (next < total) {
      const i = next++;
      await call(i).catch((error: unknown) => failures.push(error));
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  return failures;
}
