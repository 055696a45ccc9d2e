/**
 * What a generation does to the handler files already in the output directory, shared by the CLI
 * and the protoc plugin (each reads the disk its own way, through `OutputReader`):
 * - an existing handler file is merged with the freshly generated one (src/merge);
 * - a new handler file that would duplicate user code is refused: another file in the handler
 *   folder already implements the service's interface (the user renamed the file), or a handler
 *   of a service that left the contract is still there (the service was renamed); the user renames
 *   it, and the next run merges;
 * - a handler of a service that left the contract, with nothing new to take its place, is a warning.
 * The merge module (and so the TypeScript compiler) is loaded only when a handler file exists.
 */
import { posix } from "node:path";
import type { GeneratedFile, HandlerInfo } from "../core/generate.js";
import type { Finding, MergeResult } from "../merge/merge.js";
import { UserError } from "./errors.js";

/** Reads the output directory as it is; paths are relative to it, posix. */
export interface OutputReader {
  /** The file's text; `undefined` when there is no such file. */
  read(path: string): Promise<string | undefined>;
  /** The names of the files directly in `dir`; empty when there is no such directory. */
  listFiles(dir: string): Promise<string[]>;
}

/** A handler file as a manifest records it: the contract it was last generated or merged against. */
export interface HandlerRecord {
  path: string;
  service: string;
  methods: string[];
}

/** An existing handler file and what merging the contract into it gives. */
export interface HandlerMerge {
  path: string;
  service: string;
  /** The file as read (a write must find it unchanged). */
  existing: string;
  result: MergeResult;
}

/** What to do with the handler files. */
export interface HandlerPlan {
  /** Every existing handler file, merged (`result.changed` says whether it needs writing). */
  merges: HandlerMerge[];
  /** New handler files (absent, to be written from the template). */
  created: string[];
  /** Warnings about handler files of services no longer in the contract. */
  orphans: Array<{ path: string; message: string }>;
}

/** Whether a merge finding needs the user's attention (a warning); the others are routine updates. */
export function needsAttention(finding: Finding): boolean {
  return finding.kind !== "added" && finding.kind !== "retyped" && finding.kind !== "unmarked";
}

/** The handler files among generated files, as records (for the manifest). */
export function handlerRecords(files: readonly GeneratedFile[]): HandlerRecord[] {
  return files.flatMap((file) => (file.handler ? [{ path: file.path, service: file.handler.service, methods: file.handler.methods }] : []));
}

/**
 * Plans the handler files of a generation; throws a UserError (nothing may be written) when a
 * new handler file would duplicate user code. `previous` are the manifest's records, if any; without
 * them, the RPCs a handler was generated against come from its old `src/gen/<name>/service.ts`.
 */
export async function planHandlers(
  files: readonly GeneratedFile[],
  reader: OutputReader,
  previous: readonly HandlerRecord[] | undefined,
): Promise<HandlerPlan> {
  const handlers = files.filter((file): file is GeneratedFile & { handler: HandlerInfo } => file.handler !== undefined);
  const generatedPaths = new Set(handlers.map((file) => file.path));
  const plan: HandlerPlan = { merges: [], created: [], orphans: [] };
  const problems: string[] = [];
  const orphans = await orphanHandlers(handlers, generatedPaths, reader);
  const blamed = new Set<string>();
  for (const file of handlers) {
    const existing = await reader.read(file.path);
    if (existing !== undefined) {
      plan.merges.push(await mergeFile(file, existing, reader, previous));
      continue;
    }
    plan.created.push(file.path);
    const renamedFile = await fileImplementing(file, generatedPaths, reader);
    if (renamedFile !== undefined) {
      problems.push(renamedFileMessage(file, renamedFile));
      continue;
    }
    const gone = orphans.filter((orphan) => posix.dirname(orphan) === posix.dirname(file.path));
    if (gone.length > 0) {
      gone.forEach((orphan) => blamed.add(orphan));
      problems.push(await renamedServiceMessage(file, gone, previous));
    }
  }
  if (problems.length > 0) throw new UserError(problems);
  for (const orphan of orphans.filter((path) => !blamed.has(path))) {
    const service = previous?.find((record) => record.path === orphan)?.service;
    plan.orphans.push({
      path: orphan,
      message: `${service ?? "its service"} is no longer in the contract, so its generated code goes away and this handler no longer compiles; delete the file or move its code`,
    });
  }
  return plan;
}

async function mergeFile(
  file: GeneratedFile & { handler: HandlerInfo },
  existing: string,
  reader: OutputReader,
  previous: readonly HandlerRecord[] | undefined,
): Promise<HandlerMerge> {
  const { mergeHandler } = await import("../merge/merge.js");
  const previousMethods = previous?.find((record) => record.path === file.path)?.methods ?? (await oldInterfaceMethods(file, reader));
  const result = mergeHandler({
    existing,
    generated: file.content,
    service: file.handler.service,
    ...(previousMethods === undefined ? {} : { previousMethods }),
  });
  return { path: file.path, service: file.handler.service, existing, result };
}

/** The RPC methods of the service interface the previous generation wrote beside this handler. */
async function oldInterfaceMethods(file: GeneratedFile, reader: OutputReader): Promise<string[] | undefined> {
  const serviceText = await reader.read(serviceFileOf(file.path));
  if (serviceText === undefined) return undefined;
  const { interfaceMethodNames, readContract } = await import("../merge/contract.js");
  return interfaceMethodNames(serviceText, readContract(file.content).interfaceName);
}

/** `<pkg>/src/handlers/x.ts` -> `<pkg>/src/gen/x/service.ts`. */
function serviceFileOf(handlerPath: string): string {
  const handlersDir = posix.dirname(handlerPath);
  return posix.join(posix.dirname(handlersDir), "gen", posix.basename(handlerPath, ".ts"), "service.ts");
}

/**
 * Handler files of services gone from the contract: in a handler folder of this generation, not
 * generated now, with the generated service code of an earlier generation beside them.
 */
async function orphanHandlers(handlers: readonly GeneratedFile[], generated: ReadonlySet<string>, reader: OutputReader): Promise<string[]> {
  const orphans: string[] = [];
  for (const dir of new Set(handlers.map((file) => posix.dirname(file.path)))) {
    for (const name of (await reader.listFiles(dir)).filter((n) => n.endsWith(".ts")).sort()) {
      const path = posix.join(dir, name);
      if (!generated.has(path) && (await reader.read(serviceFileOf(path))) !== undefined) orphans.push(path);
    }
  }
  return orphans;
}

/** Another file in the new handler's folder whose class implements the same service interface. */
async function fileImplementing(file: GeneratedFile, generated: ReadonlySet<string>, reader: OutputReader): Promise<string | undefined> {
  const dir = posix.dirname(file.path);
  const others = (await reader.listFiles(dir)).filter((name) => name.endsWith(".ts")).map((name) => posix.join(dir, name)).filter((path) => !generated.has(path));
  if (others.length === 0) return undefined;
  const { readContract } = await import("../merge/contract.js");
  const { declaresImplementation } = await import("../merge/merge.js");
  const interfaceName = readContract(file.content).interfaceName;
  for (const path of others.sort()) {
    const text = await reader.read(path);
    if (text !== undefined && declaresImplementation(text, interfaceName)) return path;
  }
  return undefined;
}

function renamedFileMessage(file: GeneratedFile & { handler: HandlerInfo }, renamed: string): string {
  return (
    `${renamed} implements ${file.handler.service}, but gen-svc keeps that service's handler in ${file.path}, which is missing, ` +
    `so it would write a second handler there. Rename ${renamed} back to ${file.path} (and its import in src/main.ts) and run again; ` +
    "gen-svc then merges the contract's changes into it. Nothing was written"
  );
}

async function renamedServiceMessage(
  file: GeneratedFile & { handler: HandlerInfo },
  gone: readonly string[],
  previous: readonly HandlerRecord[] | undefined,
): Promise<string> {
  const { readContract } = await import("../merge/contract.js");
  const { className, interfaceName } = readContract(file.content);
  const serviceModule = `../gen/${posix.basename(file.path, ".ts")}/service.js`;
  const described = gone.map((path) => {
    const service = previous?.find((record) => record.path === path)?.service;
    return service === undefined ? path : `${path} (${service})`;
  });
  const which = gone.length === 1 ? gone[0] : "the one that implements it";
  return (
    `${file.handler.service} would get a new handler file ${file.path}, while ${described.join(" and ")}, the handler of a service ` +
    `no longer in the contract, is still there. If you renamed the service, rename ${which} to ${file.path}, its class to ` +
    `${className} and make it implement ${interfaceName} from "${serviceModule}", then run again: gen-svc merges the contract into it. ` +
    `If the old service is gone for good, delete or move ${gone.join(", ")}. Nothing was written`
  );
}
