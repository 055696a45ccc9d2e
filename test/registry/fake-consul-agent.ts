/**
 * A FAKE Consul agent for tests (no real Consul can be installed here): a node:http server on
 * 127.0.0.1 implementing exactly the part of the agent HTTP API the real `consul` client sends for
 * the Consul registry backend, with Consul's semantics:
 *
 * - `PUT /v1/agent/service/register`: a service with TTL checks (`Checks` or `Check`; `TTL`,
 *   `Status`, `DeregisterCriticalServiceAfter`); a TTL check starts critical unless `Status` says
 *   otherwise; and gRPC checks (`GRPC` = `host:port/service`, `Interval`), which the agent runs
 *   itself: a real `grpc.health.v1.Health/Check` call at once and then every interval, passing
 *   only on SERVING (fake-consul-grpc-probe.ts); registering an existing ID replaces it;
 * - `PUT /v1/agent/check/pass/<id>`: passing until the TTL runs out; 404 for an unknown check;
 * - `GET /v1/health/service/<name>?passing`: blocking queries (`index`, `wait`), answering
 *   `X-Consul-Index`; with `passing` only services whose checks all pass;
 * - `PUT /v1/agent/service/deregister/<id>`: 404 for an unknown service.
 *
 * A check whose TTL passed turns critical; a service with a check critical for longer than its
 * `DeregisterCriticalServiceAfter` is removed. Unlike a real agent, which reaps every 30 s and
 * refuses periods under 1 min, this one sweeps every `sweepMs` and takes any period, so tests are
 * short. Anything else is answered 404/405 so a client sending something unexpected fails loudly.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { probeGrpcHealth } from "./fake-consul-grpc-probe.js";

/** A TTL or gRPC check as the fake agent keeps it. */
export interface FakeCheck {
  readonly checkId: string;
  readonly name: string;
  readonly kind: "ttl" | "grpc";
  /** For a gRPC check: `host:port/service` and the probe interval. */
  readonly grpc?: { readonly target: string; readonly intervalMs: number; readonly useTls: boolean };
  /** Infinite for a gRPC check: it does not expire, its probes set its status. */
  readonly ttlMs: number;
  readonly deregisterCriticalAfterMs: number | undefined;
  status: "passing" | "critical";
  expiresAt: number;
  criticalSince: number;
}

/** A registered service as the fake agent keeps it. */
export interface FakeService {
  readonly definition: { ID: string; Service: string; Tags: string[]; Address: string; Port: number; Meta: Record<string, string> };
  readonly checks: FakeCheck[];
}

/** A request as received, for assertions on the client's wire format. */
export interface FakeRequest {
  readonly method: string;
  readonly url: string;
  readonly body: unknown;
  /** The ACL token sent (`X-Consul-Token`), if any. */
  readonly token: string | undefined;
}

/** Something the agent did by itself, with `performance.now()` time. */
export interface FakeEvent {
  readonly at: number;
  readonly kind: "critical" | "reaped";
  readonly serviceId: string;
}

const NODE = { ID: "fake-node-id", Node: "fake-consul-node", Address: "127.0.0.1", Datacenter: "dc1" };
const DEFAULT_WAIT_MS = 5 * 60_000;
const MAX_WAIT_MS = 10 * 60_000;

/** See the file comment. Start with {@link FakeConsulAgent.start}, end with {@link FakeConsulAgent.stop}. */
export class FakeConsulAgent {
  readonly services = new Map<string, FakeService>();
  readonly requests: FakeRequest[] = [];
  readonly events: FakeEvent[] = [];
  #index = 1;
  readonly #waiters = new Set<() => void>();
  readonly #server: Server;
  readonly #sweep: NodeJS.Timeout;
  /** The probe timer of every gRPC check, by check id. */
  readonly #probes = new Map<string, NodeJS.Timeout>();

  private constructor(server: Server, sweepMs: number) {
    this.#server = server;
    this.#sweep = setInterval(() => this.#expire(), sweepMs);
  }

  /** Listens on 127.0.0.1:`port` (0: a free port). */
  static async start(options: { port?: number; sweepMs?: number } = {}): Promise<FakeConsulAgent> {
    const server = createServer();
    const agent = new FakeConsulAgent(server, options.sweepMs ?? 25);
    server.on("request", (request, response) => void agent.#handle(request, response));
    await new Promise<void>((resolve, reject) => {
      server.once("error", reject);
      server.listen(options.port ?? 0, "127.0.0.1", () => resolve());
    });
    return agent;
  }

  /** The port it listens on. */
  get port(): number {
    return (this.#server.address() as AddressInfo).port;
  }

  /** Goes away at once, as a killed agent does: connections (and blocked queries) are cut. */
  async stop(): Promise<void> {
    clearInterval(this.#sweep);
    for (const timer of this.#probes.values()) clearInterval(timer);
    this.#probes.clear();
    const closed = new Promise<void>((resolve) => this.#server.close(() => resolve()));
    this.#server.closeAllConnections();
    for (const wake of [...this.#waiters]) wake();
    await closed;
  }

  async #handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const url = new URL(request.url ?? "/", "http://fake-consul");
    const text = await readBody(request);
    let body: unknown;
    try {
      body = text === "" ? undefined : JSON.parse(text);
    } catch {
      return answer(response, 400, "Request decode failed");
    }
    const token = request.headers["x-consul-token"];
    this.requests.push({ method: request.method ?? "", url: url.pathname + url.search, body, token: typeof token === "string" ? token : undefined });
    const route = `${request.method} ${url.pathname}`;
    const tail = (prefix: string): string => decodeURIComponent(url.pathname.slice(prefix.length));
    if (route === "PUT /v1/agent/service/register") return this.#register(body, response);
    if (route.startsWith("PUT /v1/agent/check/pass/")) return this.#pass(tail("/v1/agent/check/pass/"), response);
    if (route.startsWith("PUT /v1/agent/service/deregister/")) return this.#deregister(tail("/v1/agent/service/deregister/"), response);
    if (route.startsWith("GET /v1/health/service/")) return this.#health(tail("/v1/health/service/"), url.searchParams, response);
    answer(response, url.pathname.startsWith("/v1/") ? 405 : 404, `fake Consul agent: ${route} is not implemented`);
  }

  #register(body: unknown, response: ServerResponse): void {
    const definition = body as Record<string, unknown> | undefined;
    const name = definition?.Name;
    if (typeof name !== "string" || name === "") return answer(response, 400, "Missing service name");
    const id = typeof definition?.ID === "string" && definition.ID !== "" ? definition.ID : name;
    const rawChecks = Array.isArray(definition?.Checks) ? definition.Checks : definition?.Check ? [definition.Check] : [];
    const checks: FakeCheck[] = [];
    for (const [position, raw] of (rawChecks as Record<string, unknown>[]).entries()) {
      const grpcCheck = typeof raw.GRPC === "string" ? { target: raw.GRPC, intervalMs: parseGoDuration(raw.Interval), useTls: raw.GRPCUseTLS === true } : undefined;
      const ttlMs = grpcCheck ? Number.POSITIVE_INFINITY : parseGoDuration(raw.TTL);
      if (ttlMs === undefined) return answer(response, 400, "fake Consul agent: only TTL and gRPC checks are implemented");
      if (grpcCheck && grpcCheck.intervalMs === undefined) return answer(response, 400, "Interval must be > 0 for a gRPC check");
      if (grpcCheck?.useTls) return answer(response, 400, "fake Consul agent: gRPC checks over TLS are not implemented");
      const defaultId = rawChecks.length === 1 && !Array.isArray(definition?.Checks) ? `service:${id}` : `service:${id}:${position + 1}`;
      const now = performance.now();
      checks.push({
        checkId: typeof raw.CheckID === "string" ? raw.CheckID : defaultId,
        name: typeof raw.Name === "string" ? raw.Name : `Service '${name}' check`,
        kind: grpcCheck ? "grpc" : "ttl",
        ...(grpcCheck ? { grpc: { target: grpcCheck.target, intervalMs: grpcCheck.intervalMs as number, useTls: false } } : {}),
        ttlMs,
        deregisterCriticalAfterMs: parseGoDuration(raw.DeregisterCriticalServiceAfter),
        status: raw.Status === "passing" ? "passing" : "critical",
        expiresAt: now + ttlMs,
        criticalSince: now,
      });
    }
    const meta = (definition?.Meta ?? {}) as Record<string, string>;
    const tags = Array.isArray(definition?.Tags) ? (definition.Tags as string[]) : [];
    const address = typeof definition?.Address === "string" ? definition.Address : "";
    const port = typeof definition?.Port === "number" ? definition.Port : 0;
    this.#stopProbes(this.services.get(id));
    const service: FakeService = { definition: { ID: id, Service: name, Tags: tags, Address: address, Port: port, Meta: meta }, checks };
    this.services.set(id, service);
    for (const check of checks) if (check.grpc) this.#startProbe(service, check, check.grpc);
    this.#changed();
    answer(response, 200, "");
  }

  /** Probes at once and then every interval, as the agent's gRPC check runner does. */
  #startProbe(service: FakeService, check: FakeCheck, grpc: NonNullable<FakeCheck["grpc"]>): void {
    const probe = async (): Promise<void> => {
      const serving = await probeGrpcHealth(grpc.target, grpc.intervalMs);
      if (this.services.get(service.definition.ID) !== service) return;
      const status = serving ? "passing" : "critical";
      if (status === check.status) return;
      check.status = status;
      if (status === "critical") {
        check.criticalSince = performance.now();
        this.events.push({ at: check.criticalSince, kind: "critical", serviceId: service.definition.ID });
      }
      this.#changed();
    };
    void probe();
    this.#probes.set(check.checkId, setInterval(() => void probe(), grpc.intervalMs));
  }

  #stopProbes(service: FakeService | undefined): void {
    for (const check of service?.checks ?? []) {
      clearInterval(this.#probes.get(check.checkId));
      this.#probes.delete(check.checkId);
    }
  }

  #pass(checkId: string, response: ServerResponse): void {
    const check = [...this.services.values()].flatMap((service) => service.checks).find((candidate) => candidate.checkId === checkId);
    if (check === undefined) return answer(response, 404, `Unknown check ID "${checkId}". Ensure that the check ID is passed, not the check name.`);
    if (check.kind !== "ttl") return answer(response, 500, `Check "${checkId}" is not a TTL check`);
    check.expiresAt = performance.now() + check.ttlMs;
    if (check.status !== "passing") {
      check.status = "passing";
      this.#changed();
    }
    answer(response, 200, "");
  }

  #deregister(id: string, response: ServerResponse): void {
    this.#stopProbes(this.services.get(id));
    if (!this.services.delete(id)) return answer(response, 404, `Unknown service ID "${id}". Ensure that the service ID is passed, not the service name.`);
    this.#changed();
    answer(response, 200, "");
  }

  async #health(name: string, query: URLSearchParams, response: ServerResponse): Promise<void> {
    const index = Number(query.get("index") ?? "0");
    const waitMs = Math.min(parseGoDuration(query.get("wait")) ?? DEFAULT_WAIT_MS, MAX_WAIT_MS);
    if (index > 0 && index >= this.#index) await this.#changeOrTimeout(waitMs);
    if (response.destroyed) return;
    const passingOnly = query.has("passing") && query.get("passing") !== "false";
    const entries = [...this.services.values()]
      .filter((service) => service.definition.Service === name)
      .filter((service) => !passingOnly || service.checks.every((check) => check.status === "passing"))
      .map((service) => healthEntry(service));
    response.writeHead(200, { "content-type": "application/json", "x-consul-index": String(this.#index), "x-consul-knownleader": "true", "x-consul-lastcontact": "0" });
    response.end(JSON.stringify(entries));
  }

  #changeOrTimeout(waitMs: number): Promise<void> {
    return new Promise((resolve) => {
      const done = (): void => {
        clearTimeout(timer);
        this.#waiters.delete(done);
        resolve();
      };
      const timer = setTimeout(done, waitMs);
      this.#waiters.add(done);
    });
  }

  /** TTL expiry and critical-service removal, as the agent's check runner and reaper do. */
  #expire(): void {
    const now = performance.now();
    for (const service of [...this.services.values()]) {
      for (const check of service.checks) {
        if (check.status === "passing" && now >= check.expiresAt) {
          check.status = "critical";
          check.criticalSince = now;
          this.events.push({ at: now, kind: "critical", serviceId: service.definition.ID });
          this.#changed();
        }
      }
      const reap = service.checks.some(
        (check) => check.status === "critical" && check.deregisterCriticalAfterMs !== undefined && now - check.criticalSince >= check.deregisterCriticalAfterMs,
      );
      if (reap) {
        this.#stopProbes(service);
        this.services.delete(service.definition.ID);
        this.events.push({ at: now, kind: "reaped", serviceId: service.definition.ID });
        this.#changed();
      }
    }
  }

  #changed(): void {
    this.#index += 1;
    for (const wake of [...this.#waiters]) wake();
  }
}

function healthEntry(service: FakeService): unknown {
  const { definition } = service;
  return {
    Node: NODE,
    Service: { ...definition, Weights: { Passing: 1, Warning: 1 }, EnableTagOverride: false },
    Checks: [
      { Node: NODE.Node, CheckID: "serfHealth", Name: "Serf Health Status", Status: "passing", ServiceID: "", ServiceName: "", Type: "" },
      ...service.checks.map((check) => ({
        Node: NODE.Node,
        CheckID: check.checkId,
        Name: check.name,
        Status: check.status,
        Output: check.status === "passing" ? "" : check.kind === "ttl" ? "TTL expired" : "gRPC health check: not SERVING",
        ServiceID: definition.ID,
        ServiceName: definition.Service,
        ServiceTags: definition.Tags,
        Type: check.kind,
      })),
    ],
  };
}

/** Go's `time.ParseDuration` for the units Consul clients send ("10s", "1m30s", "250ms"). */
export function parseGoDuration(value: unknown): number | undefined {
  if (typeof value !== "string" || value === "") return undefined;
  const units: Record<string, number> = { ns: 1e-6, us: 1e-3, "µs": 1e-3, ms: 1, s: 1_000, m: 60_000, h: 3_600_000 };
  const part = /(\d+(?:\.\d+)?)(ns|us|µs|ms|s|m|h)/gy;
  let total = 0;
  let consumed = 0;
  for (let match = part.exec(value); match !== null; match = part.exec(value)) {
    total += Number(match[1]) * (units[match[2] as string] as number);
    consumed = part.lastIndex;
  }
  return consumed === value.length ? total : undefined;
}

function answer(response: ServerResponse, status: number, text: string): void {
  response.writeHead(status, { "content-type": "text/plain; charset=utf-8" });
  response.end(text);
}

async function readBody(request: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString("utf8");
}
