/**
 * Failures: a server killed under load, a non-idempotent call cut off at the server, calls to an
 * address nobody listens on (never reached the server, so retried), ejection and reinstatement.
 * Idempotency: the echo proto declares none, so the tests use a copy of Echo's MethodSpec marked
 * `no_side_effects` (what `option idempotency_level = NO_SIDE_EFFECTS;` would generate).
 */
import { afterEach, expect, test } from "vitest";
import { BalancedConnection, Code, serveGrpc, type MethodSpec } from "../../src/runtime/index.js";
import { EjectionTracker } from "../../src/runtime/balance/ejection.js";
import { echoSpec } from "../../generated-samples/echo/src/gen/echo/service.js";
import { registerGrpcServices } from "../../generated-samples/echo/src/gen/server.js";
import { EchoHandler } from "../../generated-samples/echo/src/handlers/echo.js";
import { ControlledDiscovery, ECHO_SERVICE, EchoFleet, runLoad } from "./harness.js";
import { eventually, failureOf } from "../runtime-middleware/harness.js";

const echo = echoSpec.methods.echo;
const idempotentEcho: typeof echo = { ...echo, idempotency: "no_side_effects" } satisfies MethodSpec<unknown, unknown> as typeof echo;
/** Reconnect quickly, so that a restarted server is seen within the test's time. */
const fastReconnect = { "grpc.initial_reconnect_backoff_ms": 100, "grpc.max_reconnect_backoff_ms": 300 };

const fleet = new EchoFleet();
const connections: BalancedConnection[] = [];
afterEach(async () => {
  for (const connection of connections.splice(0)) connection.close();
  await fleet.stopAll();
});

function connect(discovery: ControlledDiscovery, options: ConstructorParameters<typeof BalancedConnection>[2] = {}): BalancedConnection {
  const connection = new BalancedConnection(ECHO_SERVICE, discovery, { channelOptions: fastReconnect, ...options });
  connections.push(connection);
  return connection;
}

/** A port that was just listened on and no longer is. */
async function deadPort(): Promise<number> {
  const handle = await serveGrpc({ host: "127.0.0.1", port: 0, register: () => {} });
  await handle.shutdown(0);
  return handle.port;
}

test("a server killed under load: idempotent calls see zero failures", async () => {
  const members = await fleet.startMany(3);
  const discovery = new ControlledDiscovery();
  discovery.set(ECHO_SERVICE, members.map((m) => m.instance));
  const connection = connect(discovery);

  let done = 0;
  const load = runLoad(900, 12, async () => {
    await connection.unary(idempotentEcho, { delayMs: 3 });
    if (++done === 200) void members[1]!.handle.shutdown(0); // killed; discovery still lists it
  });
  expect(await load).toEqual([]);
  expect(connection.instances.find((i) => i.id === "echo-1")?.ejected).toBe(true);
  // Calls after the kill went to the two survivors.
  expect(members[0]!.calls + members[2]!.calls).toBeGreaterThan(600);
});

test("a non-idempotent call that reached the killed server fails UNAVAILABLE and is not retried", async () => {
  const members = await fleet.startMany(2);
  const discovery = new ControlledDiscovery();
  discovery.set(ECHO_SERVICE, members.map((m) => m.instance));
  const connection = connect(discovery, { balancer: "round-robin" }); // first pick: echo-0

  const call = connection.unary(echo, { delayMs: 5000 });
  await eventually(() => members[0]!.calls === 1);
  await members[0]!.handle.shutdown(0);
  const error = await failureOf(call);
  expect(error.code).toBe(Code.UNAVAILABLE);
  expect(members[1]!.calls).toBe(0);
});

test("calls that never reached a server (nobody listening) are retried on another instance, even non-idempotent ones", async () => {
  const members = await fleet.startMany(2);
  const ghost = { ...members[0]!.instance, id: "echo-ghost", ports: { grpc: await deadPort() } };
  const discovery = new ControlledDiscovery();
  discovery.set(ECHO_SERVICE, [ghost, ...members.map((m) => m.instance)]);
  const connection = connect(discovery, { balancer: "round-robin" });

  expect(await runLoad(60, 4, () => connection.unary(echo, { text: "x" }))).toEqual([]);
  expect(members[0]!.calls + members[1]!.calls).toBe(60);
  expect(connection.instances.find((i) => i.id === "echo-ghost")?.ejected).toBe(true);

  // Streaming calls too: before any response, the requests sent so far are replayed elsewhere.
  const other = new BalancedConnection(ECHO_SERVICE, discovery, { balancer: "round-robin", channelOptions: fastReconnect });
  connections.push(other);
  async function* three() {
    yield* [{ text: "a" }, { text: "b" }, { text: "c" }];
  }
  for (let i = 0; i < 3; i++) {
    const collected = await other.clientStream(echoSpec.methods.collect, three());
    expect(collected.text).toBe("abc");
    const chat: string[] = [];
    for await (const response of other.bidiStream(echoSpec.methods.chat, three())) chat.push(response.text);
    expect(chat).toEqual(["a", "b", "c"]);
  }
});

test("an ejected instance gets no calls during its back-off and is reinstated after it", async () => {
  const members = await fleet.startMany(2);
  const port = await deadPort();
  const discovery = new ControlledDiscovery();
  const revived = { ...members[0]!.instance, id: "echo-revived", ports: { grpc: port } };
  discovery.set(ECHO_SERVICE, [...members.map((m) => m.instance), revived]);
  const connection = connect(discovery, { balancer: "round-robin", ejection: { baseMs: 400, maxMs: 400 } });

  expect(await runLoad(9, 1, () => connection.unary(echo, {}))).toEqual([]);
  expect(connection.instances.find((i) => i.id === "echo-revived")?.ejected).toBe(true);

  // The server comes back on the same port; once the ejection ends, calls reach it again.
  let revivedCalls = 0;
  const handler = new EchoHandler({ onCall: () => void revivedCalls++ });
  const handle = await serveGrpc({ host: "127.0.0.1", port, register: (server) => registerGrpcServices(server, { echo: handler }) });
  try {
    const during = revivedCalls;
    expect(await runLoad(6, 1, () => connection.unary(echo, {}))).toEqual([]);
    expect(revivedCalls).toBe(during); // still ejected: no call went there
    await eventually(async () => {
      await connection.unary(echo, {});
      return revivedCalls > 0;
    }, 5000);
    expect(connection.instances.find((i) => i.id === "echo-revived")?.ejected).toBe(false);
  } finally {
    await handle.shutdown(0);
  }
});

test("ejection back-off doubles with failures in a row, is capped, and a success resets it", () => {
  let now = 0;
  const tracker = new EjectionTracker({ baseMs: 100, maxMs: 500 }, () => now);
  expect([1, 2, 3, 4, 5].map(() => tracker.eject("a"))).toEqual([100, 200, 400, 500, 500]);
  expect(tracker.isEjected("a")).toBe(true);
  now += 500;
  expect(tracker.isEjected("a")).toBe(false);
  tracker.succeeded("a");
  expect(tracker.eject("a")).toBe(100);
});
