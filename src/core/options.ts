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
export const optionKeys = ["service", "package_name", "runtime", "messages"] as const;

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
  const options: GenerateOptions = { services: [], packageName: undefined, runtimeDependency: defaultRuntime, messages: "protobuf-es" };
  for (const [key, value] of pairs) applyOption(options, key.replaceAll("-", "_"), value);
  return options;
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
    default:
      throw new OptionError(key, `unknown option (known: ${optionKeys.join(", ")})`);
  }
}

function requireValue(key: string, value: string): string {
  if (value === "") throw new OptionError(key, "needs a value");
  return value;
}

function validPackageName(name: string): string {
  if (!/^(@[a-z0-9][a-z0-9._~-]*\/)?[a-z0-9][a-z0-9._~-]*$/.test(name) || name.length > 214) {
    throw new OptionError("package_name", `"${name}" is not a valid npm package name`);
  }
  return name;
}
