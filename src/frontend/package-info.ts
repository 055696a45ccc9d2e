/**
 * Facts about the installed gen-svc package, found relative to this module. The module sits two
 * levels below the package root both as source (src/frontend) and as built code (dist/frontend),
 * so the same relative URLs work under vitest and from the published package.
 */
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";

/** gen-svc's version, from its package.json. */
export function ownVersion(): string {
  const pkg = JSON.parse(readFileSync(new URL("../../package.json", import.meta.url), "utf8")) as { version?: unknown };
  if (typeof pkg.version !== "string") throw new Error("gen-svc's package.json has no version");
  return pkg.version;
}

/** The default spec of the `gen-svc` runtime dependency in generated packages: `^<version>`. */
export function defaultRuntimeSpec(version: string): string {
  return `^${version}`;
}

/** The directory of the protos gen-svc bundles (google/api, google/rpc, gensvc options). */
export function bundledProtoDir(): string {
  return fileURLToPath(new URL("../../proto", import.meta.url));
}
