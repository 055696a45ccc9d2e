/**
 * Generator options, shared by the CLI flags and the protoc plugin parameter (`key=value,...`).
 * Parsed once; unknown keys and bad values are errors.
 */

/** Which message code backend to use. */
export type MessageBackend = "protobuf-es";

/** The parsed, validated options of one generation. */
export interface GenerateOptions {
  /** Only these services (simple or fully qualified names); empty means all. */
  services: string[];
  /** The npm package name; derived from the proto package when absent. */
  packageName: string | undefined;
  /** The version spec of the `gen-svc` dependency in the generated package.json. */
  runtimeDependency: string;
  messages: MessageBackend;
  /** The deployment files to generate and the values they carry. */
  deploy: DeployOptions;
}

/** The kinds of deployment files: a Dockerfile, a compose file, Kubernetes manifests. */
export const deployTargets = ["docker", "compose", "k8s"] as const;

/** One kind of deployment files. */
export type DeployTarget = (typeof deployTargets)[number];

/** What the deployment files (src/deploy/) need beyond the contract. */
export interface DeployOptions {
  /** Which files to write; all by default, none with `deploy=none`. */
  targets: DeployTarget[];
  /** The image name; the npm package name (without scope) when absent. */
  image: string | undefined;
  /** Prefix of the image reference (`ghcr.io/acme`); none by default. */
  imageRegistry: string | undefined;
  /** Pods of the Kubernetes Deployment (the autoscaler's minimum). */
  replicas: number;
  /** Kubernetes resource requests and limits (quantities as Kubernetes writes them). */
  cpuRequest: string;
  cpuLimit: string;
  memoryRequest: string;
  memoryLimit: string;
}

/** A bad option: printed as `invalid option "x": reason`. */
export class OptionError extends Error {
  override readonly name = "OptionError";
  constructor(
    readonly key: string,
    reason: string,
  ) {
    super(`invalid option "${key}": ${reason}`);
  }
}

/** The option keys, as CLI flags (`--service`) and plugin parameters (`service=`). */
export const optionKeys = [
  "service",
  "package_name",
  "runtime",
  "messages",
  "deploy",
  "image",
  "image_registry",
  "replicas",
  "cpu_request",
  "cpu_limit",
  "memory_request",
  "memory_limit",
] as const;

/** The deployment defaults: small requests, limits that leave room for bursts. */
export function defaultDeployOptions(): DeployOptions {
  return { targets: [...deployTargets], image: undefined, imageRegistry: undefined, replicas: 2, cpuRequest: "100m", cpuLimit: "1", memoryRequest: "128Mi", memoryLimit: "512Mi" };
}

/** Parses a protoc plugin parameter: `a=1,b=2` (a repeated key accumulates). */
export function splitPluginParameter(parameter: string): Array<[string, string]> {
  return parameter
    .split(",")
    .map((part) => part.trim())
    .filter((part) => part !== "")
    .map((part) => {
      const eq = part.indexOf("=");
      return eq < 0 ? [part, ""] : [part.slice(0, eq).trim(), part.slice(eq + 1).trim()];
    });
}

/** Builds options from key/value pairs, with `defaultRuntime` as the runtime dependency spec. */
export function parseOptions(pairs: ReadonlyArray<readonly [string, string]>, defaultRuntime: string): GenerateOptions {
  const options: GenerateOptions = { services: [], packageName: undefined, runtimeDependency: defaultRuntime, messages: "protobuf-es", deploy: defaultDeployOptions() };
  const targets: string[] = [];
  for (const [key, value] of pairs) {
    const normalized = key.replaceAll("-", "_");
    if (normalized === "deploy") targets.push(...requireValue(normalized, value).split(/[\s,;]+/).filter(Boolean));
    else applyOption(options, normalized, value);
  }
  if (targets.length > 0) options.deploy.targets = parseDeployTargets(targets);
  return options;
}

/**
 * `deploy` values (repeatable; each a list split on commas, semicolons or spaces; the plugin
 * parameter needs `;` or a repeated key since it splits on commas): `none`, or targets.
 */
function parseDeployTargets(values: readonly string[]): DeployTarget[] {
  if (values.includes("none")) {
    if (values.length > 1) throw new OptionError("deploy", `"none" cannot be combined with other targets`);
    return [];
  }
  for (const value of values) {
    if (!(deployTargets as readonly string[]).includes(value)) throw new OptionError("deploy", `unknown target "${value}" (known: ${deployTargets.join(", ")}, none)`);
  }
  return deployTargets.filter((target) => values.includes(target));
}

function applyOption(options: GenerateOptions, key: string, value: string): void {
  switch (key) {
    case "service":
      options.services.push(...requireValue(key, value).split(/[\s;]+/).filter(Boolean));
      return;
    case "package_name":
      options.packageName = validPackageName(requireValue(key, value));
      return;
    case "runtime":
      options.runtimeDependency = requireValue(key, value);
      return;
    case "messages":
      if (value !== "protobuf-es") throw new OptionError(key, `unknown message backend "${value}" (supported: protobuf-es)`);
      options.messages = value;
      return;
    case "image":
      options.deploy.image = matching(key, value, /^[a-z0-9]+([._-][a-z0-9]+)*(\/[a-z0-9]+([._-][a-z0-9]+)*)*$/, "an image name (lower-case letters, digits, . _ - and /)");
      return;
    case "image_registry":
      options.deploy.imageRegistry = matching(key, value, /^[a-zA-Z0-9.-]+(:[0-9]+)?(\/[a-z0-9._-]+)*$/, "a registry host with an optional path (ghcr.io/acme)");
      return;
    case "replicas":
      options.deploy.replicas = Number(matching(key, value, /^[1-9][0-9]{0,3}$/, "a whole number from 1 to 9999"));
      return;
    case "cpu_request":
    case "cpu_limit":
      options.deploy[key === "cpu_request" ? "cpuRequest" : "cpuLimit"] = matching(key, value, /^([0-9]+m|[0-9]+(\.[0-9]+)?)$/, "a CPU quantity (250m, 1, 1.5)");
      return;
    case "memory_request":
    case "memory_limit":
      options.deploy[key === "memory_request" ? "memoryRequest" : "memoryLimit"] = matching(key, value, /^[0-9]+(Ki|Mi|Gi|Ti|k|M|G|T)?$/, "a memory quantity (128Mi, 1Gi)");
      return;
    default:
      throw new OptionError(key, `unknown option (known: ${optionKeys.join(", ")})`);
  }
}

function requireValue(key: string, value: string): string {
  if (value === "") throw new OptionError(key, "needs a value");
  return value;
}

function matching(key: string, value: string, pattern: RegExp, what: string): string {
  if (!pattern.test(requireValue(key, value))) throw new OptionError(key, `"${value}" is not ${what}`);
  return value;
}

function validPackageName(name: string): string {
  if (!/^(@[a-z0-9][a-z0-9._~-]*\/)?[a-z0-9][a-z0-9._~-]*$/.test(name) || name.length > 214) {
    throw new OptionError("package_name", `"${name}" is not a valid npm package name`);
  }
  return name;
}
