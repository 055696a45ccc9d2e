import { describe, expect, it } from "vitest";
import { ServiceError } from "../../src/runtime/errors.js";
import { HttpRouter } from "../../src/runtime/http/router.js";
import { annotatedRules, type HttpRuleSpec } from "../../src/runtime/http/rules.js";
import { decodeRequest, jsonRegistry } from "../../src/runtime/http/transcode.js";
import type { DescMethod } from "@bufbuild/protobuf";
import { compileContract, messageOf } from "./compile.js";

const files = compileContract();
const registry = jsonRegistry([messageOf(files, "Kitchen").file]);
const service = files.getService("httpcore.v1.Messaging")!;
const routes = service.methods.flatMap((method) => annotatedRules(method).map((rule) => ({ httpMethod: rule.method, pattern: rule.pattern, target: { method, rule } })));
const router = new HttpRouter<{ method: DescMethod; rule: HttpRuleSpec }>(routes);

/** A small deterministic PRNG (mulberry32), so a failure can be replayed. */
function prng(seed: number): () => number {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const pieces = ["v1", "v2", "messages", "users", "kitchen", "kitchens", "files", "raw", "%2F", "%", "%zz", "%FF", "%E2%82%AC", ":undelete", "", "a:b", "**", "{x}", "123", "é"];
const keys = ["i32", "i64", "u64", "flag", "color", "colors", "data", "at", "ttl", "mask", "meta", "counts", "child.name", "children.name", "choice_text", "choice_number", "w_bool", "sub.subfield", "revision", "name", "$x", "alt", "a..b", "", "__proto__", "child.child.child.at"];
const values = ["1", "-1", "x", "true", "NaN", "Infinity", "1e999", "99999999999999999999999", "RED", "2024-01-01T00:00:00Z", "1.5s", "a,b", "", "AQID", "-_8", "%", "null", "{}"];
const bodies = ["", "{", "{}", "null", "[]", '{"text":1}', '{"i32":"1"}', '{"choiceText":"a","choiceNumber":1}', '{"any":{"@type":"x"}}', '{"child":'.repeat(200) + "{}" + "}".repeat(200), '{"__proto__":{"x":1}}', '"str"', "\u0000\u0001"];
const types = [undefined, "application/json", "application/x-protobuf", "application/proto", "text/plain", "image/png", "application/json; charset=ascii", ""];

describe("random requests", () => {
  it("only ever throw ServiceErrors, never anything else", () => {
    const next = prng(4);
    const pick = <T>(list: readonly T[]): T => list[Math.floor(next() * list.length)]!;
    let found = 0;
    for (let i = 0; i < 3000; i++) {
      // Half the paths follow a binding's template, variables filled with random pieces.
      const path = next() < 0.5
        ? pick(routes).pattern.replace(/\{[^}]*\}/g, () => Array.from({ length: 1 + Math.floor(next() * 2) }, () => pick(pieces)).join("/"))
        : "/" + Array.from({ length: 1 + Math.floor(next() * 5) }, () => pick(pieces)).join("/");
      const query = new URLSearchParams(Array.from({ length: Math.floor(next() * 4) }, () => [pick(keys), pick(values)] as [string, string]));
      const body = next() < 0.3 ? new Uint8Array(Array.from({ length: Math.floor(next() * 20) }, () => Math.floor(next() * 256))) : new TextEncoder().encode(pick(bodies));
      try {
        const match = router.match(pick(["GET", "POST", "PATCH", "HEAD", "PUT"]), path);
        if (match.kind !== "found") continue;
        found++;
        decodeRequest(match.target.method, match.target.rule, { variables: match.variables, query, body, contentType: pick(types) }, registry);
      } catch (error) {
        if (!(error instanceof ServiceError)) throw new Error(`request ${i} (${path}?${query}) threw ${String(error)}`);
        expect(error.message).not.toMatch(/\n\s+at /);
      }
    }
    expect(found).toBeGreaterThan(100);
  });
});
