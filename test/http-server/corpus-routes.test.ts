/**
 * The HTTP transport over the real-world corpus: for every entry with `google.api.http` rules,
 * the router compiles from all its services' bindings (plus the default routes), and a request
 * built from each binding's template reaches that very method, or, where the contract's own
 * bindings overlap (BigQuery Storage), an earlier-declared one for the same requests.
 */
import { existsSync, readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import type { DescService } from "@bufbuild/protobuf";
import { methodSpec, type ServiceSpec } from "../../src/runtime/index.js";
import { parsePathTemplate, type PathSegment } from "../../src/runtime/http/path-template.js";
import { HttpRouter } from "../../src/runtime/http/router.js";
import { callRoutes, type CallRoute } from "../../src/runtime/http/routes.js";
import { compileModule } from "../model/compile.js";
import { corpusDir } from "../support/corpus.js";

const corpus = corpusDir();
const entries = existsSync(`${corpus}/ENTRIES.txt`)
  ? readFileSync(`${corpus}/ENTRIES.txt`, "utf8")
      .split("\n")
      .filter((line) => line.includes("buf=ok") && /google\.api\.http: yes/.test(line))
      .map((line) => line.split("#")[0]!.trim())
  : [];

function specOf(service: DescService): ServiceSpec {
  return { typeName: service.typeName, methods: Object.fromEntries(service.methods.map((m) => [m.localName, methodSpec(service.typeName, m)])), file: service.file };
}

/** A concrete path the segments match: `*` -> one segment, `**` -> two. */
function samplePath(segments: readonly PathSegment[]): string[] {
  return segments.flatMap((segment) => {
    switch (segment.kind) {
      case "literal":
        return [segment.value];
      case "wildcard":
        return ["w1"];
      case "deep_wildcard":
        return ["d1", "d2"];
      case "variable":
        return samplePath(segment.segments);
    }
  });
}

describe("corpus routes", () => {
  it("covers the corpus entries that use google.api.http", () => {
    expect(entries.length).toBeGreaterThanOrEqual(39);
  });

  it.each(entries)("%s", (file) => {
    const registry = compileModule(corpus, file);
    const services = [...registry].filter((t): t is DescService => t.kind === "service" && t.file.name === file.replace(/\.proto$/, ""));
    const routes = callRoutes(
      services.map((s) => ({ spec: specOf(s), endpoints: {} })),
      true,
    );
    const router = new HttpRouter<CallRoute>(routes);
    let reachedItself = 0;
    for (const route of routes) {
      const template = parsePathTemplate(route.pattern);
      const path = "/" + samplePath(template.segments).join("/") + (template.verb === undefined ? "" : ":" + template.verb);
      const method = route.httpMethod === "*" ? "POST" : route.httpMethod;
      const match = router.match(method, path);
      expect(match.kind, `${method} ${path}`).toBe("found");
      if (match.kind === "found" && match.target.method === route.target.method) reachedItself++;
    }
    // Only overlapping bindings (warned about at generation time) may lead elsewhere.
    expect(reachedItself).toBeGreaterThanOrEqual(routes.length - 5);
  });
});
