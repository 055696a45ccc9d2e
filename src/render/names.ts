/** Identifier and file naming for the generated package. */

/** `RouteGuide` -> `route-guide`, `HTTPServer` -> `http-server`. */
export function kebabCase(name: string): string {
  return splitWords(name).join("-");
}

/** `route_guide` or `RouteGuide` -> `routeGuide`. */
export function camelCase(name: string): string {
  const [first = "", ...rest] = splitWords(name);
  return first + rest.map(capitalize).join("");
}

/** `route_guide` -> `RouteGuide`. */
export function pascalCase(name: string): string {
  return splitWords(name).map(capitalize).join("");
}

function capitalize(word: string): string {
  return word.charAt(0).toUpperCase() + word.slice(1);
}

/** Lower-case words of an identifier, split at `_`, `.`, `-` and case changes. */
function splitWords(name: string): string[] {
  return name
    .replace(/([a-z0-9])([A-Z])/g, "$1 $2")
    .replace(/([A-Z]+)([A-Z][a-z])/g, "$1 $2")
    .split(/[\s_.-]+/)
    .filter((word) => word !== "")
    .map((word) => word.toLowerCase());
}

/**
 * The base of every name derived from a service: `ProductService` -> `Product`, so the interface
 * is `ProductService`, not `ProductServiceService`. A service called just `Service` keeps its name.
 */
export function serviceBaseName(serviceName: string): string {
  const stripped = serviceName.replace(/Service$/, "");
  return stripped === "" ? serviceName : stripped;
}

/** The npm package name derived from a proto package: `ecommerce.product.v1` -> `ecommerce-product-v1`. */
export function packageNameFromProto(protoPackage: string): string {
  const name = protoPackage
    .split(".")
    .map((part) => kebabCase(part))
    .filter((part) => part !== "")
    .join("-");
  return name === "" ? "service" : name;
}
