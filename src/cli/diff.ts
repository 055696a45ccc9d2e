/**
 * Unified diffs for `gen-svc check`, in git's form (`--- a/path`, `+++ b/path`, `/dev/null` for a
 * side that does not exist) so that CI logs read like `git diff` and `git apply` accepts them.
 */
import { createTwoFilesPatch, FILE_HEADERS_ONLY } from "diff";

/**
 * The diff from `before` (on disk) to `after` (what gen-svc would write) of the file at `path`;
 * `undefined` stands for an absent file.
 */
export function unifiedDiff(path: string, before: string | undefined, after: string | undefined): string {
  const oldName = before === undefined ? "/dev/null" : `a/${path}`;
  const newName = after === undefined ? "/dev/null" : `b/${path}`;
  return createTwoFilesPatch(oldName, newName, before ?? "", after ?? "", undefined, undefined, {
    headerOptions: FILE_HEADERS_ONLY,
  });
}
