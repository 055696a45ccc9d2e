/**
 * Descriptors -> ApiModel: the entry point of the model. Pure: it reads the registry only.
 */
import type { DescFile, DescService, FileRegistry } from "@bufbuild/protobuf";
import { GenerationError } from "./errors.js";
import { errorCatalogsOf } from "./error-catalog.js";
import { dropShadowedBindings } from "./http-overlap.js";
import { buildService } from "./service.js";
import type { ApiModel, GenerationWarning, PackageModel } from "./types.js";
import { compareStrings } from "./order.js";

/**
 * Builds the model of the services declared in `filesToGenerate` (services of files they only
 * import are not generated), one PackageModel per proto package. Packages are sorted by name;
 * inside a package, services follow their files (sorted by name) and then declaration order,
 * so the result does not depend on the order files were given in.
 *
 * `serviceFilter` selects services by simple (`Greeter`) or fully qualified
 * (`helloworld.Greeter`) name; empty selects all. Throws GenerationError for a name that matches
 * no service, and for invalid HTTP rules or gen-svc options. HTTP bindings shadowed by an earlier
 * one of the same package are dropped with a warning (see http-overlap.ts).
 */
export function buildApiModel(registry: FileRegistry, filesToGenerate: string[], serviceFilter: string[]): ApiModel {
  const files = uniqueSorted(filesToGenerate).map((name) => requireFile(registry, name));
  const services = selectServices(
    files.flatMap((file) => file.services),
    serviceFilter,
  );
  const byPackage = new Map<string, DescService[]>();
  for (const service of services) {
    const pkg = service.file.proto.package;
    byPackage.set(pkg, [...(byPackage.get(pkg) ?? []), service]);
  }
  const warnings: GenerationWarning[] = [];
  const packages = uniqueSorted([...byPackage.keys()]).map((pkg) => buildPackage(pkg, byPackage.get(pkg) ?? [], warnings));
  return { packages, warnings };
}

function buildPackage(protoPackage: string, services: DescService[], warnings: GenerationWarning[]): PackageModel {
  const models = services.map(buildService);
  // One package is one HTTP server, so a route belongs to one binding across all its services.
  warnings.push(...dropShadowedBindings(models.flatMap((service) => service.methods)));
  return {
    protoPackage,
    services: models,
    files: uniqueSorted(models.map((service) => service.file)),
    clientServices: importedServices(protoPackage, services).map(buildService),
    errorCatalogs: errorCatalogsOf(protoPackage, services),
  };
}

/**
 * The services of other proto packages declared in files that the files of `services` import
 * directly (not transitively: a contract names what it depends on), by file name, then
 * declaration order.
 */
function importedServices(protoPackage: string, services: readonly DescService[]): DescService[] {
  const files = new Map<string, DescFile>();
  for (const service of services) {
    for (const dep of service.file.dependencies) {
      if (dep.proto.package !== protoPackage && dep.services.length > 0) files.set(dep.proto.name, dep);
    }
  }
  return uniqueSorted([...files.keys()]).flatMap((name) => files.get(name)!.services);
}

function requireFile(registry: FileRegistry, name: string): DescFile {
  const file = registry.getFile(name);
  if (!file) throw new GenerationError(`file to generate "${name}" is not in the descriptor set`);
  return file;
}

/** The services the filter names, in their original order; every name must match at least one. */
function selectServices(services: DescService[], filter: readonly string[]): DescService[] {
  if (filter.length === 0) return services;
  const wanted = filter.map((name) => name.replace(/^\./, ""));
  const matches = (service: DescService, name: string) => (name.includes(".") ? service.typeName === name : service.name === name);
  for (const name of wanted) {
    if (!services.some((service) => matches(service, name))) {
      const declared = services.map((service) => service.typeName).join(", ") || "none";
      throw new GenerationError(`unknown service "${name}": the files to generate declare ${declared}`);
    }
  }
  return services.filter((service) => wanted.some((name) => matches(service, name)));
}

function uniqueSorted(values: readonly string[]): string[] {
  return [...new Set(values)].sort(compareStrings);
}
