/**
 * BalancedConnection spreading calls over three real echo servers found through a controlled
 * discovery: each balancer's shares, membership changes, the generated client, middleware and
 * parent propagation, and the bounded wait for instances.
 */
import { afterEach, expect, test } from "vitest";
import { BalancedConnection, Code, ServiceError, type BalancedConnectionOptions, type OutgoingCall } from "../../src/runtime/index.js";
import { EchoClient } from "../../generated-samples/echo/src/gen/echo/grpc-client.js";
import { ControlledDiscovery, ECHO_SERVICE, EchoFleet, runLoad } from "./harness.js";
import { eventually, failureOf } from "../runtime-middleware/harness.js";

const fleet = new EchoFleet();
const connections: BalancedConnection[] = [];
afterEach(async () => {
  for (const connection of connections.splice(0)) connection.close();
  await fleet.stopAll();
});

/** Three servers in discovery and a connection to them. */
async function threeInstances(options: BalancedConnectionOptions = {}, metadata: Array<Record<string, string>> = [{}, {}, {}]) {
  const discovery = new ControlledDiscovery();
  const members = [];
  for (let i = 0; i < 3; i++) members.push(await fleet.start(`echo-${i}`, metadata[i]));
  discovery.set(ECHO_SERVICE, members.map((m) => m.instance));
  const connection = new BalancedConnection(ECHO_SERVICE, discovery, options);
  connections.push(connection);
  return { discovery, members, connection, client: new EchoClient(connection) };
}

test("round-robin spreads calls exactly evenly, through the generated client", async () => {
  const { client } = await threeInstances({ balancer: "round-robin" });
  const failures = await runLoad(300, 8, (i) => client.echo({ text: `call ${i}` }));
  expect(failures).toEqual([]);
  expect(fleet.counts()).toEqual({ "echo-0": 100, "echo-1": 100, "echo-2": 100 });
});

test("weighted follows metadata weight exactly over whole cycles", async () => {
  const { client } = await threeInstances({ balancer: "weighted" }, [{ weight: "1" }, { weight: "2" }, { weight: "3" }]);
  expect(await runLoad(600, 8, () => client.echo({}))).toEqual([]);
  expect(fleet.counts()).toEqual({ "echo-0": 100, "echo-1": 200, "echo-2": 300 });
});

test("random and p2c (the default) reach every instance in roughly equal shares", async () => {
  for (const balancer of ["random", undefined] as const) {
    fleet.resetCounts();
    await fleet.stopAll();
    const { client } = await threeInstances(balancer ? { balancer } : {});
    expect(await runLoad(1500, 8, () => client.echo({}))).toEqual([]);
    for (const count of Object.values(fleet.counts())) expect(count).toBeGreaterThan(350);
  }
});

test("an instance removed from discovery gets no more calls; an added one gets calls", async () => {
  const { discovery, members, connection, client } = await threeInstances({ balancer: "round-robin" });
  await runLoad(30, 4, () => client.echo({}));
  expect(members[2]!.calls).toBe(10);

  discovery.set(ECHO_SERVICE, [members[0]!.instance, members[1]!.instance]);
  await eventually(() => connection.instances.length === 2);
  fleet.resetCounts();
  expect(await runLoad(40, 4, () => client.echo({}))).toEqual([]);
  expect(fleet.counts()).toEqual({ "echo-0": 20, "echo-1": 20, "echo-2": 0 });

  const added = await fleet.start("echo-3");
  discovery.set(ECHO_SERVICE, [members[0]!.instance, members[1]!.instance, added.instance]);
  await eventually(() => connection.instances.length === 3);
  fleet.resetCounts();
  expect(await runLoad(30, 4, () => client.echo({}))).toEqual([]);
  expect(fleet.counts()).toEqual({ "echo-0": 10, "echo-1": 10, "echo-2": 0, "echo-3": 10 });
});

test("middleware wraps each call once with the service name as target; a parent's deadline caps the call", async () => {
  const seen: OutgoingCall[] = [];
  const { client } = await threeInstances({
    middleware: [(next) => (call, input) => (seen.push(call), next(call, input))],
  });
  await client.echo({ text: "hi" });
  expect(seen.map((c) => [c.target, c.method.name])).toEqual([[ECHO_SERVICE, "Echo"]]);

  const parent = { deadline: new Date(Date.now() + 100), signal: new AbortController().signal, traceContext: undefined };
  const error = await failureOf(client.echo({ delayMs: 2000 }, { parent: parent as never }));
  expect(error.code).toBe(Code.DEADLINE_EXCEEDED);
});

test("with no instances, a call waits for waitForInstancesMs (or its deadline) and fails UNAVAILABLE", async () => {
  const discovery = new ControlledDiscovery();
  const connection = new BalancedConnection(ECHO_SERVICE, discovery, { waitForInstancesMs: 300 });
  connections.push(connection);
  const client = new EchoClient(connection);

  let started = Date.now();
  const error = await failureOf(client.echo({}));
  expect(error.code).toBe(Code.UNAVAILABLE);
  expect(error.message).toBe(`no instances of ${ECHO_SERVICE}`);
  expect(Date.now() - started).toBeGreaterThanOrEqual(280);
  expect(Date.now() - started).toBeLessThan(2000);

  started = Date.now();
  expect((await failureOf(client.echo({}, { timeoutMs: 100 }))).code).toBe(Code.UNAVAILABLE);
  expect(Date.now() - started).toBeLessThan(280);

  // A call waiting when the first instance appears goes to it.
  const waiting = client.echo({ text: "late" });
  const member = await fleet.start("echo-late");
  discovery.set(ECHO_SERVICE, [member.instance]);
  expect((await waiting).text).toBe("late");
});

test("closing stops the watch; later calls fail UNAVAILABLE", async () => {
  const { discovery, connection, client } = await threeInstances();
  await client.echo({});
  expect(discovery.activeWatches).toBe(1);
  connection.close();
  await eventually(() => discovery.activeWatches === 0);
  const error = await failureOf(client.echo({}));
  expect(error).toBeInstanceOf(ServiceError);
  expect(error.code).toBe(Code.UNAVAILABLE);
});
