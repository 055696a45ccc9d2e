import { describe, expect, it } from "vitest";
import { buildApiModel } from "../../src/model/build.js";
import { upperSnake } from "../../src/model/error-catalog.js";
import { compileFixture } from "./compile.js";
import { formattedError } from "./formatted-error.js";

const catalogsOf = (name: string) => {
  const file = `catalogs/${name}.proto`;
  return buildApiModel(compileFixture(file), [file], []).packages.flatMap((p) => p.errorCatalogs);
};

describe("error catalogs", () => {
  it("reads every catalog of the package, nested ones too, and skips plain enums", () => {
    const catalogs = catalogsOf("good");
    expect(catalogs.map((c) => [c.typeName, c.domain])).toEqual([
      ["test.catalogs.good.ShopError", "shop.example.com"],
      ["test.catalogs.good.Outer.BillingErrors", "billing.example.com"],
    ]);
    expect(catalogs[0]!.errors.map(({ location: _, ...error }) => error)).toEqual([
      { valueName: "SHOP_ERROR_OUT_OF_STOCK", reason: "OUT_OF_STOCK", code: "FAILED_PRECONDITION", message: "sold out", metadataKeys: ["sku", "maxItems"], comment: "Not enough stock." },
      { valueName: "SHOP_ERROR_CARD_DECLINED", reason: "CARD_DECLINED", code: "PERMISSION_DENIED", message: "card declined", metadataKeys: [], comment: "" },
    ]);
    // A value without the enum's prefix keeps its name, in upper snake case.
    expect(catalogs[1]!.errors.map((e) => [e.reason, e.code, e.message])).toEqual([["INVOICE_LOCKED", "ABORTED", "invoice locked"]]);
  });

  it("records each error's location", () => {
    expect(catalogsOf("good")[0]!.errors[0]!.location).toEqual({ file: "catalogs/good.proto", line: 17, column: 3 });
  });

  it.each([
    ["no_domain", 14, 48, 'gensvc.options.v1.error_catalog.domain must be set and have no whitespace, got ""'],
    ["bad_code", 16, 45, 'gensvc.options.v1.error.code must be a google.rpc.Code name other than OK (e.g. "NOT_FOUND"), got "GONE"'],
    ["ok_code", 16, 15, 'gensvc.options.v1.error.code must be a google.rpc.Code name other than OK (e.g. "NOT_FOUND"), got "OK"'],
    ["missing", 16, 3, 'E_FORGOTTEN needs (gensvc.options.v1.error) = { code: "..." }: every value of an error catalog except the zero one is an error'],
    ["stray", 15, 14, "gensvc.options.v1.error on E_LOST needs (gensvc.options.v1.error_catalog) on enum test.catalogs.stray.E"],
    ["zero", 15, 21, 'gensvc.options.v1.error is not allowed on the zero value E_UNSPECIFIED: it means "no error"'],
    ["bad_key", 16, 60, 'gensvc.options.v1.error.metadata_keys must be lowerCamelCase identifiers, got "not-ok"'],
    ["dup_key", 16, 60, 'gensvc.options.v1.error.metadata_keys lists "id" twice'],
    ["dup_reason", 22, 3, "test.catalogs.dup_reason.Second.SECOND_BUSY has the reason BUSY of test.catalogs.dup_reason.First.FIRST_BUSY: reasons (and the generated names) must be unique in a package"],
  ])("rejects %s at its location", (name, line, column, message) => {
    expect(formattedError(() => catalogsOf(name))).toBe(`catalogs/${name}.proto:${line}:${column}: ${message}`);
  });

  it("derives reasons in upper snake case", () => {
    expect(["InvoiceLocked", "HTTPTimeout", "ALREADY_DONE", "v2Failure"].map(upperSnake)).toEqual(["INVOICE_LOCKED", "HTTP_TIMEOUT", "ALREADY_DONE", "V2_FAILURE"]);
  });
});
