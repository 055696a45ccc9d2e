/**
 * The generated files of the OpenAPI document: `openapi.yaml` at the package root, and
 * `src/gen/openapi.ts`, the same text as a string constant the running service serves at
 * `/openapi.yaml` without reading files.
 */
import { stringify } from "yaml";
import type { PackageModel } from "../model/types.js";
import { openApiDocument, type DocumentInfo } from "./document.js";

/** A generated text file (path relative to the package). */
export interface OpenApiFile {
  path: string;
  content: string;
}

/** The name of the constant `src/gen/openapi.ts` exports. */
export const openApiExportName = "openApiYaml";

/**
 * `openapi.yaml` and `src/gen/openapi.ts` of a package, holding the same text. `tsHeader` is the
 * generated-file comment of the TypeScript file; the YAML carries it as `#` comments.
 */
export function openApiFiles(pkg: PackageModel, info: DocumentInfo, tsHeader: string): OpenApiFile[] {
  const yaml = `${tsHeader.replace(/^\/\/ ?/gm, "# ")}\n${openApiYaml(pkg, info)}`;
  const ts = [
    tsHeader,
    "",
    "/**",
    ` * The OpenAPI 3.1 document of this package's HTTP/JSON API (the same text as openapi.yaml),`,
    " * served by the running service at /openapi.yaml.",
    " */",
    `export const ${openApiExportName}: string = ${JSON.stringify(yaml)};`,
    "",
  ].join("\n");
  return [
    { path: "openapi.yaml", content: yaml },
    { path: "src/gen/openapi.ts", content: ts },
  ];
}

/**
 * The document as YAML. Keys keep the order the builder gives them (fixed), no anchors or
 * aliases for shared objects, no line folding: the same model always gives the same bytes.
 */
export function openApiYaml(pkg: PackageModel, info: DocumentInfo): string {
  return stringify(openApiDocument(pkg, info), { aliasDuplicateObjects: false, lineWidth: 0 });
}
