/**
 * Adding the imports that inserted code needs: a name joins an existing named import from the same
 * module when one fits (kept sorted if it was sorted, else appended, on its own line if the list
 * has one name per line), otherwise a new import declaration goes after the last import.
 */
import type { TextEdit } from "./edits.js";
import { indentBefore, lineEnd, topLevelNames, ts, type ImportBinding } from "./source.js";

/** The result: edits to apply, and names the file already uses for something else. */
export interface ImportPlan {
  edits: TextEdit[];
  /** Needed names bound differently in the user's file: `{ needed, existing }` (existing may be undefined for a local declaration). */
  conflicts: Array<{ needed: ImportBinding; existing: ImportBinding | undefined }>;
}

/**
 * Plans the imports for `needed` (bindings of the generated file) in the user's file. A name
 * already imported from the same module is fine as it is; one bound to something else is a conflict.
 */
export function planImports(
  file: ts.SourceFile,
  existing: ReadonlyMap<string, ImportBinding>,
  needed: readonly ImportBinding[],
  lineBreak: string,
): ImportPlan {
  const conflicts: ImportPlan["conflicts"] = [];
  const declared = topLevelNames(file);
  const missing: ImportBinding[] = [];
  for (const binding of needed) {
    const have = existing.get(binding.local);
    if (have !== undefined) {
      if (have.module !== binding.module || have.imported !== binding.imported) conflicts.push({ needed: binding, existing: have });
    } else if (declared.has(binding.local)) {
      conflicts.push({ needed: binding, existing: undefined });
    } else if (!missing.some((m) => m.local === binding.local)) {
      missing.push(binding);
    }
  }
  // Sorted, so that several names inserted at one place come out in order.
  missing.sort((a, b) => (a.local < b.local ? -1 : a.local > b.local ? 1 : 0));
  const edits: TextEdit[] = [];
  const newDeclarations = new Map<string, ImportBinding[]>();
  for (const binding of missing) {
    const target = declarationFor(file, binding);
    if (target !== undefined) edits.push(addToDeclaration(file, target, binding));
    else newDeclarations.set(binding.module, [...(newDeclarations.get(binding.module) ?? []), binding]);
  }
  if (newDeclarations.size > 0) edits.push(newImports(file, [...newDeclarations.values()], lineBreak));
  return { edits, conflicts };
}

/** An existing named import from the binding's module that can take it (a value needs a non-type import). */
function declarationFor(file: ts.SourceFile, binding: ImportBinding): ts.ImportDeclaration | undefined {
  return file.statements.filter(ts.isImportDeclaration).find((declaration) => {
    const named = declaration.importClause?.namedBindings;
    if (!ts.isStringLiteral(declaration.moduleSpecifier) || declaration.moduleSpecifier.text !== binding.module) return false;
    if (named === undefined || !ts.isNamedImports(named)) return false;
    return binding.typeOnly || !declaration.importClause!.isTypeOnly;
  });
}

function specifierText(binding: ImportBinding, inTypeOnlyDeclaration: boolean): string {
  const name = binding.imported === binding.local ? binding.local : `${binding.imported} as ${binding.local}`;
  return binding.typeOnly && !inTypeOnlyDeclaration ? `type ${name}` : name;
}

/** Inserts one name into `import { ... }`, keeping a sorted list sorted and a one-per-line list one per line. */
function addToDeclaration(file: ts.SourceFile, declaration: ts.ImportDeclaration, binding: ImportBinding): TextEdit {
  const text = file.text;
  const named = declaration.importClause!.namedBindings as ts.NamedImports;
  const elements = [...named.elements];
  const spec = specifierText(binding, declaration.importClause!.isTypeOnly);
  const last = elements.at(-1);
  if (last === undefined) {
    const close = named.getEnd() - 1;
    return { pos: close, end: close, insert: `${spec} ` };
  }
  const names = elements.map((element) => element.name.text);
  const sorted = names.every((name, i) => i === 0 || names[i - 1]! <= name);
  const before = sorted ? elements.find((element) => element.name.text > binding.local) : undefined;
  if (before !== undefined) {
    const start = before.getStart(file);
    const indent = indentBefore(text, start);
    if (indent !== undefined) {
      const lineBegin = start - indent.length;
      return { pos: lineBegin, end: lineBegin, insert: `${indent}${spec},${lineBreakAt(text, lineBegin)}` };
    }
    return { pos: start, end: start, insert: `${spec}, ` };
  }
  const lastIndent = indentBefore(text, last.getStart(file));
  if (lastIndent !== undefined && onOwnLine(file, named)) {
    return { pos: last.getEnd(), end: last.getEnd(), insert: `,${lineBreakAt(text, last.getEnd())}${lastIndent}${spec}` };
  }
  return { pos: last.getEnd(), end: last.getEnd(), insert: `, ${spec}` };
}

/** Whether the named imports sit one per line (the list's first name is not on the brace's line). */
function onOwnLine(file: ts.SourceFile, named: ts.NamedImports): boolean {
  const first = named.elements[0];
  if (first === undefined) return false;
  const braceLine = file.getLineAndCharacterOfPosition(named.getStart(file)).line;
  return file.getLineAndCharacterOfPosition(first.getStart(file)).line > braceLine;
}

/** New import declarations, one per module, after the file's last import (or at its top). */
function newImports(file: ts.SourceFile, groups: ReadonlyArray<readonly ImportBinding[]>, lineBreak: string): TextEdit {
  // In the order the generated file imports the modules.
  const ordered = [...groups].sort((a, b) => a[0]!.declaration.pos - b[0]!.declaration.pos);
  const lines = ordered.map((bindings) => {
    const allTypes = bindings.every((b) => b.typeOnly);
    const specs = bindings.map((b) => specifierText(b, allTypes)).join(", ");
    return `import ${allTypes ? "type " : ""}{ ${specs} } from ${JSON.stringify(bindings[0]!.module)};`;
  });
  const lastImport = file.statements.filter(ts.isImportDeclaration).at(-1);
  if (lastImport !== undefined) {
    const end = lineEnd(file.text, lastImport.getEnd());
    return { pos: end, end, insert: lines.map((line) => `${lineBreak}${line}`).join("") };
  }
  const first = file.statements[0];
  const pos = first === undefined ? file.text.length : first.getStart(file, true);
  return { pos, end: pos, insert: lines.map((line) => `${line}${lineBreak}`).join("") + (first === undefined ? "" : lineBreak) };
}

/** The line break used by the line holding `pos`. */
function lineBreakAt(text: string, pos: number): string {
  const end = text.indexOf("\n", pos);
  return end > 0 && text[end - 1] === "\r" ? "\r\n" : "\n";
}
