import { describe, expect, it } from "vitest";
import { buildApiModel } from "../../src/model/build.js";
import { GenerationError } from "../../src/model/errors.js";
import type { MethodModel, ServiceModel } from "../../src/model/types.js";
import { compileFixture } from "./compile.js";

const library = compileFixture("library.proto");
const model = buildApiModel(library, ["library.proto"], []);
const [pkg] = model.packages;
const service = (name: string): ServiceModel => pkg!.services.find((s) => s.name === name)!;
const method = (name: string): MethodModel => service("Library").methods.find((m) => m.name === name)!;

describe("buildApiModel: services and methods", () => {
  it("groups the services of a package", () => {
    expect(model.packages).toHaveLength(1);
    expect(pkg!.protoPackage).toBe("test.library.v1");
    expect(pkg!.files).toEqual(["library.proto"]);
    expect(pkg!.services.map((s) => s.typeName)).toEqual(["test.library.v1.Library", "test.library.v1.Admin"]);
    expect(model.warnings).toEqual([]);
  });

  it("describes a service", () => {
    const lib = service("Library");
    expect(lib).toMatchObject({ name: "Library", typeName: "test.library.v1.Library", file: "library.proto", deprecated: false });
    expect(lib.location).toEqual({ file: "library.proto", line: 51, column: 1 });
    expect(lib.desc.typeName).toBe("test.library.v1.Library");
    expect(service("Admin").deprecated).toBe(true);
    expect(lib.methods.map((m) => m.name)).toEqual([
      "GetBook", "CreateBook", "ListBooks", "ServeFiles", "RunAction", "CatchAll", "Delete", "Batch", "WatchBooks", "UploadBooks", "Chat",
    ]);
  });

  it("names methods as protobuf-es does and gives their gRPC path", () => {
    const get = method("GetBook");
    expect(get).toMatchObject({ name: "GetBook", localName: "getBook", path: "/test.library.v1.Library/GetBook" });
    expect(get.localName).toBe(get.desc.localName);
    // "delete" is a reserved word: protobuf-es decides how it is spelled, the model follows.
    expect(method("Delete").localName).toBe(method("Delete").desc.localName);
  });

  it("reads the four streaming kinds", () => {
    expect(method("GetBook").kind).toBe("unary");
    expect(method("WatchBooks").kind).toBe("server_streaming");
    expect(method("UploadBooks").kind).toBe("client_streaming");
    expect(method("Chat").kind).toBe("bidi_streaming");
  });

  it("references input and output messages with their files", () => {
    expect(method("GetBook").input).toMatchObject({ typeName: "test.library.v1.GetBookRequest", file: "library.proto" });
    expect(method("ListBooks").input).toMatchObject({ typeName: "google.protobuf.Empty", file: "google/protobuf/empty.proto" });
    expect(method("ListBooks").output.desc.typeName).toBe("test.library.v1.ListBooksResponse");
  });

  it("reads deprecation and idempotency", () => {
    expect(method("Delete").deprecated).toBe(true);
    expect(method("Chat").deprecated).toBe(true);
    expect(method("GetBook").deprecated).toBe(false);
    expect(method("GetBook").idempotency).toBe("no_side_effects");
    expect(method("CreateBook").idempotency).toBe("idempotent");
    expect(method("ListBooks").idempotency).toBe("unknown");
  });

  it("locates methods, 1-based", () => {
    expect(method("GetBook").location).toEqual({ file: "library.proto", line: 60, column: 3 });
    expect(method("WatchBooks").location).toEqual({ file: "library.proto", line: 118, column: 3 });
  });
});

describe("buildApiModel: comments", () => {
  it("strips one leading space per line and keeps blank lines and deeper indentation", () => {
    expect(service("Library").comments).toEqual({
      leading: "The library.\n\n  Indented sample line.",
      trailing: "",
      leadingDetached: ["Detached comment."],
    });
  });

  it("reads leading and trailing comments of methods", () => {
    expect(method("GetBook").comments).toEqual({ leading: "Gets a book.", trailing: "", leadingDetached: [] });
    expect(method("WatchBooks").comments.trailing).toBe("Trailing comment.");
    expect(method("Batch").comments).toEqual({ leading: "", trailing: "", leadingDetached: [] });
  });
});

describe("buildApiModel: files, packages and the service filter", () => {
  const files = ["multi/zeta.proto", "multi/alpha.proto", "multi/alpha0.proto"];
  const multi = compileFixture(files);
  const names = (filter: string[], only = files) =>
    buildApiModel(multi, only, filter).packages.map((p) => [p.protoPackage, p.services.map((s) => s.name), p.files]);

  it("sorts packages by name, services by file then declaration, whatever the input order", () => {
    const expected = [
      ["test.alpha", ["Second", "First", "Zulu"], ["multi/alpha.proto", "multi/alpha0.proto"]],
      ["test.zeta", ["Zulu", "Yankee"], ["multi/zeta.proto"]],
    ];
    expect(names([])).toEqual(expected);
    expect(names([], [...files].reverse())).toEqual(expected);
  });

  it("does not generate the services of imported files", () => {
    const all = buildApiModel(multi, files, []).packages.flatMap((p) => p.services.map((s) => s.typeName));
    expect(all).not.toContain("test.dep.Imported");
    expect(buildApiModel(multi, [...files, "multi/dep.proto"], []).packages.map((p) => p.protoPackage)).toContain("test.dep");
  });

  it("selects services by simple or fully qualified name", () => {
    expect(names(["Zulu"])).toEqual([
      ["test.alpha", ["Zulu"], ["multi/alpha0.proto"]],
      ["test.zeta", ["Zulu"], ["multi/zeta.proto"]],
    ]);
    expect(names(["test.zeta.Zulu", ".test.alpha.First"])).toEqual([
      ["test.alpha", ["First"], ["multi/alpha0.proto"]],
      ["test.zeta", ["Zulu"], ["multi/zeta.proto"]],
    ]);
  });

  it("rejects a name that matches no service in the files to generate", () => {
    expect(() => buildApiModel(multi, files, ["Nope"])).toThrow(GenerationError);
    expect(() => buildApiModel(multi, files, ["Imported"])).toThrow(
      'unknown service "Imported": the files to generate declare test.alpha.Second, test.alpha.First, test.alpha.Zulu, test.zeta.Zulu, test.zeta.Yankee',
    );
    expect(() => buildApiModel(multi, files, ["test.alpha.Yankee"])).toThrow('unknown service "test.alpha.Yankee"');
  });

  it("rejects a file to generate that is not in the descriptor set", () => {
    expect(() => buildApiModel(multi, ["missing.proto"], [])).toThrow('file to generate "missing.proto" is not in the descriptor set');
  });

  it("returns no packages for files without services", () => {
    expect(buildApiModel(compileFixture("multi/dep.proto"), [], [])).toEqual({ packages: [], warnings: [] });
  });
});
