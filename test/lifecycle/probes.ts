/**
 * What the lifecycle tests look at from outside a process: grpc.health.v1 (through grpc-node's own
 * definition from grpc-health-check, not our runtime), the admin HTTP port, Prometheus text, and
 * free ports.
 */
import * as grpc from "@grpc/grpc-js";
import { service as healthDefinition } from "grpc-health-check";
import { createServer, type AddressInfo } from "node:net";

const HealthClient = grpc.makeGenericClientConstructor(healthDefinition, "Health");

/** A Check's answer: a serving status, or the gRPC code it failed with. */
export type CheckResult = { status: string } | { code: grpc.status };

/** One grpc.health.v1 Check of `service` ("" is the whole server) on a new connection. */
export function healthCheck(address: string, service = "", timeoutMs = 5_000): Promise<CheckResult> {
  const client = new HealthClient(address, grpc.credentials.createInsecure());
  return new Promise<CheckResult>((resolve) => {
    const check = (client as unknown as HealthCalls).check;
    check.call(client, { service }, { deadline: Date.now() + timeoutMs }, (error, response) =>
      resolve(error ? { code: error.code } : { status: String(response?.status) }),
    );
  }).finally(() => client.close());
}

/** A Watch call and everything it has received so far. */
export class HealthWatch {
  readonly statuses: string[] = [];
  /** The call's final status, once it has ended. */
  end: grpc.StatusObject | undefined;
  readonly #client: grpc.Client;
  readonly #call: grpc.ClientReadableStream<{ status: string }>;

  constructor(address: string, service = "") {
    this.#client = new HealthClient(address, grpc.credentials.createInsecure());
    this.#call = (this.#client as unknown as HealthCalls).watch({ service });
    this.#call.on("data", (response: { status: string }) => this.statuses.push(response.status));
    this.#call.on("status", (status: grpc.StatusObject) => (this.end = status));
    this.#call.on("error", () => undefined); // the "status" event records how it ended
  }

  /** Cancels the call if still open and closes its connection. */
  close(): void {
    this.#call.cancel();
    this.#client.close();
  }
}

interface HealthCalls {
  check(
    request: { service: string },
    options: grpc.CallOptions,
    callback: (error: grpc.ServiceError | null, response?: { status: string }) => void,
  ): void;
  watch(request: { service: string }): grpc.ClientReadableStream<{ status: string }>;
}

/** An HTTP answer, or the network error code (e.g. ECONNREFUSED) when there was none. */
export type HttpResult = { status: number; body: string } | { error: string };

/** GET `url` with a bounded wait; a refused connection is a result, not a failure. */
export async function httpGet(url: string, timeoutMs = 5_000): Promise<HttpResult> {
  try {
    const response = await fetch(url, { signal: AbortSignal.timeout(timeoutMs) });
    return { status: response.status, body: await response.text() };
  } catch (error) {
    const cause = (error as { cause?: { code?: string } }).cause;
    return { error: cause?.code ?? String(error) };
  }
}

/**
 * The sum of every sample of metric `name` (exact name, any labels) whose labels include
 * `labels`, from Prometheus text format; 0 when there is none.
 */
export function metricSum(text: string, name: string, labels: Record<string, string> = {}): number {
  let sum = 0;
  for (const line of text.split("\n")) {
    const match = /^([a-zA-Z_:][\w:]*)(\{[^}]*\})?\s+(\S+)/.exec(line);
    if (!match || match[1] !== name) continue;
    const sampleLabels = Object.fromEntries([...(match[2] ?? "").matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)].map((m) => [m[1], m[2]]));
    if (Object.entries(labels).every(([key, value]) => sampleLabels[key] === value)) sum += Number(match[3]);
  }
  return sum;
}

/** A port that was free a moment ago on 127.0.0.1 (for programs that cannot take port 0). */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", resolve);
  });
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}
