/**
 * The same model from protoc's output, which records option locations less precisely than buf
 * (at the option statement, not the fields inside it).
 */
import { describe, expect, it } from "vitest";
import { buildApiModel } from "../../src/model/build.js";
import type { ApiModel } from "../../src/model/types.js";
import { compileFixture, compileWithProtoc, fixtureIncludes, hasProtoc } from "./compile.js";
import { formattedError } from "./formatted-error.js";
import { corpusDir } from "../support/corpus.js";

/** The model as plain data, without descriptors and binding locations. */
function withoutBindingLocations(model: ApiModel): unknown {
  for (const method of model.packages.flatMap((pkg) => pkg.services.flatMap((service) => service.methods))) {
    method.http = method.http.map((binding) => ({ ...binding, location: undefined }));
  }
  return JSON.parse(JSON.stringify(model, (key, value) => (key === "desc" ? undefined : value)));
}

// CI installs protoc (scripts/test-all.sh); a machine without it fails here rather than skipping
// silently. GEN_SVC_SKIP_PROTOC=1 skips on purpose.
describe.skipIf(process.env.GEN_SVC_SKIP_PROTOC === "1")("with protoc", () => {
  it("has protoc installed (apt-get install protobuf-compiler)", () => {
    expect(hasProtoc).toBe(true);
  });

  const fromProtoc = (file: string) => buildApiModel(compileWithProtoc(fixtureIncludes, file), [file], []);

  it("gives the same model as buf, up to where bindings are located", () => {
    const protoc = fromProtoc("library.proto");
    const buf = buildApiModel(compileFixture("library.proto"), ["library.proto"], []);
    const getBook = protoc.packages[0]!.services[0]!.methods[0]!;
    // protoc locates every binding of a rule at its `option` statement.
    expect(getBook.http.map((binding) => binding.location)).toEqual(Array(3).fill({ file: "library.proto", line: 62, column: 5 }));
    expect(withoutBindingLocations(protoc)).toEqual(withoutBindingLocations(buf));
  });

  it("reports an option error at the option statement", () => {
    const registry = compileWithProtoc(fixtureIncludes, "policy_errors.proto");
    expect(formattedError(() => buildApiModel(registry, ["policy_errors.proto"], ["ZeroAttempts"]))).toBe(
      "policy_errors.proto:12:5: gensvc.options.v1.method.retry.max_attempts must be between 1 and 10, got 0",
    );
  });

  it("models unittest_custom_options.proto, the corpus entry buf rejects", () => {
    const corpus = corpusDir();
    const file = "google/protobuf/unittest_custom_options.proto";
    const model = buildApiModel(compileWithProtoc([corpus], file), [file], []);
    const services = model.packages.flatMap((pkg) => pkg.services);
    expect(services.map((service) => service.typeName)).toEqual(["protobuf_unittest.TestServiceWithCustomOptions", "protobuf_unittest.AggregateService"]);
    expect(services.flatMap((service) => service.methods.map((method) => method.kind))).toEqual(["unary", "unary"]);
  });
});
