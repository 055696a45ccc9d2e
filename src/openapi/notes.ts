/**
 * What a declaration's source says about it beyond its type: comments and
 * `google.api.field_behavior` (REQUIRED, OUTPUT_ONLY, INPUT_ONLY).
 */
import { getOption, type Message, type DescEnum, type DescEnumValue, type DescExtension, type DescField, type DescFile, type DescMessage, type DescMethod, type DescService } from "@bufbuild/protobuf";
import type { GenExtension } from "@bufbuild/protobuf/codegenv2";
import { getComments } from "@bufbuild/protoplugin";
import { cleanComment } from "../model/comments.js";

/** The leading comment of a declaration, else its trailing one; undefined when it has none. */
export function describe(desc: DescMessage | DescEnum | DescEnumValue | DescField | DescMethod | DescService): string | undefined {
  const comments = getComments(desc);
  const text = cleanComment(comments.leading ?? "").trim() || cleanComment(comments.trailing ?? "").trim();
  return text === "" ? undefined : text;
}

/** Joins description parts that are present with blank lines; undefined when none is. */
export function joinDescriptions(...parts: Array<string | undefined>): string | undefined {
  const present = parts.filter((part): part is string => part !== undefined && part !== "");
  return present.length === 0 ? undefined : present.join("\n\n");
}

/** `google.api.FieldBehavior` values the document uses. */
const fieldBehavior = { required: 2, outputOnly: 3, inputOnly: 4 } as const;

/** The field behaviors a field declares, as read through the extension found in its imports. */
export interface FieldBehaviors {
  required: boolean;
  outputOnly: boolean;
  inputOnly: boolean;
}

/**
 * Finds `google.api.field_behavior` among the files the given ones import (transitively); a
 * contract that never imports field_behavior.proto cannot use it, so undefined is fine then.
 */
export function findFieldBehaviorExtension(files: readonly DescFile[]): DescExtension | undefined {
  const seen = new Set<DescFile>();
  const queue = [...files];
  for (let file = queue.shift(); file !== undefined; file = queue.shift()) {
    if (seen.has(file)) continue;
    seen.add(file);
    const found = file.extensions.find((ext) => ext.typeName === "google.api.field_behavior");
    if (found) return found;
    queue.push(...file.dependencies);
  }
  return undefined;
}

/** The behaviors of one field; all false without the extension. */
export function fieldBehaviorsOf(field: DescField, extension: DescExtension | undefined): FieldBehaviors {
  if (extension === undefined) return { required: false, outputOnly: false, inputOnly: false };
  // The extension descriptor comes from the request itself, so its type is only known at run time.
  const values = getOption(field, extension as unknown as GenExtension<Message, number[]>);
  const has = (value: number) => Array.isArray(values) && values.includes(value);
  return { required: has(fieldBehavior.required), outputOnly: has(fieldBehavior.outputOnly), inputOnly: has(fieldBehavior.inputOnly) };
}
