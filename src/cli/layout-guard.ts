/**
 * Refusing a regeneration that would orphan user code. One proto package is generated at the
 * root of the output directory, several each into a folder named after its npm package; so adding
 * or removing a proto package can move every package. The stale generated files of a package that
 * moved would be deleted, leaving its handlers, main.ts and tests behind without the code they
 * import, so such a run stops before anything is written and says why.
 */
import { join } from "node:path";
import { UserError } from "../frontend/errors.js";
import type { FileSystem } from "./fs.js";
import { compareStrings } from "../model/order.js";

/** The file that marks a package root: every generated package has exactly one. */
const serverFile = "src/gen/server.ts";

/** Where a package keeps user-owned code (see DESIGN §4). */
const userOwnedPaths = ["src/handlers", "src/main.ts", "test"] as const;

/** The package roots among `paths`: `""` for the output root, else a folder with a trailing `/`. */
function packageRoots(paths: Iterable<string>): string[] {
  const roots: string[] = [];
  for (const path of paths) {
    if (path === serverFile) roots.push("");
    else if (path.endsWith(`/${serverFile}`)) roots.push(path.slice(0, -serverFile.length));
  }
  return roots.sort(compareStrings);
}

/**
 * Throws when a package root of the previous generation (`previousFiles`, from its manifest) is
 * not a package root of this one (`producedFiles`) and still holds user-owned files on disk.
 */
export async function checkLayoutChange(
  fs: FileSystem,
  out: { path: string; display: string },
  previousFiles: readonly string[],
  producedFiles: readonly string[],
): Promise<void> {
  const now = packageRoots(producedFiles);
  const problems: string[] = [];
  for (const root of packageRoots(previousFiles)) {
    if (now.includes(root)) continue;
    const owned = await userOwnedIn(fs, join(out.path, root));
    if (owned.length > 0) problems.push(orphanMessage(out.display, root, now, owned));
  }
  if (problems.length > 0) throw new UserError(problems);
}

/** The user-owned paths present under a package root (a directory counts when not empty). */
async function userOwnedIn(fs: FileSystem, dir: string): Promise<string[]> {
  const present: string[] = [];
  for (const path of userOwnedPaths) {
    const kind = await fs.kind(join(dir, path));
    if (kind === "file" || (kind === "directory" && (await fs.list(join(dir, path))).length > 0)) present.push(path);
  }
  return present;
}

function orphanMessage(display: string, root: string, now: readonly string[], owned: readonly string[]): string {
  const where = (r: string) => (r === "" ? display : join(display, r.slice(0, -1)));
  const folders = now.map(where).join(", ");
  const why = now.includes("")
    ? `the input now has one proto package, which is generated at the root of ${display}`
    : root === ""
      ? `the input now has several proto packages, so each is generated into its own folder (${folders})`
      : `no proto package of the input is generated into ${where(root)} any more (generated now: ${folders || "none"})`;
  return (
    `${where(root)}: refusing to regenerate: ${why}, and the package in ${where(root)} would lose its generated code ` +
    `while your ${owned.join(", ")} stay behind. Nothing was written; generate into a new directory and move your code over ` +
    `(or remove ${owned.join(", ")} from ${where(root)} if you no longer need them)`
  );
}
