// Two echo servers, each in its own process, driven by one client process in alternating rounds:
// what bench/middleware.mjs and bench/policy.mjs share.
import { fork } from "node:child_process";

/** Forks `script` with `arg`; resolves with the port it reports and a way to stop it. */
export function forkEchoServer(script, arg) {
  const child = fork(script, [arg], { stdio: ["ignore", "ignore", "inherit", "ipc"] });
  return new Promise((resolve, reject) => {
    child.once("error", reject);
    child.once("exit", (code) => reject(new Error(`server ${arg || "(no argument)"} exited with ${code}`)));
    child.once("message", ({ port }) =>
      resolve({
        port,
        stop: () => new Promise((done) => (child.removeAllListeners("exit"), child.once("exit", done), child.kill("SIGTERM"))),
      }),
    );
  });
}

/** Unary Echo calls completed per second over `seconds`, `concurrency` at a time on one connection. */
export async function measureEcho(client, seconds, concurrency) {
  const request = { text: "hello" };
  for (let i = 0; i < 200; i++) await client.echo(request); // warm-up
  let done = 0;
  const until = performance.now() + seconds * 1000;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (performance.now() < until) {
        await client.echo(request);
        done++;
      }
    }),
  );
  return done / ((performance.now() - started) / 1000);
}

/**
 * Measures the two clients (keyed by variant) in `rounds` rounds, alternating which goes first so
 * machine noise hits both alike; returns each variant's requests per second, round by round.
 */
export async function alternatingRounds(clients, { rounds, seconds, concurrency }) {
  const [first, second] = Object.keys(clients);
  const results = { [first]: [], [second]: [] };
  for (let round = 0; round < rounds; round++) {
    for (const variant of round % 2 === 0 ? [first, second] : [second, first]) {
      results[variant].push(await measureEcho(clients[variant], seconds, concurrency));
    }
  }
  return results;
}
