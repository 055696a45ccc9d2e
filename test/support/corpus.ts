/**
 * Where the shared corpus of real-world protos is: `$GEN_SVC_CORPUS`, else `../shared/corpus` next
 * to the repository (the workplace layout), else `/work/shared/corpus` (a clone elsewhere on such
 * a machine). The corpus is not copied into the repository: it is other projects' code.
 */
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";

/** The corpus folder; throws with the places it looked when there is none. */
export function corpusDir(): string {
  const candidates = [
    process.env.GEN_SVC_CORPUS,
    fileURLToPath(new URL("../../../shared/corpus", import.meta.url)),
    "/work/shared/corpus",
  ].filter((dir): dir is string => dir !== undefined && dir !== "");
  const found = candidates.find((dir) => existsSync(`${dir}/ENTRIES.txt`));
  if (found === undefined) throw new Error(`the shared corpus is missing; looked in ${candidates.join(", ")} (set GEN_SVC_CORPUS)`);
  return found;
}
