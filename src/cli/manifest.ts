/**
 * `gen-svc.json`, written at the root of every output directory: how to regenerate it (inputs,
 * include directories and options, all paths relative to the manifest, posix) and which files
 * gen-svc owns there (the generated ones, not the user-owned ones), and the contract each handler
 * file was last merged against. It marks the directory as gen-svc's, lets `generate` delete files
 * it no longer produces and tell removed RPCs from user methods, and lets `check` regenerate.
 * Its bytes are deterministic: fixed key order, sorted option keys and files, 2-space JSON.
 */
import { isRepeatable } from "./flags.js";
import type { HandlerRecord } from "../frontend/handlers.js";
import { UserError } from "../frontend/errors.js";
import { compareStrings } from "../model/order.js";
import { isSafeRelativePath } from "./paths.js";

/** The manifest's file name. */
export const manifestName = "gen-svc.json";

/** The manifest's content. */
export interface Manifest {
  generator: "gen-svc";
  /** The file and directory arguments, relative to the manifest's directory. */
  inputs: string[];
  /** The include directories actually used (never the bundled one), relative likewise. */
  includes: string[];
  /** The option flags given: repeatable keys as lists, others as strings. */
  options: Record<string, string | string[]>;
  /** The generated (not user-owned) files, relative, sorted. */
  files: string[];
  /**
   * The handler files and the contract each was last generated or merged against (service full
   * name, RPC methods): how the next run tells a removed RPC from the user's own method. Absent
   * in manifests of older versions and when there are no handlers.
   */
  handlers?: HandlerRecord[];
}

/** The manifest's bytes, as text. */
export function serializeManifest(manifest: Manifest): string {
  const options = Object.fromEntries(Object.keys(manifest.options).sort(compareStrings).map((key) => [key, manifest.options[key]]));
  const ordered = {
    generator: manifest.generator,
    inputs: manifest.inputs,
    includes: manifest.includes,
    options,
    files: [...manifest.files].sort(compareStrings),
    ...(manifest.handlers && manifest.handlers.length > 0
      ? { handlers: [...manifest.handlers].sort((a, b) => compareStrings(a.path, b.path)).map((h) => ({ path: h.path, service: h.service, methods: h.methods })) }
      : {}),
  };
  return `${JSON.stringify(ordered, null, 2)}\n`;
}

/** Option pairs (`[key, value]`, as given) as the manifest records them. */
export function pairsToManifestOptions(pairs: ReadonlyArray<readonly [string, string]>): Record<string, string | string[]> {
  const options: Record<string, string | string[]> = {};
  for (const [key, value] of pairs) {
    const previous = options[key];
    if (!isRepeatable(key)) options[key] = value;
    else options[key] = Array.isArray(previous) ? [...previous, value] : [value];
  }
  return options;
}

/** The option pairs a manifest records, for `parseOptions`. */
export function manifestOptionPairs(manifest: Manifest): Array<[string, string]> {
  return Object.entries(manifest.options).flatMap(([key, value]) =>
    (Array.isArray(value) ? value : [value]).map((item): [string, string] => [key, item]),
  );
}

/** Parses and validates a manifest; `path` names it in error messages. */
export function parseManifest(text: string, path: string): Manifest {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new UserError(`${path}: not valid JSON: ${(error as Error).message}`);
  }
  const problem = manifestProblem(value);
  if (problem !== undefined) throw new UserError(`${path}: not a gen-svc manifest: ${problem}`);
  return value as Manifest;
}

function manifestProblem(value: unknown): string | undefined {
  if (typeof value !== "object" || value === null || Array.isArray(value)) return "expected a JSON object";
  const record = value as Record<string, unknown>;
  if (record.generator !== "gen-svc") return `"generator" must be "gen-svc"`;
  for (const key of ["inputs", "includes", "files"]) {
    if (!isStringList(record[key])) return `"${key}" must be a list of strings`;
  }
  const options = record.options;
  if (typeof options !== "object" || options === null || Array.isArray(options)) return `"options" must be an object`;
  for (const [key, item] of Object.entries(options)) {
    if (typeof item !== "string" && !isStringList(item)) return `option "${key}" must be a string or a list of strings`;
  }
  const unsafe = (record.files as string[]).find((file) => !isSafeRelativePath(file));
  if (unsafe !== undefined) return `"files" has a path outside the directory: ${unsafe}`;
  return record.handlers === undefined ? undefined : handlersProblem(record.handlers);
}

function handlersProblem(handlers: unknown): string | undefined {
  if (!Array.isArray(handlers)) return `"handlers" must be a list`;
  for (const item of handlers as unknown[]) {
    const handler = item as Record<string, unknown> | null;
    if (typeof handler !== "object" || handler === null || typeof handler.path !== "string" || typeof handler.service !== "string" || !isStringList(handler.methods)) {
      return `each of "handlers" must have a "path", a "service" and a list of "methods"`;
    }
    if (!isSafeRelativePath(handler.path)) return `"handlers" has a path outside the directory: ${handler.path}`;
  }
  return undefined;
}

function isStringList(value: unknown): value is string[] {
  return Array.isArray(value) && value.every((item) => typeof item === "string");
}
