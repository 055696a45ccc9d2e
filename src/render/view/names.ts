/** The identifiers and paths derived from one service, shared by every file that mentions it. */
import type { ServiceModel } from "../../model/types.js";
import { camelCase, kebabCase, pascalCase, serviceBaseName } from "../names.js";

/** Every name the generated package uses for one service. */
export interface ServiceNames {
  /** `Greeter`: the base of the other names. */
  base: string;
  /** `greeter`: the folder under src/gen and the file name under src/handlers and test. */
  fileBase: string;
  /** `greeter`: the key of the handlers object. */
  key: string;
  interfaceName: string;
  handlerClass: string;
  clientClass: string;
  /** `GreeterHttpClient`: the typed HTTP/JSON client. */
  httpClientClass: string;
  endpointsInterface: string;
  makeEndpoints: string;
  registerGrpc: string;
  spec: string;
}

/**
 * Names for each service of a package. Services whose base names clash keep their full names;
 * names that still map to the same folder (`Foo_Bar` and `FooBar`) get a number, in declaration
 * order, so every service has its own files and identifiers.
 */
export function namesForServices(services: readonly ServiceModel[]): Map<ServiceModel, ServiceNames> {
  const baseCounts = new Map<string, number>();
  for (const s of services) baseCounts.set(baseOf(s.name), (baseCounts.get(baseOf(s.name)) ?? 0) + 1);
  const takenFolders = new Set<string>();
  return new Map(
    services.map((s) => {
      const wanted = (baseCounts.get(baseOf(s.name)) ?? 0) > 1 ? pascalCase(s.name) : baseOf(s.name);
      let base = wanted;
      for (let n = 2; takenFolders.has(kebabCase(base)); n++) base = `${wanted}${n}`;
      takenFolders.add(kebabCase(base));
      return [s, namesFor(base)];
    }),
  );
}

function baseOf(serviceName: string): string {
  return pascalCase(serviceBaseName(serviceName));
}

function namesFor(base: string): ServiceNames {
  return {
    base,
    fileBase: kebabCase(base),
    key: camelCase(base),
    interfaceName: `${base}Service`,
    handlerClass: `${base}Handler`,
    clientClass: `${base}Client`,
    httpClientClass: `${base}HttpClient`,
    endpointsInterface: `${base}Endpoints`,
    makeEndpoints: `make${base}Endpoints`,
    registerGrpc: `register${base}Grpc`,
    spec: `${camelCase(base)}Spec`,
  };
}
