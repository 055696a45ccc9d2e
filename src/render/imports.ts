/** Collects the protobuf-es imports (messages, services) of one generated module and gives each a unique local name. */
import type { DescFile, DescMessage, DescService } from "@bufbuild/protobuf";
import { posix } from "node:path";
import { messageModule, messageSchemaName, messageTypeName, serviceDescName } from "./es-names.js";
import { compareStrings } from "../model/order.js";
import { pascalCase } from "./names.js";

interface Imported {
  exported: string;
  local: string;
  /** False once the name is used as a value somewhere in the module. */
  typeOnly: boolean;
}

/**
 * Message imports for a module at `moduleDir` (posix, relative to the package root); message code
 * lives under `messagesDir`. Names clashing with reserved ones or each other get an alias made
 * from the proto package.
 */
export class ModuleImports {
  readonly #byModule = new Map<string, Map<string, Imported>>();
  readonly #taken: Set<string>;

  constructor(
    private readonly moduleDir: string,
    private readonly messagesDir: string,
    reserved: Iterable<string> = [],
  ) {
    this.#taken = new Set(reserved);
  }

  /** The local name of a message's type. */
  type(desc: DescMessage): string {
    return this.#import(desc.file, messageTypeName(desc), true);
  }

  /** The local name of a message's schema constant. */
  schema(desc: DescMessage): string {
    return this.#import(desc.file, messageSchemaName(desc), true);
  }

  /** The local name of a message's schema constant, used as a value. */
  schemaValue(desc: DescMessage): string {
    return this.#import(desc.file, messageSchemaName(desc), false);
  }

  /** The local name of a service's protobuf-es descriptor constant. */
  service(desc: DescService): string {
    return this.#import(desc.file, serviceDescName(desc), false);
  }

  /** One import statement per source module, sorted by module path. */
  statements(): string[] {
    return [...this.#byModule.entries()].sort(([a], [b]) => compareStrings(a, b)).map(([from, names]) => statement(from, [...names.values()]));
  }

  #import(file: DescFile, exported: string, typeOnly: boolean): string {
    const from = this.#modulePath(file.proto.name);
    let names = this.#byModule.get(from);
    if (!names) this.#byModule.set(from, (names = new Map()));
    const existing = names.get(exported);
    if (existing) {
      existing.typeOnly &&= typeOnly;
      return existing.local;
    }
    const local = this.#uniqueName(exported, file.proto.package);
    names.set(exported, { exported, local, typeOnly });
    this.#taken.add(local);
    return local;
  }

  #uniqueName(exported: string, protoPackage: string): string {
    if (!this.#taken.has(exported)) return exported;
    const base = `${pascalCase(protoPackage)}_${exported}`;
    let candidate = base;
    for (let i = 2; this.#taken.has(candidate); i++) candidate = `${base}${i}`;
    return candidate;
  }

  #modulePath(protoFile: string): string {
    const target = messageModule(protoFile);
    if ("external" in target) return target.external;
    const relative = posix.relative(this.moduleDir, posix.join(this.messagesDir, target.local));
    return `${relative.startsWith(".") ? relative : `./${relative}`}.js`;
  }
}

/** `import type { A, B as C } from "x";`, or `import { A, type B } from "x";` when a value is used. */
function statement(from: string, names: Imported[]): string {
  const allTypes = names.every((n) => n.typeOnly);
  const specifiers = names
    .map((n) => ({ n, text: n.exported === n.local ? n.exported : `${n.exported} as ${n.local}` }))
    .sort((a, b) => compareStrings(a.text, b.text))
    .map(({ n, text }) => (!allTypes && n.typeOnly ? `type ${text}` : text));
  return `import ${allTypes ? "type " : ""}{ ${specifiers.join(", ")} } from "${from}";`;
}
