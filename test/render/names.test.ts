import { describe, expect, test } from "vitest";
import { camelCase, kebabCase, packageNameFromProto, pascalCase, serviceBaseName } from "../../src/render/names.js";
import { jsDoc } from "../../src/render/jsdoc.js";

describe("names", () => {
  test("case conversions split at underscores, dots and case changes", () => {
    expect(kebabCase("RouteGuide")).toBe("route-guide");
    expect(kebabCase("HTTPServer")).toBe("http-server");
    expect(camelCase("route_guide")).toBe("routeGuide");
    expect(pascalCase("bigtable_table_admin")).toBe("BigtableTableAdmin");
  });

  test("service base names drop a trailing Service, except for a service called Service", () => {
    expect(serviceBaseName("ProductService")).toBe("Product");
    expect(serviceBaseName("Greeter")).toBe("Greeter");
    expect(serviceBaseName("Service")).toBe("Service");
  });

  test("npm package names come from the proto package", () => {
    expect(packageNameFromProto("ecommerce.product.v1")).toBe("ecommerce-product-v1");
    expect(packageNameFromProto("grpc.testing")).toBe("grpc-testing");
    expect(packageNameFromProto("")).toBe("service");
  });
});

describe("jsDoc", () => {
  test("turns proto comments into an indented block and escapes the comment end", () => {
    const comments = { leading: "Says hello.\n\nEnds a */ comment.\n", trailing: "", leadingDetached: [] };
    expect(jsDoc(comments, { deprecated: true }, 2)).toBe(
      "  /**\n   * Says hello.\n   *\n   * Ends a *\\/ comment.\n   *\n   * @deprecated\n   */\n",
    );
  });

  test("is empty when there is nothing to say", () => {
    expect(jsDoc({ leading: "", trailing: "", leadingDetached: [] })).toBe("");
  });
});
