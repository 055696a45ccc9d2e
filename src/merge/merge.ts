/**
 * Merging a freshly generated handler file into the user's handler file: text in, text and a
 * report out, no file system. Only what the contract decides changes, by minimal edits:
 * - a new RPC gets the generated stub in the user's class, plus the imports it needs;
 * - an RPC whose request or response changed gets the new parameter and return annotations; the
 *   body stays;
 * - a method whose RPC is gone is marked `@deprecated` (never deleted), the mark goes when the RPC
 *   comes back;
 * everything else stays byte for byte, and merging an up-to-date file changes nothing.
 *
 * The class is found by the generated class name, else as the one class implementing the service
 * interface. When there is no such class (or several, or a syntax error), nothing is changed and
 * the report says why: the merge never guesses which code is the handler.
 */
import { readContract, referencedImports, type ContractMethod, type HandlerContract } from "./contract.js";
import { applyEdits, insertedAt, mapOffset, type TextEdit } from "./edits.js";
import { planImports } from "./imports.js";
import { insertMarker, markerRanges, removeMarkers } from "./marker.js";
import { classLayout, insertAfter, insertAtEnd, insertBefore, layOut, type ClassLayout } from "./placement.js";
import { shapesDiffer, typeShape } from "./shape.js";
import { implementedNames, importBindings, lineAndColumn, lineBreakOf, memberName, parseSource, printType, syntaxError, topLevelClasses, ts, type ImportBinding } from "./source.js";

/** What to merge. */
export interface MergeInput {
  /** The user's handler file as it is on disk. */
  existing: string;
  /** The handler file gen-svc would write for the contract now. */
  generated: string;
  /** The service's full name (`greeter.v1.Greeter`), for messages and the marker. */
  service: string;
  /**
   * The RPC method names the file was last generated against. A method of the class that is
   * among them but no longer in the contract is marked; other extra methods are the user's own.
   */
  previousMethods?: readonly string[];
}

/** What a finding is about. */
export type FindingKind = "added" | "retyped" | "marked" | "unmarked" | "no-rpc" | "no-class" | "syntax-error" | "name-conflict";

/** A 1-based position. */
export interface Position {
  line: number;
  column: number;
}

/** One thing the merge found, with where it is before (`at`) and after (`mergedAt`) merging. */
export interface Finding {
  kind: FindingKind;
  /** Whether the merge changes the file for it (else it is a warning to show). */
  changes: boolean;
  /** The file as it is: what does not match the contract. */
  message: string;
  /** What merging did, in a few words (`added sayBye()`). */
  summary: string;
  at: Position;
  mergedAt: Position;
}

/** The merged text and the report. */
export interface MergeResult {
  text: string;
  changed: boolean;
  findings: Finding[];
}

/** A finding before positions are resolved: offsets into the original (and, for stubs, the edit). */
interface PendingFinding extends Omit<Finding, "at" | "mergedAt"> {
  pos: number;
  inserted?: { edit: TextEdit; offset: number };
}

/** Merges `input.generated` into `input.existing`; see the module comment. */
export function mergeHandler(input: MergeInput): MergeResult {
  const contract = readContract(input.generated);
  const file = parseSource(input.existing);
  const broken = syntaxError(file);
  if (broken !== undefined) {
    const message = `cannot update this handler for ${input.service}: syntax error: ${broken.message}`;
    return unchanged(file, [{ kind: "syntax-error", changes: false, message, summary: message, pos: broken.pos }]);
  }
  const cls = findHandlerClass(file, contract);
  if (cls === undefined) return unchanged(file, [missingClass(file, contract, input.service)]);
  const state = new MergeState(file, classLayout(file, cls, lineBreakOf(input.existing)), contract, input.service);
  state.mergeContractMethods();
  state.markMethodsWithoutRpc(new Set(input.previousMethods ?? []));
  return state.finish();
}

/** Whether `text` declares a top-level class implementing `interfaceName` (false when it does not parse). */
export function declaresImplementation(text: string, interfaceName: string): boolean {
  const file = parseSource(text);
  return syntaxError(file) === undefined && topLevelClasses(file).some((c) => implementedNames(c).includes(interfaceName));
}

/** The handler class: by the generated name, else the only class implementing the interface. */
function findHandlerClass(file: ts.SourceFile, contract: HandlerContract): ts.ClassDeclaration | undefined {
  const classes = topLevelClasses(file);
  const byName = classes.find((c) => c.name?.text === contract.className);
  if (byName !== undefined) return byName;
  const implementing = classes.filter((c) => implementedNames(c).includes(contract.interfaceName));
  return implementing.length === 1 ? implementing[0] : undefined;
}

function missingClass(file: ts.SourceFile, contract: HandlerContract, service: string): PendingFinding {
  const implementing = topLevelClasses(file).filter((c) => implementedNames(c).includes(contract.interfaceName)).length;
  const which = implementing > 1 ? `${implementing} classes implement ${contract.interfaceName} and none is named ${contract.className}` : `no class ${contract.className} or class implementing ${contract.interfaceName}`;
  const methods = contract.methods.map((m) => `${m.name}()`).join(", ");
  const message = `cannot update this handler for ${service}: ${which}, so gen-svc does not know where its methods (${methods}) go; keep the handler in one class named ${contract.className} (or implementing ${contract.interfaceName}) and run again, or update it by hand`;
  return { kind: "no-class", changes: false, message, summary: message, pos: 0 };
}

function unchanged(file: ts.SourceFile, pending: readonly PendingFinding[]): MergeResult {
  const findings = pending.map(({ pos, inserted: _, ...rest }) => {
    const at = lineAndColumn(file, pos);
    return { ...rest, at, mergedAt: at };
  });
  return { text: file.text, changed: false, findings };
}

/** The edits and findings of one merge, built up step by step. */
class MergeState {
  readonly edits: TextEdit[] = [];
  readonly findings: PendingFinding[] = [];
  /** Names the inserted code uses, to import. */
  readonly needed: ImportBinding[] = [];
  readonly imports: Map<string, ImportBinding>;

  constructor(
    readonly file: ts.SourceFile,
    readonly layout: ClassLayout,
    readonly contract: HandlerContract,
    readonly service: string,
  ) {
    this.imports = importBindings(file);
  }

  /** The class's members that are methods, by name (first declaration, and how many there are). */
  members(name: string): ts.ClassElement[] {
    return this.layout.cls.members.filter((member) => memberName(member) === name && !isStatic(member));
  }

  mergeContractMethods(): void {
    this.contract.methods.forEach((method, index) => {
      const [member, ...overloads] = this.members(method.name);
      if (member === undefined) this.addStub(method, index);
      else if (ts.isMethodDeclaration(member) && overloads.length === 0) this.updateMethod(method, member);
      else if (ts.isMethodDeclaration(member)) this.unmark(method.name, [member, ...overloads]);
    });
  }

  addStub(method: ContractMethod, index: number): void {
    const text = layOut(method.text, method.indent, this.layout);
    const previous = this.contract.methods.slice(0, index).reverse().map((m) => this.members(m.name)[0]).find((m) => m !== undefined);
    const next = this.contract.methods.slice(index + 1).map((m) => this.members(m.name)[0]).find((m) => m !== undefined);
    const inserted = previous ? insertAfter(this.layout, previous, text) : next ? insertBefore(this.layout, next, text) : insertAtEnd(this.layout, text);
    this.edits.push(inserted.edit);
    this.needed.push(...referencedImports(method.declaration, this.contract.imports));
    const cls = this.layout.cls;
    this.findings.push({
      kind: "added",
      changes: true,
      message: `${cls.name?.text ?? "the handler class"} has no method ${method.name}() for an RPC of ${this.service}`,
      summary: `added ${method.name}()`,
      pos: (cls.name ?? cls).getStart(this.file),
      inserted,
    });
  }

  updateMethod(method: ContractMethod, member: ts.MethodDeclaration): void {
    this.unmark(method.name, [member]);
    const param = member.parameters[0];
    if (param?.type !== undefined && method.paramType !== undefined) this.retype(method, "request", param.type, method.paramType, "param");
    if (member.type !== undefined && method.returnType !== undefined) this.retype(method, "response", member.type, method.returnType, "return");
  }

  retype(method: ContractMethod, what: string, user: ts.TypeNode, generated: ts.TypeNode, role: "param" | "return"): void {
    const userShape = typeShape(user, this.imports, role);
    if (!shapesDiffer(userShape, typeShape(generated, this.contract.imports, role))) return;
    const before = printType(user, this.file);
    const after = printType(generated, this.contract.file);
    this.edits.push({ pos: user.getStart(this.file), end: user.getEnd(), insert: after });
    this.needed.push(...referencedImports(generated, this.contract.imports));
    this.findings.push({
      kind: "retyped",
      changes: true,
      message: `${method.name}(): the ${what} type is ${before}, the contract now gives ${after}`,
      summary: `${method.name}(): ${what} type ${before} -> ${after}`,
      pos: user.getStart(this.file),
    });
  }

  unmark(name: string, members: readonly ts.ClassElement[]): void {
    for (const member of members) {
      if (markerRanges(this.file, member).length === 0) continue;
      this.edits.push(...removeMarkers(this.file, member));
      this.findings.push({
        kind: "unmarked",
        changes: true,
        message: `${name}() is marked as having no RPC, but ${this.service} has its RPC again`,
        summary: `${name}(): RPC is back, removed the @deprecated mark`,
        pos: member.getStart(this.file),
      });
    }
  }

  /** Methods of the class that are not in the contract: marked when they were RPCs, already-marked ones reported. */
  markMethodsWithoutRpc(previous: ReadonlySet<string>): void {
    const inContract = new Set(this.contract.methods.map((m) => m.name));
    for (const member of this.layout.cls.members) {
      const name = memberName(member);
      if (name === undefined || inContract.has(name) || !ts.isMethodDeclaration(member) || isStatic(member) || isNonPublic(member)) continue;
      const marked = markerRanges(this.file, member).length > 0;
      if (!marked && !previous.has(name)) continue; // The user's own method.
      const pos = member.name.getStart(this.file);
      const message = `method ${name}() has no RPC in ${this.service}, so it is not served: delete it, or restore the RPC`;
      if (marked) {
        this.findings.push({ kind: "no-rpc", changes: false, message, summary: message, pos });
        continue;
      }
      this.edits.push(insertMarker(this.file, member, this.service, this.layout.lineBreak));
      this.findings.push({ kind: "marked", changes: true, message, summary: `marked ${name}() @deprecated (no RPC; not deleted)`, pos });
    }
  }

  finish(): MergeResult {
    const plan = planImports(this.file, this.imports, this.needed, this.layout.lineBreak);
    for (const { needed, existing } of plan.conflicts) {
      const means = existing ? `${existing.imported} from "${existing.module}"` : "a declaration of this file";
      const message = `the name ${needed.local} here means ${means}, but the code gen-svc adds uses ${needed.imported} from "${needed.module}"; rename one of them`;
      this.findings.push({ kind: "name-conflict", changes: false, message, summary: message, pos: (existing?.declaration ?? this.layout.cls).getStart(this.file) });
    }
    const edits = [...this.edits, ...plan.edits];
    const text = applyEdits(this.file.text, edits);
    const merged = parseSource(text);
    const findings = this.findings.map(({ pos, inserted, ...rest }) => ({
      ...rest,
      at: lineAndColumn(this.file, pos),
      mergedAt: lineAndColumn(merged, inserted ? stubStart(edits, inserted) : mapOffset(edits, pos)),
    }));
    return { text, changed: text !== this.file.text, findings };
  }
}

/** Where an inserted stub's first token (its JSDoc, else the method) ends up. */
function stubStart(edits: readonly TextEdit[], inserted: { edit: TextEdit; offset: number }): number {
  const stub = inserted.edit.insert.slice(inserted.offset);
  return insertedAt(edits, inserted.edit) + inserted.offset + (stub.length - stub.trimStart().length);
}

function isStatic(member: ts.ClassElement): boolean {
  return ts.canHaveModifiers(member) && (ts.getModifiers(member) ?? []).some((m) => m.kind === ts.SyntaxKind.StaticKeyword);
}

function isNonPublic(member: ts.ClassElement): boolean {
  const modifiers = ts.canHaveModifiers(member) ? (ts.getModifiers(member) ?? []) : [];
  return modifiers.some((m) => m.kind === ts.SyntaxKind.PrivateKeyword || m.kind === ts.SyntaxKind.ProtectedKeyword);
}
