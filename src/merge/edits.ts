/**
 * Minimal text edits: the merge never reprints a file, it replaces or inserts exact ranges, so
 * every byte outside them stays as it was.
 */

/** Replaces `text[pos, end)` with `insert`; `pos === end` inserts. */
export interface TextEdit {
  pos: number;
  end: number;
  insert: string;
}

/**
 * Applies non-overlapping edits. Edits at the same offset keep the order they were given in, and
 * an insertion at the start of a replaced range goes before the replacement.
 */
export function applyEdits(text: string, edits: readonly TextEdit[]): string {
  const sorted = sortEdits(edits);
  let result = "";
  let cursor = 0;
  for (const edit of sorted) {
    if (edit.pos < cursor) throw new Error(`overlapping merge edits at offset ${edit.pos}`);
    result += text.slice(cursor, edit.pos) + edit.insert;
    cursor = edit.end;
  }
  return result + text.slice(cursor);
}

/** Where an offset of the original text ends up once `edits` are applied (inside a replaced range: its start). */
export function mapOffset(edits: readonly TextEdit[], pos: number): number {
  let shift = 0;
  for (const edit of sortEdits(edits)) {
    if (edit.pos > pos || (edit.pos === pos && edit.end > pos)) break;
    if (edit.end > pos) return edit.pos + shift;
    shift += edit.insert.length - (edit.end - edit.pos);
  }
  return pos + shift;
}

/** The offset in the edited text where `edit`'s inserted text begins. */
export function insertedAt(edits: readonly TextEdit[], edit: TextEdit): number {
  let shift = 0;
  for (const other of sortEdits(edits)) {
    if (other === edit) return edit.pos + shift;
    shift += other.insert.length - (other.end - other.pos);
  }
  throw new Error("edit not among the edits");
}

function sortEdits(edits: readonly TextEdit[]): TextEdit[] {
  // A stable sort: insertions at one offset stay in the order given.
  return edits
    .map((edit, index) => ({ edit, index }))
    .sort((a, b) => a.edit.pos - b.edit.pos || insertionFirst(a.edit, b.edit) || a.index - b.index)
    .map(({ edit }) => edit);
}

function insertionFirst(a: TextEdit, b: TextEdit): number {
  return Number(a.end > a.pos) - Number(b.end > b.pos);
}
