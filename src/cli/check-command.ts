/**
 * `gen-svc check`: for every `gen-svc.json` under the given directories, regenerate in memory
 * from the manifest and compare with the disk. Stale generated files are printed as unified diffs
 * (stdout) and the command exits 1. Handler files are checked against the contract the way
 * `generate` would merge it: what it would change is reported with `file:line:col` and a diff, and
 * counts as stale; other user-owned files are never compared.
 */
import { dirname, join, resolve } from "node:path";
import { unifiedDiff } from "./diff.js";
import { UserError, errorMessages } from "../frontend/errors.js";
import { exitCodes } from "./errors.js";
import { readText, walkFiles, type FileSystem } from "./fs.js";
import type { CommandDeps } from "./generate-command.js";
import { manifestName, manifestOptionPairs, parseManifest, serializeManifest } from "./manifest.js";
import { handlerRecords, planHandlers, type HandlerPlan } from "../frontend/handlers.js";
import type { Finding } from "../merge/merge.js";
import { outputReader } from "./output-plan.js";
import { relativePosix } from "./paths.js";
import { produce } from "./produce.js";

/** Directories a search for manifests does not enter: dependencies, build output, git. */
const skippedDirs = new Set(["node_modules", "dist", ".git"]);

/** Runs `check` over `dirs` (default: the current directory); returns the exit status. */
export async function runCheck(deps: CommandDeps, dirs: readonly string[]): Promise<number> {
  const roots = dirs.length > 0 ? dirs : ["."];
  const manifests = await findManifests(deps.fs, deps.cwd, roots);
  if (manifests.length === 0) throw new UserError(`check: no ${manifestName} found under ${roots.join(", ")}`);
  const stale: string[] = [];
  let staleFiles = 0;
  for (const manifest of manifests) {
    const count = await checkPackage(deps, manifest);
    if (count > 0) {
      stale.push(relativePosix(deps.cwd, dirname(manifest)));
      staleFiles += count;
    }
  }
  if (stale.length === 0) {
    deps.stdout(`gen-svc check: ${manifests.length} ${plural(manifests.length, "package")} up to date\n`);
    return exitCodes.ok;
  }
  deps.stderr(
    `gen-svc: check: ${stale.length} of ${manifests.length} ${plural(manifests.length, "package")} out of date ` +
      `(${staleFiles} ${plural(staleFiles, "file")}): ${stale.join(", ")}; run gen-svc generate again\n`,
  );
  return exitCodes.error;
}

/** The absolute paths of the manifests under `roots`, in a stable order. */
async function findManifests(fs: FileSystem, cwd: string, roots: readonly string[]): Promise<string[]> {
  const found = new Set<string>();
  for (const root of roots) {
    const dir = resolve(cwd, root);
    if ((await fs.kind(dir)) !== "directory") throw new UserError(`${root}: no such directory`);
    const rels = await walkFiles(fs, dir, { keepFile: (name) => name === manifestName, skipDir: (name) => skippedDirs.has(name) });
    for (const rel of rels) found.add(join(dir, rel));
  }
  return [...found];
}

/**
 * Checks one package and prints its diffs; returns how many files are stale. A package that
 * cannot be regenerated (bad manifest, proto errors) counts as one stale file, with its errors.
 */
async function checkPackage(deps: CommandDeps, manifestPath: string): Promise<number> {
  try {
    const { diffs, warnings } = await packageDiffs(deps, manifestPath);
    for (const diff of diffs) deps.stdout(diff);
    for (const warning of warnings) deps.stderr(`gen-svc: warning: ${warning}\n`);
    return diffs.length;
  } catch (error) {
    const where = relativePosix(deps.cwd, manifestPath);
    for (const message of errorMessages(error)) deps.stderr(`gen-svc: ${where}: ${message}\n`);
    return 1;
  }
}

/** What is stale in one package (one entry per file) and what only deserves a warning. */
interface PackageReport {
  diffs: string[];
  warnings: string[];
}

/** The diffs between the disk and a regeneration of the manifest at `manifestPath`. */
async function packageDiffs(deps: CommandDeps, manifestPath: string): Promise<PackageReport> {
  const display = relativePosix(deps.cwd, manifestPath);
  const manifest = parseManifest(await readText(deps.fs, manifestPath), display);
  const dir = dirname(manifestPath);
  // Paths relative to the working directory, so that compile errors name files as the user sees them.
  const fromCwd = (path: string) => relativePosix(deps.cwd, resolve(dir, path));
  const produced = await produce(deps, {
    cwd: deps.cwd,
    args: manifest.inputs.map(fromCwd),
    includes: manifest.includes.map(fromCwd),
    pairs: manifestOptionPairs(manifest),
  });
  const expected = new Map(produced.files.filter((file) => !file.userOwned).map((file) => [file.path, file.content]));
  expected.set(manifestName, serializeManifest({ ...manifest, files: [...expected.keys()], handlers: handlerRecords(produced.files) }));
  const diffs: string[] = [];
  const compare = async (path: string, content: string | undefined) => {
    const onDisk = await readIfFile(deps.fs, join(dir, path));
    if (onDisk !== content) diffs.push(unifiedDiff(fromCwd(path), onDisk, content));
  };
  for (const [path, content] of expected) await compare(path, content);
  // Files the manifest says gen-svc wrote that it would no longer write: a regeneration deletes them.
  const produces = new Set(produced.files.map((file) => file.path));
  for (const path of manifest.files) if (!produces.has(path)) await compare(path, undefined);
  const handlers = await planHandlers(produced.files, outputReader(deps.fs, dir), manifest.handlers);
  return handlerReport(handlers, fromCwd, diffs);
}

/**
 * Adds the handler files that `generate` would change (a missing file, a missing method, a
 * signature, a method to mark) to `diffs`, each as its `file:line:col` findings and a unified
 * diff; findings `generate` would not change anything for are warnings.
 */
function handlerReport(handlers: HandlerPlan, fromCwd: (path: string) => string, diffs: string[]): PackageReport {
  const warnings = handlers.orphans.map((orphan) => `${fromCwd(orphan.path)}: ${orphan.message}`);
  for (const path of handlers.created) diffs.push(`${fromCwd(path)}: missing; gen-svc generate writes a stub handler there\n`);
  for (const merge of handlers.merges) {
    const where = (finding: Finding) => `${fromCwd(merge.path)}:${finding.at.line}:${finding.at.column}: ${finding.message}`;
    warnings.push(...merge.result.findings.filter((f) => !f.changes).map(where));
    if (!merge.result.changed) continue;
    const findings = merge.result.findings.filter((f) => f.changes).map((f) => `${where(f)}\n`);
    diffs.push(findings.join("") + unifiedDiff(fromCwd(merge.path), merge.existing, merge.result.text));
  }
  return { diffs, warnings };
}

async function readIfFile(fs: FileSystem, path: string): Promise<string | undefined> {
  return (await fs.kind(path)) === "file" ? readText(fs, path) : undefined;
}

function plural(count: number, noun: string): string {
  return count === 1 ? noun : `${noun}s`;
}
