/** Runs the `buf curl` binary from node_modules against a local plaintext gRPC server. */
import { execFile } from "node:child_process";
import { fileURLToPath } from "node:url";

const BUF = fileURLToPath(new URL("../../node_modules/.bin/buf", import.meta.url));

/** The reflection protocols `buf curl --reflect-protocol` knows. */
export type ReflectProtocol = "grpc-v1" | "grpc-v1alpha";

/**
 * `buf curl --protocol grpc --http2-prior-knowledge --reflect-protocol <p> <args...>`, with no
 * schema: everything comes from server reflection. Resolves with stdout; rejects with stderr
 * when buf fails. Killed after 20 s, so a hang cannot outlive the test.
 */
export function bufCurl(protocol: ReflectProtocol, args: readonly string[]): Promise<string> {
  const fullArgs = ["curl", "--protocol", "grpc", "--http2-prior-knowledge", "--reflect-protocol", protocol, ...args];
  return new Promise((resolve, reject) => {
    execFile(BUF, fullArgs, { timeout: 20_000 }, (error, stdout, stderr) =>
      error ? reject(new Error(`buf ${fullArgs.join(" ")} failed: ${stderr || error.message}`)) : resolve(stdout),
    );
  });
}

/** The non-empty lines of a command's output, sorted. */
export function sortedLines(output: string): string[] {
  return output
    .split("\n")
    .map((line) => line.trim())
    .filter((line) => line !== "")
    .sort();
}
