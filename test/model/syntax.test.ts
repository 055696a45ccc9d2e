import { Edition } from "@bufbuild/protobuf/wkt";
import { describe, expect, it } from "vitest";
import { buildApiModel } from "../../src/model/build.js";
import { compileFixture } from "./compile.js";

describe("proto2 and edition 2023 files", () => {
  it("models a proto2 service with groups, extensions, options and HTTP rules", () => {
    const model = buildApiModel(compileFixture("legacy.proto"), ["legacy.proto"], []);
    const [service] = model.packages[0]!.services;
    expect(service!.desc.file.edition).toBe(Edition.EDITION_PROTO2);
    expect(service!.comments.leading).toBe("Items, the old way.");
    const [get, stream] = service!.methods;
    expect(get).toMatchObject({ localName: "getItem", kind: "unary", policy: { timeoutMs: 2000, retry: { maxAttempts: 2 } } });
    expect(get!.http.map((b) => [b.method, b.pattern])).toEqual([["GET", "/items/{id}"]]);
    expect(stream!.kind).toBe("bidi_streaming");
    expect(stream!.policy.timeoutMs).toBe(2000);
  });

  it("models an edition 2023 service", () => {
    const model = buildApiModel(compileFixture("editions.proto"), ["editions.proto"], []);
    const [service] = model.packages[0]!.services;
    expect(service!.desc.file.edition).toBe(Edition.EDITION_2023);
    const [plot, trace] = service!.methods;
    expect(plot).toMatchObject({
      kind: "unary",
      idempotency: "idempotent",
      policy: { auth: { mode: "api_key", scopes: [], roles: ["plotter"] } },
      location: { file: "editions.proto", line: 29, column: 3 },
    });
    expect(plot!.http[0]).toMatchObject({ method: "POST", template: { verb: "plot" }, body: "label" });
    // A closed enum is a scalar leaf, fine in a path.
    expect(trace).toMatchObject({ kind: "server_streaming", http: [{ method: "GET", pattern: "/v1/points/{kind}/trace" }] });
  });
});
