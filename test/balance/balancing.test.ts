/**
 * The balancing test of issue 5: three echo servers, one made slow (20 ms more per call), a bounded
 * load of 2,000 calls with 16 in flight. Round-robin gives the slow one a third of the calls
 * whatever its speed; power of two choices sees its calls pile up and sends it clearly less.
 * The shares are printed (and recorded in bench/results/balancing.md).
 */
import { afterEach, expect, test } from "vitest";
import { BalancedConnection, type BalancerName } from "../../src/runtime/index.js";
import { EchoClient } from "../../generated-samples/echo/src/gen/echo/grpc-client.js";
import { ControlledDiscovery, ECHO_SERVICE, EchoFleet, runLoad } from "./harness.js";

const CALLS = 2000;
const CONCURRENCY = 16;
const SLOW_EXTRA_MS = 20;

const fleet = new EchoFleet();
afterEach(() => fleet.stopAll());

/** The slow instance's share of `CALLS` calls under `balancer`, and the run's length. */
async function slowShare(balancer: BalancerName): Promise<{ share: number; ms: number }> {
  const members = await fleet.startMany(3);
  members[1]!.extraDelayMs = SLOW_EXTRA_MS;
  const discovery = new ControlledDiscovery();
  discovery.set(ECHO_SERVICE, members.map((m) => m.instance));
  const connection = new BalancedConnection(ECHO_SERVICE, discovery, { balancer });
  const client = new EchoClient(connection);
  try {
    await client.echo({}); // channels up before timing
    fleet.resetCounts();
    const started = performance.now();
    expect(await runLoad(CALLS, CONCURRENCY, () => client.echo({ delayMs: 1 }))).toEqual([]);
    const ms = performance.now() - started;
    expect(members.reduce((sum, m) => sum + m.calls, 0)).toBe(CALLS);
    return { share: members[1]!.calls / CALLS, ms };
  } finally {
    connection.close();
    await fleet.stopAll();
  }
}

test("power of two choices sends a slow instance clearly less traffic than round-robin", async () => {
  const roundRobin = await slowShare("round-robin");
  const p2c = await slowShare("p2c");
  console.log(
    `balancing: slow instance share round-robin ${(roundRobin.share * 100).toFixed(1)}% (${roundRobin.ms.toFixed(0)} ms), ` +
      `p2c ${(p2c.share * 100).toFixed(1)}% (${p2c.ms.toFixed(0)} ms); ${CALLS} calls, ${CONCURRENCY} concurrent`,
  );
  expect(roundRobin.share).toBeGreaterThan(0.3);
  expect(roundRobin.share).toBeLessThan(0.37);
  expect(p2c.share).toBeLessThan(roundRobin.share / 2);
});
