import { describe, expect, it } from "vitest";
import { optionKeys } from "../../src/core/options.js";
import { flagPairs, flagProperty, optionFlags } from "../../src/cli/flags.js";
import { manifestOptionPairs, pairsToManifestOptions, parseManifest, serializeManifest } from "../../src/cli/manifest.js";
import { isSafeRelativePath } from "../../src/cli/paths.js";

describe("option flags", () => {
  it("has one CLI flag per generator option key", () => {
    expect(optionFlags.map((flag) => flag.key).sort()).toEqual([...optionKeys].sort());
  });

  it("turns commander values into pairs in flag order", () => {
    expect(flagProperty("package_name")).toBe("packageName");
    expect(flagPairs({ service: ["A", "B"], packageName: "x", out: "ignored" })).toEqual([
      ["service", "A"],
      ["service", "B"],
      ["package_name", "x"],
    ]);
  });
});

describe("manifest", () => {
  it("round-trips options, with lists only for repeatable keys", () => {
    const pairs: Array<[string, string]> = [["service", "A"], ["runtime", "^1"], ["service", "B"]];
    const options = pairsToManifestOptions(pairs);
    expect(options).toEqual({ service: ["A", "B"], runtime: "^1" });
    const manifest = { generator: "gen-svc" as const, inputs: ["p"], includes: ["p"], options, files: ["b", "a"] };
    const text = serializeManifest(manifest);
    expect(text.endsWith("}\n")).toBe(true);
    expect(Object.keys(JSON.parse(text).options)).toEqual(["runtime", "service"]);
    expect(JSON.parse(text).files).toEqual(["a", "b"]);
    expect(manifestOptionPairs(parseManifest(text, "m"))).toEqual([["runtime", "^1"], ["service", "A"], ["service", "B"]]);
  });

  it("rejects what is not a manifest", () => {
    expect(() => parseManifest("{", "x/gen-svc.json")).toThrow(/^x\/gen-svc\.json: not valid JSON/);
    expect(() => parseManifest('{"generator":"other"}', "m")).toThrow('m: not a gen-svc manifest: "generator" must be "gen-svc"');
    expect(() => parseManifest('{"generator":"gen-svc","inputs":[],"includes":[],"options":{"a":1},"files":[]}', "m")).toThrow(/option "a"/);
  });

  it("accepts only relative paths that stay inside", () => {
    for (const ok of ["a", "a/b.ts", ".gitignore", "a/.b"]) expect(isSafeRelativePath(ok)).toBe(true);
    for (const bad of ["", "/a", "../a", "a/../b", "a//b", "./a", "a\\b", "a/"]) expect(isSafeRelativePath(bad)).toBe(false);
  });
});
