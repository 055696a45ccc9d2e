/**
 * Error catalogs (`gensvc.options.v1.error_catalog` on an enum, `.error` on its values) ->
 * ErrorCatalogModel: read from the files of a proto package, checked where they are written.
 */
import { getOption, hasOption, type DescEnum, type DescEnumValue, type DescFile, type DescService } from "@bufbuild/protobuf";
import { DescriptorProtoSchema, EnumDescriptorProtoSchema, EnumValueDescriptorProtoSchema, FileDescriptorProtoSchema } from "@bufbuild/protobuf/wkt";
import { GenerationError } from "./errors.js";
import { ErrorCatalogSchema, ErrorDefinitionSchema, error as errorOption, error_catalog as catalogOption } from "./gen/gensvc/options/v1/options_pb.js";
import { sourceInfoAt } from "./location.js";
import { compareStrings } from "./order.js";
import { retryableCodeNames } from "./policy-checks.js";
import type { SourceLocation } from "./types.js";

/** One error of a catalog. */
export interface CatalogErrorModel {
  /** The enum value's name, e.g. `BOOKSTORE_ERROR_SHELF_NOT_EMPTY`. */
  valueName: string;
  /** `google.rpc.ErrorInfo.reason`: the value name without the enum's prefix, e.g. `SHELF_NOT_EMPTY`. */
  reason: string;
  /** The google.rpc.Code name, e.g. `FAILED_PRECONDITION`. */
  code: string;
  /** The default message. */
  message: string;
  /** The ErrorInfo metadata keys the constructor requires, in declaration order. */
  metadataKeys: string[];
  /** The proto comments on the value. */
  comment: string;
  location: SourceLocation | undefined;
}

/** An enum marked as an error catalog. */
export interface ErrorCatalogModel {
  /** e.g. `bookstore.v1.BookstoreError`. */
  typeName: string;
  domain: string;
  file: string;
  errors: CatalogErrorModel[];
}

/**
 * The catalogs of `protoPackage` that the files of `services` reach: those files and the files of
 * the same package they import (transitively), sorted by file name, then declaration order.
 */
export function errorCatalogsOf(protoPackage: string, services: readonly DescService[]): ErrorCatalogModel[] {
  const files = new Map<string, DescFile>();
  const visit = (file: DescFile): void => {
    if (file.proto.package !== protoPackage || files.has(file.proto.name)) return;
    files.set(file.proto.name, file);
    file.dependencies.forEach(visit);
  };
  services.forEach((service) => visit(service.file));
  const names = [...files.keys()].sort(compareStrings);
  const catalogs = names.flatMap((name) => enumsOf(files.get(name)!).flatMap((desc) => catalogOf(desc)));
  checkUniqueReasons(catalogs);
  return catalogs;
}

/** The generated names come from the reasons, so a reason may appear once per package. */
function checkUniqueReasons(catalogs: readonly ErrorCatalogModel[]): void {
  const seen = new Map<string, string>();
  for (const catalog of catalogs) {
    for (const error of catalog.errors) {
      const first = seen.get(error.reason);
      if (first) throw new GenerationError(`${catalog.typeName}.${error.valueName} has the reason ${error.reason} of ${first}: reasons (and the generated names) must be unique in a package`, error.location);
      seen.set(error.reason, `${catalog.typeName}.${error.valueName}`);
    }
  }
}

function enumsOf(file: DescFile): DescEnum[] {
  const nested = (messages: DescFile["messages"]): DescEnum[] => messages.flatMap((m) => [...m.nestedEnums, ...nested(m.nestedMessages)]);
  return [...file.enums, ...nested(file.messages)];
}

/** The catalog of an enum, or none; `error` options on a plain enum's values are errors. */
function catalogOf(desc: DescEnum): ErrorCatalogModel[] {
  if (!hasOption(desc, catalogOption)) {
    const stray = desc.values.find((value) => hasOption(value, errorOption));
    if (stray) throw new GenerationError(`gensvc.options.v1.error on ${stray.name} needs (gensvc.options.v1.error_catalog) on enum ${desc.typeName}`, valueLocation(stray, [valueOptions, errorOption.number]));
    return [];
  }
  const catalog = getOption(desc, catalogOption);
  if (!/^\S+$/.test(catalog.domain)) {
    const where = enumLocation(desc, [enumOptions, catalogOption.number, ErrorCatalogSchema.field.domain.number]);
    throw new GenerationError(`gensvc.options.v1.error_catalog.domain must be set and have no whitespace, got ${JSON.stringify(catalog.domain)}`, where);
  }
  const prefix = upperSnake(desc.name) + "_";
  const errors = desc.values.flatMap((value) => catalogError(value, prefix));
  return [{ typeName: desc.typeName, domain: catalog.domain, file: desc.file.proto.name, errors }];
}

function catalogError(value: DescEnumValue, prefix: string): CatalogErrorModel[] {
  const optionPath = [valueOptions, errorOption.number];
  const fieldPath = (field: number) => [...optionPath, field];
  if (!hasOption(value, errorOption)) {
    if (value.number === 0) return [];
    throw new GenerationError(`${value.name} needs (gensvc.options.v1.error) = { code: "..." }: every value of an error catalog except the zero one is an error`, valueLocation(value, []));
  }
  const definition = getOption(value, errorOption);
  const fields = ErrorDefinitionSchema.field;
  if (value.number === 0) throw new GenerationError(`gensvc.options.v1.error is not allowed on the zero value ${value.name}: it means "no error"`, valueLocation(value, optionPath));
  if (!retryableCodeNames.includes(definition.code)) {
    throw new GenerationError(`gensvc.options.v1.error.code must be a google.rpc.Code name other than OK (e.g. "NOT_FOUND"), got ${JSON.stringify(definition.code)}`, valueLocation(value, fieldPath(fields.code.number)));
  }
  definition.metadataKeys.forEach((key, index) => {
    const where = listElementLocation(value, fieldPath(fields.metadataKeys.number), index);
    if (!/^[a-z][a-zA-Z0-9]*$/.test(key)) throw new GenerationError(`gensvc.options.v1.error.metadata_keys must be lowerCamelCase identifiers, got ${JSON.stringify(key)}`, where);
    if (definition.metadataKeys.indexOf(key) !== index) throw new GenerationError(`gensvc.options.v1.error.metadata_keys lists ${JSON.stringify(key)} twice`, where);
  });
  const reason = value.name.startsWith(prefix) && value.name.length > prefix.length ? value.name.slice(prefix.length) : upperSnake(value.name);
  return [
    {
      valueName: value.name,
      reason,
      code: definition.code,
      message: definition.message || reason.toLowerCase().replaceAll("_", " "),
      metadataKeys: definition.metadataKeys,
      comment: commentOf(value),
      location: valueLocation(value, []),
    },
  ];
}

/** `ShelfNotEmpty` -> `SHELF_NOT_EMPTY`; names already in upper snake case stay as they are. */
export function upperSnake(name: string): string {
  return name
    .replace(/([a-z0-9])([A-Z])/g, "$1_$2")
    .replace(/([A-Z])([A-Z][a-z])/g, "$1_$2")
    .toUpperCase();
}

// Source paths (descriptor.proto field numbers) of enums, their values and their options.
const fileEnums = FileDescriptorProtoSchema.field.enumType.number;
const fileMessages = FileDescriptorProtoSchema.field.messageType.number;
const messageEnums = DescriptorProtoSchema.field.enumType.number;
const messageNested = DescriptorProtoSchema.field.nestedType.number;
const enumValues = EnumDescriptorProtoSchema.field.value.number;
const enumOptions = EnumDescriptorProtoSchema.field.options.number;
const valueOptions = EnumValueDescriptorProtoSchema.field.options.number;

function enumPath(desc: DescEnum): number[] {
  const parent = desc.parent;
  if (!parent) return [fileEnums, desc.file.enums.indexOf(desc)];
  return [...messagePath(parent), messageEnums, parent.nestedEnums.indexOf(desc)];
}

function messagePath(desc: NonNullable<DescEnum["parent"]>): number[] {
  const parent = desc.parent;
  if (!parent) return [fileMessages, desc.file.messages.indexOf(desc)];
  return [...messagePath(parent), messageNested, parent.nestedMessages.indexOf(desc)];
}

function enumLocation(desc: DescEnum, suffix: readonly number[]): SourceLocation | undefined {
  return nearest(desc.file, enumPath(desc), suffix);
}

function valueLocation(value: DescEnumValue, suffix: readonly number[]): SourceLocation | undefined {
  return nearest(value.parent.file, [...enumPath(value.parent), enumValues, value.parent.values.indexOf(value)], suffix);
}

/**
 * An element of a repeated option field: protoc records `path + [index]` for each element; buf
 * records one `path + [0]` spanning a whole list literal, the best there is for any element.
 */
function listElementLocation(value: DescEnumValue, fieldPath: readonly number[], index: number): SourceLocation | undefined {
  const element = exactValueLocation(value, [...fieldPath, index]) ?? exactValueLocation(value, [...fieldPath, 0]);
  return element ?? valueLocation(value, fieldPath);
}

function exactValueLocation(value: DescEnumValue, suffix: readonly number[]): SourceLocation | undefined {
  const path = [...enumPath(value.parent), enumValues, value.parent.values.indexOf(value), ...suffix];
  return nearest(value.parent.file, path, []);
}

/** The deepest recorded location on the way from `base + suffix` up to `base`. */
function nearest(file: DescFile, base: readonly number[], suffix: readonly number[]): SourceLocation | undefined {
  const full = [...base, ...suffix];
  for (let length = full.length; length >= base.length; length--) {
    const span = sourceInfoAt(file, full.slice(0, length))?.span;
    if (span && span[0] !== undefined && span[1] !== undefined) return { file: file.proto.name, line: span[0] + 1, column: span[1] + 1 };
  }
  return undefined;
}

function commentOf(value: DescEnumValue): string {
  const path = [...enumPath(value.parent), enumValues, value.parent.values.indexOf(value)];
  return (sourceInfoAt(value.parent.file, path)?.leadingComments ?? "").trim();
}
