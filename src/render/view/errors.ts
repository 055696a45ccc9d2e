/** The view model of `src/gen/errors.ts`: the typed errors of a package's error catalogs. */
import type { ErrorCatalogModel } from "../../model/error-catalog.js";
import { jsDoc } from "../jsdoc.js";
import { camelCase, pascalCase } from "../names.js";

/** One constructor and its check. */
export interface CatalogErrorView {
  reason: string;
  code: string;
  constructorName: string;
  /** `{@link constructorName}`, for JSDoc (braces next to a handlebars expression confuse its parser). */
  constructorLink: string;
  checkName: string;
  /** The typed metadata parameter with its trailing comma and space, or empty. */
  metadataParam: string;
  /** The metadata argument of `catalogError`. */
  metadataArg: string;
  messageLiteral: string;
  doc: string;
}

/** One catalog. */
export interface ErrorCatalogView {
  typeName: string;
  domainConst: string;
  domainLiteral: string;
  errors: CatalogErrorView[];
}

/** The view of errors.ts, or undefined when the package has no catalog. */
export function errorsView(header: string, catalogs: readonly ErrorCatalogModel[]): { header: string; catalogs: ErrorCatalogView[] } | undefined {
  if (catalogs.length === 0) return undefined;
  return { header, catalogs: catalogs.map(catalogView) };
}

function catalogView(catalog: ErrorCatalogModel): ErrorCatalogView {
  const simpleName = catalog.typeName.slice(catalog.typeName.lastIndexOf(".") + 1);
  return {
    typeName: catalog.typeName,
    domainConst: `${camelCase(simpleName)}Domain`,
    domainLiteral: JSON.stringify(catalog.domain),
    errors: catalog.errors.map((error) => {
      const name = `${pascalCase(error.reason)}Error`;
      const metadataType = `{ ${error.metadataKeys.map((key) => `readonly ${key}: string`).join("; ")} }`;
      const lines = [
        ...(error.comment === "" ? [] : [error.comment, ""]),
        `\`${error.code}\` with \`google.rpc.ErrorInfo\` reason \`${error.reason}\` (\`${catalog.typeName}.${error.valueName}\`).`,
        ...(error.metadataKeys.length > 0 ? [`@param metadata The ErrorInfo metadata.`] : []),
        "@param options Another message, more details, trailers, a cause.",
      ];
      return {
        reason: error.reason,
        code: error.code,
        constructorName: camelCase(name),
        constructorLink: `{@link ${camelCase(name)}}`,
        checkName: `is${name}`,
        metadataParam: error.metadataKeys.length > 0 ? `metadata: ${metadataType}, ` : "",
        metadataArg: error.metadataKeys.length > 0 ? "metadata" : "{}",
        messageLiteral: JSON.stringify(error.message),
        doc: jsDoc({ leading: lines.join("\n"), trailing: "", leadingDetached: [] }),
      };
    }),
  };
}
