/**
 * The generator as the front ends (CLI and protoc plugin) see it: a function they receive as a
 * dependency, so tests can pass a stand-in.
 */
import type { generate } from "../core/generate.js";

/** The generator's signature: the real `generate`, or a stand-in in tests. */
export type GenerateFn = typeof generate;

/**
 * The real generator, loaded on first use: it pulls in the renderer, prettier and protoc-gen-es,
 * which `--help`, `--version` and usage errors do not need (they start about 3x faster without).
 */
export const lazyGenerate: GenerateFn = async (request, options, onWarning) =>
  (await import("../core/generate.js")).generate(request, options, onWarning);
