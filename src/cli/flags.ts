/**
 * The generator options as CLI flags: one flag per key of `optionKeys` (src/core/options.ts),
 * named after the key with `-` for `_`. The CLI collects flag values as key/value pairs in the
 * plugin's form and lets `parseOptions` validate them, so both front ends share one parser.
 */
import { optionKeys } from "../core/options.js";

/** One generator option as the CLI shows it. */
export interface OptionFlag {
  key: (typeof optionKeys)[number];
  valueName: string;
  description: string;
  /** Given several times, all values count (and the manifest keeps a list). */
  repeatable: boolean;
}

/** The flags, in help order. A test checks that they cover `optionKeys` exactly. */
export const optionFlags: readonly OptionFlag[] = [
  { key: "service", valueName: "name", description: "generate only this service (simple or fully qualified name); repeatable", repeatable: true },
  { key: "package_name", valueName: "name", description: "npm package name (default: derived from the proto package)", repeatable: false },
  { key: "runtime", valueName: "spec", description: "version spec of the gen-svc runtime dependency (default: ^<gen-svc version>)", repeatable: false },
  { key: "messages", valueName: "backend", description: "message code backend (protobuf-es)", repeatable: false },
  { key: "deploy", valueName: "targets", description: "deployment files: docker,compose,k8s (default all) or none; repeatable", repeatable: true },
  { key: "image", valueName: "name", description: "container image name (default: the npm package name without scope)", repeatable: false },
  { key: "image_registry", valueName: "prefix", description: "image registry prefix, e.g. ghcr.io/acme (default: none)", repeatable: false },
  { key: "replicas", valueName: "count", description: "Kubernetes replicas, the autoscaler's minimum (default 2)", repeatable: false },
  { key: "cpu_request", valueName: "quantity", description: "Kubernetes CPU request (default 100m)", repeatable: false },
  { key: "cpu_limit", valueName: "quantity", description: "Kubernetes CPU limit (default 1)", repeatable: false },
  { key: "memory_request", valueName: "quantity", description: "Kubernetes memory request (default 128Mi)", repeatable: false },
  { key: "memory_limit", valueName: "quantity", description: "Kubernetes memory limit (default 512Mi)", repeatable: false },
];

/** `package_name` -> `package-name`: the flag's long name without dashes. */
export function flagName(key: string): string {
  return key.replaceAll("_", "-");
}

/** `package-name` -> `packageName`: the property commander stores a flag's values under. */
export function flagProperty(key: string): string {
  return key.replace(/_([a-z])/g, (_, letter: string) => letter.toUpperCase());
}

/** The option pairs of parsed flags (flag order, then value order), as `parseOptions` takes them. */
export function flagPairs(values: Readonly<Record<string, unknown>>): Array<[string, string]> {
  const pairs: Array<[string, string]> = [];
  for (const flag of optionFlags) {
    const value = values[flagProperty(flag.key)];
    for (const item of Array.isArray(value) ? value : value === undefined ? [] : [value]) pairs.push([flag.key, String(item)]);
  }
  return pairs;
}

/** Whether a key keeps all its values (see `OptionFlag.repeatable`). */
export function isRepeatable(key: string): boolean {
  return optionFlags.some((flag) => flag.key === key && flag.repeatable);
}
