/**
 * Reading TypeScript source with the TypeScript compiler API (the copy ts-morph ships): syntax
 * trees only, no program and no type checker, so a file is understood on its own, without the
 * package around it. Positions are offsets into the text; helpers turn them into lines and columns.
 */
import { ts } from "ts-morph";

export { ts };

/** Parses `text` as a TypeScript module (parent pointers set, so nodes know their position). */
export function parseSource(text: string, name = "handler.ts"): ts.SourceFile {
  return ts.createSourceFile(name, text, ts.ScriptTarget.Latest, true, ts.ScriptKind.TS);
}

/**
 * The first syntax error of a parsed file, if any. The parser records them on the source file
 * (`parseDiagnostics`, not part of the public typings); a file with syntax errors is never edited,
 * since its tree may not say where things really are.
 */
export function syntaxError(file: ts.SourceFile): { pos: number; message: string } | undefined {
  const diagnostics = (file as unknown as { parseDiagnostics?: readonly ts.Diagnostic[] }).parseDiagnostics ?? [];
  const first = diagnostics[0];
  if (first === undefined) return undefined;
  return { pos: first.start ?? 0, message: ts.flattenDiagnosticMessageText(first.messageText, " ") };
}

/** A name an import declaration binds in the file. */
export interface ImportBinding {
  /** The name in this file. */
  local: string;
  /** The name the module exports. */
  imported: string;
  /** The module specifier, as written. */
  module: string;
  /** `import type { X }` or `import { type X }`: usable in types only. */
  typeOnly: boolean;
  declaration: ts.ImportDeclaration;
}

/** Every name bound by a named import (`import { a, type b as c } from "m"`), by local name. */
export function importBindings(file: ts.SourceFile): Map<string, ImportBinding> {
  const bindings = new Map<string, ImportBinding>();
  for (const declaration of file.statements.filter(ts.isImportDeclaration)) {
    const named = declaration.importClause?.namedBindings;
    if (!ts.isStringLiteral(declaration.moduleSpecifier) || named === undefined || !ts.isNamedImports(named)) continue;
    const clauseTypeOnly = declaration.importClause?.isTypeOnly ?? false;
    for (const element of named.elements) {
      bindings.set(element.name.text, {
        local: element.name.text,
        imported: (element.propertyName ?? element.name).text,
        module: declaration.moduleSpecifier.text,
        typeOnly: clauseTypeOnly || element.isTypeOnly,
        declaration,
      });
    }
  }
  return bindings;
}

/** Names declared at the top level of the file other than by imports (classes, functions, ...). */
export function topLevelNames(file: ts.SourceFile): Set<string> {
  const names = new Set<string>();
  for (const statement of file.statements) {
    if (ts.isVariableStatement(statement)) {
      for (const declaration of statement.declarationList.declarations) {
        if (ts.isIdentifier(declaration.name)) names.add(declaration.name.text);
      }
    } else if (
      (ts.isClassDeclaration(statement) || ts.isFunctionDeclaration(statement) || ts.isInterfaceDeclaration(statement) ||
        ts.isTypeAliasDeclaration(statement) || ts.isEnumDeclaration(statement)) &&
      statement.name !== undefined
    ) {
      names.add(statement.name.text);
    } else if (ts.isImportDeclaration(statement)) {
      // Default and namespace imports bind names too; named ones are in importBindings.
      const clause = statement.importClause;
      if (clause?.name) names.add(clause.name.text);
      if (clause?.namedBindings && ts.isNamespaceImport(clause.namedBindings)) names.add(clause.namedBindings.name.text);
    }
  }
  return names;
}

/** The top-level class declarations of a file. */
export function topLevelClasses(file: ts.SourceFile): ts.ClassDeclaration[] {
  return file.statements.filter(ts.isClassDeclaration);
}

/** The interface names a class lists after `implements` (simple identifiers only). */
export function implementedNames(cls: ts.ClassLikeDeclaration): string[] {
  return (cls.heritageClauses ?? [])
    .filter((clause) => clause.token === ts.SyntaxKind.ImplementsKeyword)
    .flatMap((clause) => clause.types.map((type) => (ts.isIdentifier(type.expression) ? type.expression.text : type.expression.getText())));
}

/**
 * The name of a class member as code calls it: identifiers and string literals; `undefined` for
 * `#private` names, computed names and members without a name (constructors, index signatures).
 */
export function memberName(member: ts.ClassElement): string | undefined {
  const name = member.name;
  if (name === undefined) return undefined;
  if (ts.isIdentifier(name) || ts.isStringLiteral(name)) return name.text;
  return undefined;
}

/** The 1-based line and column of an offset. */
export function lineAndColumn(file: ts.SourceFile, pos: number): { line: number; column: number } {
  const { line, character } = file.getLineAndCharacterOfPosition(pos);
  return { line: line + 1, column: character + 1 };
}

/** The offset where the line holding `pos` starts. */
export function lineStart(text: string, pos: number): number {
  return text.lastIndexOf("\n", pos - 1) + 1;
}

/** The offset of the line break ending the line that holds `pos` (the text's length on the last line). */
export function lineEnd(text: string, pos: number): number {
  const end = text.indexOf("\n", pos);
  if (end === -1) return text.length;
  return end > 0 && text[end - 1] === "\r" ? end - 1 : end;
}

/** The whitespace before `pos` on its line, when only whitespace precedes it there. */
export function indentBefore(text: string, pos: number): string | undefined {
  const prefix = text.slice(lineStart(text, pos), pos);
  return [...prefix].every((char) => char === " " || char === "\t") ? prefix : undefined;
}

/** The line break the file uses (CRLF when its first line break is one). */
export function lineBreakOf(text: string): string {
  const first = text.indexOf("\n");
  return first > 0 && text[first - 1] === "\r" ? "\r\n" : "\n";
}

/** Prints a type node on one line, as the compiler's printer writes it. */
export function printType(node: ts.TypeNode, file: ts.SourceFile): string {
  return ts.createPrinter({ removeComments: true }).printNode(ts.EmitHint.Unspecified, node, file);
}
