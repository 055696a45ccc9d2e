// Invalid settings stop the built echo service at start: exit code 1, one line on stderr naming
// the variable or flag, and no server ever started.
import { connect } from "node:net";
import { afterAll, afterEach, beforeAll, describe, expect, test } from "vitest";
import { freePort } from "./probes.js";
import { buildSample, Processes, type BuiltSample } from "./sample-process.js";

let echo: BuiltSample;
const processes = new Processes();

beforeAll(() => {
  echo = buildSample("echo");
});
afterEach(() => processes.killAll());
afterAll(() => echo?.remove());

/** Whether something accepts TCP connections on 127.0.0.1:`port`. */
function listening(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host: "127.0.0.1", port });
    const answer = (accepted: boolean) => {
      socket.destroy();
      resolve(accepted);
    };
    socket.setTimeout(5_000);
    socket.once("connect", () => answer(true));
    socket.once("error", () => answer(false));
    socket.once("timeout", () => answer(false));
  });
}

interface BadStart {
  what: string;
  env?: Record<string, string>;
  args?: string[];
  /** What the message must name. */
  names: string;
}

const cases: BadStart[] = [
  { what: "GRPC_PORT=http", env: { GRPC_PORT: "http" }, names: 'GRPC_PORT: "http" is not a port' },
  { what: "ADMIN_PORT=65536", env: { ADMIN_PORT: "65536" }, names: 'ADMIN_PORT: "65536" is not a port' },
  { what: "--log-level=loud", args: ["--log-level=loud"], names: '--log-level: "loud" is not a log level' },
  { what: "GRACE_PERIOD_MS=-1", env: { GRACE_PERIOD_MS: "-1" }, names: "GRACE_PERIOD_MS" },
  { what: "an unknown flag --colour", args: ["--colour=blue"], names: "--colour" },
];

describe("invalid settings at start", () => {
  test.each(cases)("$what: exit 1, one line naming it, nothing listens", async ({ env, args, names }) => {
    // Valid free ports unless the case breaks one: were anything to start, it would listen there.
    const grpcPort = await freePort();
    const adminPort = await freePort();
    const started = processes.spawn(echo.main, {
      env: { HOST: "127.0.0.1", GRPC_PORT: String(grpcPort), ADMIN_PORT: String(adminPort), HTTP_PORT: "0", ...env },
      ...(args ? { args } : {}),
    });
    const exit = await started.waitForExit(30_000);
    expect(exit).toMatchObject({ code: 1, signal: null });
    const lines = started.stderr.trimEnd().split("\n");
    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain(names);
    expect(lines[0]).toMatch(/^echo-v1: /);
    expect(started.logs().map((line) => line.msg)).toEqual([]);
    expect(await listening(grpcPort)).toBe(false);
    expect(await listening(adminPort)).toBe(false);
  });
});
