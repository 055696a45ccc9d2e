/**
 * The `POLICIES` setting (see config.ts): run-time overrides of the contract's policies, as inline
 * JSON or the path of a JSON file, checked field by field when the settings load.
 */
import { readFileSync } from "node:fs";
import { ConfigError } from "./config-error.js";
import type { SettingDescription } from "./config.js";
import type { PolicyOverrides } from "./policy/overrides.js";

/** The settings row of `POLICIES`. */
export const POLICY_SETTINGS: [SettingDescription<"policies">] = [
  {
    name: "policies",
    env: "POLICIES",
    flag: "--policies",
    default: "",
    description:
      'Overrides of the contract\'s policies: JSON (or a JSON file\'s path) keyed by pkg.Service or pkg.Service/Method, e.g. {"shop.v1.Orders/List": {"rateLimit": {"requestsPerSecond": 50}}}; null removes a part.',
    parse: (raw, source) => {
      readPolicyOverrides(raw, source);
      return raw.trim();
    },
  },
];

type Check = (value: unknown) => string | undefined;

const positive: Check = (v) => (typeof v === "number" && v > 0 && Number.isFinite(v) ? undefined : "a positive number");
const count = (min: number, max = 2 ** 31 - 1): Check => (v) => (Number.isInteger(v) && (v as number) >= min && (v as number) <= max ? undefined : `an integer from ${min} to ${max}`);
const ratio: Check = (v) => (typeof v === "number" && v > 0 && v <= 1 ? undefined : "a number in (0, 1]");
const words: Check = (v) => (Array.isArray(v) && v.every((w) => typeof w === "string" && /^\S+$/.test(w)) ? undefined : "a list of words");
const codeNames: Check = (v) => (Array.isArray(v) && v.every((c) => typeof c === "string" && /^[A-Z_]+$/.test(c) && c !== "OK") ? undefined : 'a list of code names like "UNAVAILABLE"');
const metadataKey: Check = (v) => (typeof v === "string" && /^[0-9a-z_.-]*$/.test(v) ? undefined : "a lower-case metadata key");
const mode: Check = (v) => (v === "none" || v === "jwt" || v === "api_key" || v === "mtls" ? undefined : 'one of "none", "jwt", "api_key", "mtls"');
// A nested object's problem comes back marked, so that its path is spelled out.
const NESTED = "\u0000";
const budget: Check = (v) => {
  const bad = checkObject(v, { maxTokens: count(1, 1000), tokenRatio: positive });
  return bad && NESTED + bad;
};

/** What each part of a policy may hold. */
const parts: Record<string, Record<string, Check>> = {
  retry: { maxAttempts: count(1, 10), initialBackoffMs: positive, maxBackoffMs: positive, backoffMultiplier: positive, retryableCodes: codeNames, budget },
  rateLimit: { requestsPerSecond: positive, burst: count(1), keyMetadata: metadataKey },
  circuitBreaker: { failureRatio: ratio, consecutiveFailures: count(1), minimumCalls: count(1), openDurationMs: positive, halfOpenProbes: count(1), windowMs: positive },
  concurrencyLimit: { maxConcurrent: count(1), maxQueue: count(0) },
  auth: { mode, scopes: words, roles: words },
};

/**
 * The overrides `POLICIES` holds: inline JSON when it starts with `{` (or `[`, refused), else a file's path; ""
 * means none. Throws {@link ConfigError} naming the bad field.
 */
export function readPolicyOverrides(raw: string, source = "POLICIES"): PolicyOverrides {
  const text = raw.trim();
  if (text === "") return {};
  let json: unknown;
  try {
    json = JSON.parse(/^[[{]/.test(text) ? text : readFileSync(text, "utf8"));
  } catch (error) {
    throw new ConfigError(`${source}: cannot read policy overrides: ${error instanceof Error ? error.message : String(error)}`);
  }
  if (typeof json !== "object" || json === null || Array.isArray(json)) throw new ConfigError(`${source}: must be a JSON object keyed by pkg.Service or pkg.Service/Method`);
  for (const [target, policy] of Object.entries(json)) {
    if (!/^[A-Za-z_][\w.]*(\/[A-Za-z_]\w*)?$/.test(target)) throw new ConfigError(`${source}: "${target}" is not pkg.Service or pkg.Service/Method`);
    const problem = checkPolicy(policy);
    if (problem) throw new ConfigError(`${source}: ${target}.${problem}`);
  }
  return json as PolicyOverrides;
}

function checkPolicy(policy: unknown): string | undefined {
  if (typeof policy !== "object" || policy === null || Array.isArray(policy)) return " must be an object";
  for (const [part, value] of Object.entries(policy)) {
    if (value === null) continue;
    if (part === "timeoutMs") {
      const bad = count(1)(value);
      if (bad) return `timeoutMs must be ${bad}`;
      continue;
    }
    const fields = parts[part];
    if (!fields) return `${part} is not a policy part (timeoutMs, ${Object.keys(parts).join(", ")})`;
    const bad = checkObject(value, fields);
    if (bad) return `${part}.${bad}`;
  }
  return undefined;
}

function checkObject(value: unknown, fields: Record<string, Check>): string | undefined {
  if (typeof value !== "object" || value === null || Array.isArray(value)) return " must be an object";
  for (const [key, field] of Object.entries(value)) {
    const check = fields[key];
    if (!check) return `${key} is unknown (known: ${Object.keys(fields).join(", ")})`;
    const bad = check(field);
    if (bad?.startsWith(NESTED)) return `${key}${bad.startsWith(" ", 1) ? "" : "."}${bad.slice(1)}`;
    if (bad) return `${key} must be ${bad}, got ${JSON.stringify(field)}`;
  }
  return undefined;
}
