// Starting and stopping the benchmark's child processes, always by pid and always bounded in time.
import { fork, spawn } from "node:child_process";

/**
 * Forks `script` with `args` (a bench server) and waits for its first IPC message: `{ port }`,
 * or `{ unavailable }` for a variant that cannot run in this build. Resolves with that message,
 * the child's pid and `stop()`. Rejects if the child exits or stays silent for `timeoutMs`.
 */
export function startServer(script, args, { timeoutMs = 20_000, env = process.env } = {}) {
  const child = fork(script, args, { stdio: ["ignore", "ignore", "inherit", "ipc"], env });
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => (stopChild(child), reject(new Error(`${args.join(" ")}: no port after ${timeoutMs} ms`))), timeoutMs);
    child.once("error", (error) => (clearTimeout(timer), reject(error)));
    child.once("exit", (code) => (clearTimeout(timer), reject(new Error(`${args.join(" ")} exited with ${code} before serving`))));
    child.once("message", (message) => {
      clearTimeout(timer);
      child.removeAllListeners("exit");
      resolve({ ...message, pid: child.pid, stop: () => stopChild(child) });
    });
  });
}

/** SIGTERM to the child's pid, SIGKILL after `graceMs`; resolves once it has exited. */
export function stopChild(child, graceMs = 5_000) {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const killer = setTimeout(() => process.kill(child.pid, "SIGKILL"), graceMs);
    child.once("exit", () => (clearTimeout(killer), resolve()));
    process.kill(child.pid, "SIGTERM");
  });
}

/**
 * Runs `command` to completion with a hard time limit (SIGKILL by pid after `timeoutMs`).
 * Resolves with its exit status, stdout and stderr; never rejects on a non-zero status.
 */
export function run(command, args, { timeoutMs = 120_000, cwd, env = process.env } = {}) {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd, env, stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.setEncoding("utf8").on("data", (chunk) => (stdout += chunk));
    child.stderr.setEncoding("utf8").on("data", (chunk) => (stderr += chunk));
    const timer = setTimeout(() => process.kill(child.pid, "SIGKILL"), timeoutMs);
    child.once("error", (error) => (clearTimeout(timer), reject(error)));
    child.once("close", (status, signal) => (clearTimeout(timer), resolve({ status, signal, stdout, stderr })));
  });
}
