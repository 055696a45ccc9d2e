/**
 * Source locations from a file's `source_code_info`: where a service, a method or one of their
 * options is declared, so that errors point at the line the user has to change.
 */
import type { DescFile, DescMethod, DescService } from "@bufbuild/protobuf";
import {
  FileDescriptorProtoSchema,
  MethodDescriptorProtoSchema,
  ServiceDescriptorProtoSchema,
  type SourceCodeInfo_Location,
} from "@bufbuild/protobuf/wkt";
import type { SourceLocation } from "./types.js";

/** A declaration that the model reports locations for. */
export type LocatableDesc = DescService | DescMethod;

// Source paths are field numbers and indexes down the FileDescriptorProto (descriptor.proto).
const serviceField = FileDescriptorProtoSchema.field.service.number;
const methodField = ServiceDescriptorProtoSchema.field.method.number;

/** The source path of a declaration, e.g. `[6, 0, 2, 1]` for the second method of the first service. */
export function descriptorPath(desc: LocatableDesc): number[] {
  if (desc.kind === "service") return [serviceField, desc.file.services.indexOf(desc)];
  return [...descriptorPath(desc.parent), methodField, desc.parent.methods.indexOf(desc)];
}

/**
 * The field number of a declaration's options in its descriptor (3 for a service, 4 for a
 * method): the first element of an option's path relative to the declaration.
 */
export function optionsField(desc: LocatableDesc): number {
  return (desc.kind === "service" ? ServiceDescriptorProtoSchema : MethodDescriptorProtoSchema).field.options.number;
}

/** The file a declaration lives in. */
export function fileOf(desc: LocatableDesc): DescFile {
  return desc.kind === "service" ? desc.file : desc.parent.file;
}

/** The raw source-info entry at exactly `path`, the first one when the compiler emitted several. */
export function sourceInfoAt(file: DescFile, path: readonly number[]): SourceCodeInfo_Location | undefined {
  return indexOf(file).exact.get(pathKey(path));
}

/** The location of a declaration itself. */
export function locationOf(desc: LocatableDesc): SourceLocation | undefined {
  return locate(desc, []);
}

/**
 * The most precise location for `suffix` under a declaration (e.g. an option field path under
 * `optionsField`). Compilers differ in how deep they record options: protoc stops at the option,
 * buf goes down to the fields of a message literal. So this walks up from the full path and
 * takes, at each level, the entry at that path or else the first entry inside it; the
 * declaration's own location is the last resort.
 */
export function locate(desc: LocatableDesc, suffix: readonly number[]): SourceLocation | undefined {
  const file = fileOf(desc);
  const base = descriptorPath(desc);
  const full = [...base, ...suffix];
  const index = indexOf(file);
  for (let length = full.length; length >= base.length; length--) {
    const key = pathKey(full.slice(0, length));
    const found = index.exact.get(key) ?? (length > base.length ? index.firstInside(key) : undefined);
    if (found) return toSourceLocation(file.proto.name, found);
  }
  return undefined;
}

/** A 1-based location from a source-info span (`[line, col, ...]`, 0-based). */
function toSourceLocation(file: string, location: SourceCodeInfo_Location): SourceLocation | undefined {
  const [line, column] = location.span;
  if (line === undefined || column === undefined) return undefined;
  return { file, line: line + 1, column: column + 1 };
}

interface SourceIndex {
  exact: Map<string, SourceCodeInfo_Location>;
  firstInside(key: string): SourceCodeInfo_Location | undefined;
}

// Descriptors are immutable, so each file's index is built once and kept with it.
const indexes = new WeakMap<DescFile, SourceIndex>();

function indexOf(file: DescFile): SourceIndex {
  let index = indexes.get(file);
  if (!index) {
    index = buildIndex(file.proto.sourceCodeInfo?.location ?? []);
    indexes.set(file, index);
  }
  return index;
}

function buildIndex(locations: readonly SourceCodeInfo_Location[]): SourceIndex {
  const exact = new Map<string, SourceCodeInfo_Location>();
  for (const location of locations) {
    const key = pathKey(location.path);
    if (!exact.has(key)) exact.set(key, location);
  }
  // Descendant lookups are rare (error paths only), so a scan in file order is enough.
  const firstInside = (key: string) => locations.find((l) => pathKey(l.path).startsWith(key + "."));
  return { exact, firstInside };
}

function pathKey(path: readonly number[]): string {
  return path.join(".");
}
