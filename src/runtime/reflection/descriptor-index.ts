/**
 * The lookups server reflection answers, over protobuf-es file descriptors and all their imports:
 * files by name, the file declaring a symbol, extensions by extendee and number. Files go out
 * exactly as embedded (`toBinary` of `DescFile.proto`), custom options and all.
 */
import { toBinary, type DescEnum, type DescFile, type DescMessage } from "@bufbuild/protobuf";
import { FileDescriptorProtoSchema } from "@bufbuild/protobuf/wkt";

/** Files and symbols of a set of protobuf-es files and everything they import. */
export class DescriptorIndex {
  /** By file name as imported, e.g. `google/protobuf/timestamp.proto`. */
  readonly #files = new Map<string, DescFile>();
  /** Fully qualified names of messages, fields, oneofs, enums, enum values, extensions, services, methods. */
  readonly #symbols = new Map<string, DescFile>();
  readonly #messageTypes = new Set<string>();
  /** Keyed by `<extendee type name>:<field number>`. */
  readonly #extensions = new Map<string, DescFile>();
  readonly #extensionNumbers = new Map<string, number[]>();
  /** Serialised on first use: most servers never see a reflection call. */
  readonly #encoded = new Map<string, Uint8Array>();

  /** Indexes `files` and, through `DescFile.dependencies`, every file they import. */
  constructor(files: readonly DescFile[]) {
    for (const file of files) this.#addWithDependencies(file);
  }

  /** The file of this name, e.g. `routeguide/v1/route_guide.proto`. */
  fileByName(name: string): DescFile | undefined {
    return this.#files.get(name);
  }

  /** The file declaring a fully qualified symbol (a leading dot is allowed). */
  fileContainingSymbol(symbol: string): DescFile | undefined {
    return this.#symbols.get(symbol.startsWith(".") ? symbol.slice(1) : symbol);
  }

  /** The file declaring extension `number` of message `extendee`. */
  fileContainingExtension(extendee: string, number: number): DescFile | undefined {
    return this.#extensions.get(`${extendee}:${number}`);
  }

  /** The field numbers of the known extensions of a message; undefined if the message is unknown. */
  extensionNumbersOf(messageType: string): readonly number[] | undefined {
    if (!this.#messageTypes.has(messageType)) return undefined;
    return this.#extensionNumbers.get(messageType) ?? [];
  }

  /**
   * The serialised FileDescriptorProtos of `file` and, after it, of all it imports transitively,
   * leaving out imports whose names are in `alreadySent` (the client has them from an earlier
   * answer on the same stream). Adds what it returns to `alreadySent`.
   */
  encodeWithDependencies(file: DescFile, alreadySent: Set<string>): Uint8Array[] {
    const result = [this.#encode(file)];
    alreadySent.add(file.proto.name);
    const queue = [...file.dependencies];
    for (let next = queue.shift(); next !== undefined; next = queue.shift()) {
      if (alreadySent.has(next.proto.name)) continue;
      alreadySent.add(next.proto.name);
      result.push(this.#encode(next));
      queue.push(...next.dependencies);
    }
    return result;
  }

  #encode(file: DescFile): Uint8Array {
    let bytes = this.#encoded.get(file.proto.name);
    if (bytes === undefined) {
      bytes = toBinary(FileDescriptorProtoSchema, file.proto);
      this.#encoded.set(file.proto.name, bytes);
    }
    return bytes;
  }

  // A file name seen before is skipped: two generated packages may each embed their own copy of
  // a shared import (e.g. google/api/http.proto); the first one given wins.
  #addWithDependencies(file: DescFile): void {
    if (this.#files.has(file.proto.name)) return;
    this.#files.set(file.proto.name, file);
    this.#indexFile(file);
    for (const dependency of file.dependencies) this.#addWithDependencies(dependency);
  }

  #indexFile(file: DescFile): void {
    for (const message of file.messages) this.#indexMessage(file, message);
    for (const enumeration of file.enums) this.#indexEnum(file, enumeration);
    for (const extension of file.extensions) this.#indexExtension(file, extension);
    for (const service of file.services) {
      this.#symbol(service.typeName, file);
      for (const method of service.methods) this.#symbol(`${service.typeName}.${method.name}`, file);
    }
  }

  #indexMessage(file: DescFile, message: DescMessage): void {
    this.#symbol(message.typeName, file);
    this.#messageTypes.add(message.typeName);
    for (const field of message.fields) this.#symbol(`${message.typeName}.${field.name}`, file);
    for (const oneof of message.oneofs) this.#symbol(`${message.typeName}.${oneof.name}`, file);
    for (const nested of message.nestedMessages) this.#indexMessage(file, nested);
    for (const nested of message.nestedEnums) this.#indexEnum(file, nested);
    for (const extension of message.nestedExtensions) this.#indexExtension(file, extension);
  }

  // Enum values are scoped like C++ enumerators: siblings of their enum, not its children.
  #indexEnum(file: DescFile, enumeration: DescEnum): void {
    this.#symbol(enumeration.typeName, file);
    const scope = enumeration.typeName.slice(0, enumeration.typeName.lastIndexOf(".") + 1);
    for (const value of enumeration.values) this.#symbol(`${scope}${value.name}`, file);
  }

  #indexExtension(file: DescFile, extension: DescFile["extensions"][number]): void {
    this.#symbol(extension.typeName, file);
    const extendee = extension.extendee.typeName;
    this.#extensions.set(`${extendee}:${extension.number}`, file);
    const numbers = this.#extensionNumbers.get(extendee) ?? [];
    numbers.push(extension.number);
    this.#extensionNumbers.set(extendee, numbers);
  }

  #symbol(name: string, file: DescFile): void {
    if (!this.#symbols.has(name)) this.#symbols.set(name, file);
  }

  /** The services declared in these files (not in their imports), by fully qualified name. */
  static servicesOf(files: readonly DescFile[]): string[] {
    return files.flatMap((file) => file.services.map((service) => service.typeName));
  }
}
