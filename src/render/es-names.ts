/**
 * The identifiers protoc-gen-es gives to the code it generates, so our files import exactly what
 * it exports (it renames on clashes, e.g. a message called `FooSchema`). protoplugin computes them
 * in a module it does not export, so we load that module by path from the installed package.
 */
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import type { DescMessage, DescService } from "@bufbuild/protobuf";
import { wktPublicImportPaths } from "@bufbuild/protobuf/codegenv2";

interface ProtopluginNames {
  generatedDescName(desc: DescMessage | DescService): string;
  generatedShapeName(desc: DescMessage): string;
}

const require = createRequire(import.meta.url);
const names = require(join(dirname(require.resolve("@bufbuild/protoplugin")), "names.js")) as ProtopluginNames;

/** The exported type name of a message, e.g. `HelloRequest` or `Outer_Inner`. */
export function messageTypeName(desc: DescMessage): string {
  return names.generatedShapeName(desc);
}

/** The exported schema constant of a message, e.g. `HelloRequestSchema`. */
export function messageSchemaName(desc: DescMessage): string {
  return names.generatedDescName(desc);
}

/** The exported descriptor constant of a service, e.g. `Greeter`. */
export function serviceDescName(desc: DescService): string {
  return names.generatedDescName(desc);
}

/**
 * Where the code of a proto file lives: a bare module path for the well-known types that ship with
 * `@bufbuild/protobuf`, otherwise the path of its generated `_pb.ts` file (without extension)
 * relative to the messages directory.
 */
export function messageModule(protoFile: string): { external: string } | { local: string } {
  const external = wktPublicImportPaths[protoFile];
  return external !== undefined ? { external } : { local: protoFile.replace(/\.proto$/, "_pb") };
}

/** True for proto files whose code ships with `@bufbuild/protobuf` (not generated). */
export function isBundledWithRuntime(protoFile: string): boolean {
  return wktPublicImportPaths[protoFile] !== undefined;
}
