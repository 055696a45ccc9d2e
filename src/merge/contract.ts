/**
 * What a freshly generated handler file says about the contract: the handler class and the
 * interface it implements, its methods in contract order (one per RPC) with their signatures and
 * stub text, and the imports those need. Read from the generated text itself, so the merge needs
 * nothing from the generator but the file it would have written.
 */
import { importBindings, lineStart, memberName, parseSource, topLevelClasses, implementedNames, ts, type ImportBinding } from "./source.js";

/** One RPC's method in the generated handler. */
export interface ContractMethod {
  name: string;
  declaration: ts.MethodDeclaration;
  /** The first parameter's type (the request or request stream). */
  paramType: ts.TypeNode | undefined;
  returnType: ts.TypeNode | undefined;
  /** The whole stub with its JSDoc, as generated (each line with the generated indentation). */
  text: string;
  /** The generated indentation of the stub's first line. */
  indent: string;
}

/** The generated handler file, understood. */
export interface HandlerContract {
  file: ts.SourceFile;
  className: string;
  interfaceName: string;
  methods: ContractMethod[];
  imports: Map<string, ImportBinding>;
}

/** Reads a generated handler file; throws when it is not one (a bug in the template, not user input). */
export function readContract(generated: string): HandlerContract {
  const file = parseSource(generated, "generated-handler.ts");
  const cls = topLevelClasses(file).find((c) => c.name !== undefined && implementedNames(c).length === 1);
  if (cls?.name === undefined) throw new Error("the generated handler file has no class implementing the service interface");
  const methods: ContractMethod[] = [];
  for (const member of cls.members) {
    const name = memberName(member);
    if (!ts.isMethodDeclaration(member) || name === undefined) continue;
    const start = lineStart(generated, member.getStart(file, true));
    methods.push({
      name,
      declaration: member,
      paramType: member.parameters[0]?.type,
      returnType: member.type,
      text: generated.slice(start, member.end),
      indent: generated.slice(start, member.getStart(file, true)),
    });
  }
  return { file, className: cls.name.text, interfaceName: implementedNames(cls)[0]!, methods, imports: importBindings(file) };
}

/**
 * The method names of an interface in a generated `service.ts`: the RPCs a handler was last
 * generated against, when nothing else recorded them. `undefined` when the text has no such interface.
 */
export function interfaceMethodNames(serviceText: string, interfaceName: string): string[] | undefined {
  const file = parseSource(serviceText, "service.ts");
  const declaration = file.statements.find((s): s is ts.InterfaceDeclaration => ts.isInterfaceDeclaration(s) && s.name.text === interfaceName);
  if (declaration === undefined) return undefined;
  return declaration.members.flatMap((member) => {
    const name = member.name;
    return name !== undefined && (ts.isIdentifier(name) || ts.isStringLiteral(name)) ? [name.text] : [];
  });
}

/**
 * The imported names that a piece of the generated file refers to (types, schemas, `Code`,
 * `ServiceError`), in order of first use; property names and declared names are not references.
 */
export function referencedImports(node: ts.Node, imports: ReadonlyMap<string, ImportBinding>): ImportBinding[] {
  const found = new Map<string, ImportBinding>();
  const visit = (current: ts.Node): void => {
    if (ts.isIdentifier(current) && isReference(current)) {
      const binding = imports.get(current.text);
      if (binding !== undefined && !found.has(binding.local)) found.set(binding.local, binding);
    }
    current.forEachChild(visit);
  };
  visit(node);
  return [...found.values()];
}

function isReference(id: ts.Identifier): boolean {
  const parent = id.parent;
  if (ts.isPropertyAccessExpression(parent) && parent.name === id) return false;
  if (ts.isQualifiedName(parent) && parent.right === id) return false;
  if ((ts.isMethodDeclaration(parent) || ts.isParameter(parent) || ts.isPropertyAssignment(parent)) && parent.name === id) return false;
  return true;
}
