/**
 * The HTTP router: all bindings of all services compiled once into a segment trie.
 *
 * Matching walks the trie (literal child, then `*` child, then the `**` routes of a node, whose
 * remaining segments have a fixed length and are aligned with the end of the path), so its cost
 * depends on the path's length, not on the number of routes. Every route that matches the path is
 * collected; the winner is the most specific (see {@link compareSpecificity}) among those that
 * accept the HTTP method.
 *
 * Decisions where google/api/http.proto is silent:
 * - `**` matches zero or more segments; `*` matches exactly one non-empty segment, so `/v1/x/`
 *   (trailing slash) and `/v1//x` match nothing with a `*` there.
 * - The verb: a template with verb `v` matches when the last path segment ends in `:v` (the real
 *   `:`, not `%3A`); the rest of that segment is matched as the last segment. A template without a
 *   verb matches the whole segment, `:` included, so `/v1/{name}` also matches `/v1/x:undelete`;
 *   when both match, the verb-bearing template wins.
 * - Specificity: templates compare segment by segment, literal before `*` before `**`, the first
 *   difference decides; a template that extends another one wins; then one with a verb; then the
 *   one declared first.
 * - HEAD uses a HEAD (or `*`) route, else a GET route. 405's `Allow` lists the methods of the
 *   routes matching the path (HEAD added when GET is there), sorted.
 * - A malformed `%` escape, or escapes that are not UTF-8, anywhere in the path: 400
 *   INVALID_ARGUMENT (a ServiceError thrown by `match`), rather than a misleading 404.
 */
import { Code } from "../code.js";
import { ServiceError } from "../errors.js";
import { parsePathTemplate, TemplateSyntaxError, type PathSegment } from "./path-template.js";

/** One binding to compile: an HTTP method (`GET`, ..., a custom one, or `*`), a template and what it serves. */
export interface RouteInput<T> {
  httpMethod: string;
  pattern: string;
  target: T;
}

/** A path variable's field path and its decoded value. */
export interface PathVariable {
  fieldPath: readonly string[];
  value: string;
}

/** The outcome of {@link HttpRouter.match}. */
export type RouteMatch<T> =
  | { kind: "found"; target: T; variables: ReadonlyArray<PathVariable> }
  | { kind: "method_not_allowed"; allow: readonly string[] }
  | { kind: "not_found" };

const NO_VARIABLES: ReadonlyArray<PathVariable> = Object.freeze([]);
const LITERAL_MATCHES_MAX = 4096;

const LITERAL = 0;
const STAR = 1;
const DEEP = 2;

interface FlatSegment {
  kind: typeof LITERAL | typeof STAR | typeof DEEP;
  value: string; // the literal, decoded like a multi-segment variable; "" otherwise
}

interface RouteVariable {
  fieldPath: readonly string[];
  start: number; // template indices [start, end) of the flattened segments
  end: number;
  single: boolean; // exactly one segment, not `**`: decodes %2F too
}

interface CompiledRoute<T> {
  target: T;
  method: string;
  verb: string | undefined;
  order: number;
  segments: FlatSegment[];
  deepAt: number; // index of `**` in segments, -1 if none
  variables: RouteVariable[];
}

class TrieNode<T> {
  readonly literals = new Map<string, TrieNode<T>>();
  star: TrieNode<T> | undefined;
  /** Routes ending here. */
  readonly terminals: CompiledRoute<T>[] = [];
  /** Routes with `**` here; the segments after it are literals and `*` only. */
  readonly deep: CompiledRoute<T>[] = [];
}

/** Routes HTTP requests to the binding whose template matches best. */
export class HttpRouter<T> {
  private readonly root = new TrieNode<T>();
  private readonly verbs: string[] = [];
  /**
   * Answers already found for paths that led to a route of literals only (`POST /pkg.Svc/Method`
   * and the like): a map lookup instead of splitting and walking. Only paths without `%` and
   * routes without variables or wildcards go in, so its size is bounded by the routes' own
   * paths; the cap is a second guard.
   */
  private readonly literalMatches = new Map<string, Map<string, RouteMatch<T>>>();
  private literalMatchCount = 0;

  /** Compiles the routes; throws TemplateSyntaxError on a bad pattern. */
  constructor(routes: ReadonlyArray<RouteInput<T>>) {
    routes.forEach((route, order) => this.insert(compileRoute(route, order)));
  }

  /**
   * Finds the route for a request. `rawPath` is the URL path, still percent-encoded, without the
   * query. Throws ServiceError(INVALID_ARGUMENT) on malformed percent-encoding.
   */
  match(httpMethod: string, rawPath: string): RouteMatch<T> {
    // By method, then path: no "METHOD path" string to build and hash per request.
    const known = this.literalMatches.get(httpMethod)?.get(rawPath);
    if (known !== undefined) return known;
    const result = this.search(httpMethod, rawPath);
    if (result.kind === "found" && result.route.deepAt < 0 && result.route.variables.length === 0 && result.route.segments.every((s) => s.kind === LITERAL)) {
      const answer: RouteMatch<T> = { kind: "found", target: result.route.target, variables: NO_VARIABLES };
      if (!rawPath.includes("%") && this.literalMatchCount < LITERAL_MATCHES_MAX) this.remember(httpMethod, rawPath, answer);
      return answer;
    }
    return result.kind === "found" ? { kind: "found", target: result.route.target, variables: result.variables } : result;
  }

  private remember(httpMethod: string, rawPath: string, answer: RouteMatch<T>): void {
    let byPath = this.literalMatches.get(httpMethod);
    if (byPath === undefined) this.literalMatches.set(httpMethod, (byPath = new Map()));
    byPath.set(rawPath, answer);
    this.literalMatchCount++;
  }

  private search(httpMethod: string, rawPath: string): Exclude<RouteMatch<T>, { kind: "found" }> | { kind: "found"; route: CompiledRoute<T>; variables: PathVariable[] } {
    if (!rawPath.startsWith("/")) return { kind: "not_found" };
    const raw = rawPath === "/" ? [] : rawPath.slice(1).split("/");
    const decoded = rawPath.includes("%") ? raw.map(decodeUnreserved) : raw;
    const found: Array<{ route: CompiledRoute<T>; verbMatch: boolean }> = [];
    this.walk(this.root, decoded, undefined, undefined, 0, found);
    const last = decoded[decoded.length - 1];
    if (last !== undefined) {
      for (const verb of this.verbs) {
        if (last.length > verb.length + 1 && last.endsWith(verb) && last[last.length - verb.length - 1] === ":") {
          this.walk(this.root, decoded, last.slice(0, last.length - verb.length - 1), verb, 0, found);
        }
      }
    }
    if (found.length === 0) return { kind: "not_found" };
    const best = pickBest(found, httpMethod);
    if (!best) return { kind: "method_not_allowed", allow: allowed(found) };
    return { kind: "found", route: best, variables: extractVariables(best, raw) };
  }

  private insert(route: CompiledRoute<T>): void {
    if (route.verb !== undefined && !this.verbs.includes(route.verb)) this.verbs.push(route.verb);
    let node = this.root;
    for (const segment of route.segments) {
      if (segment.kind === DEEP) {
        node.deep.push(route);
        return;
      }
      if (segment.kind === STAR) node = node.star ??= new TrieNode<T>();
      else {
        let next = node.literals.get(segment.value);
        if (!next) node.literals.set(segment.value, (next = new TrieNode<T>()));
        node = next;
      }
    }
    node.terminals.push(route);
  }

  /** Collects the routes matching `segments` (the last one replaced by `last` in a verb pass). */
  private walk(node: TrieNode<T>, segments: string[], last: string | undefined, verb: string | undefined, depth: number, found: Array<{ route: CompiledRoute<T>; verbMatch: boolean }>): void {
    const n = segments.length;
    for (const route of node.deep) {
      if (route.verb === verb && deepSuffixMatches(route, segments, last, depth)) found.push({ route, verbMatch: verb !== undefined });
    }
    if (depth === n) {
      for (const route of node.terminals) if (route.verb === verb) found.push({ route, verbMatch: verb !== undefined });
      return;
    }
    const segment = depth === n - 1 && last !== undefined ? last : segments[depth]!;
    const literal = node.literals.get(segment);
    if (literal) this.walk(literal, segments, last, verb, depth + 1, found);
    if (node.star && segment !== "") this.walk(node.star, segments, last, verb, depth + 1, found);
  }
}

function deepSuffixMatches<T>(route: CompiledRoute<T>, segments: string[], last: string | undefined, depth: number): boolean {
  const suffix = route.segments.length - route.deepAt - 1;
  const n = segments.length;
  if (n - depth < suffix) return false;
  for (let k = 0; k < suffix; k++) {
    const template = route.segments[route.deepAt + 1 + k]!;
    const i = n - suffix + k;
    const segment = i === n - 1 && last !== undefined ? last : segments[i]!;
    if (template.kind === LITERAL ? segment !== template.value : segment === "") return false;
  }
  return true;
}

function compileRoute<T>(input: RouteInput<T>, order: number): CompiledRoute<T> {
  const template = parsePathTemplate(input.pattern);
  const segments: FlatSegment[] = [];
  const variables: RouteVariable[] = [];
  const add = (segment: PathSegment): void => {
    if (segment.kind === "literal") segments.push({ kind: LITERAL, value: normalizeLiteral(segment.value) });
    else if (segment.kind === "wildcard") segments.push({ kind: STAR, value: "" });
    else if (segment.kind === "deep_wildcard") segments.push({ kind: DEEP, value: "" });
  };
  for (const segment of template.segments) {
    if (segment.kind !== "variable") {
      add(segment);
      continue;
    }
    const start = segments.length;
    segment.segments.forEach(add);
    const single = segment.segments.length === 1 && segment.segments[0]!.kind !== "deep_wildcard";
    variables.push({ fieldPath: segment.fieldPath, start, end: segments.length, single });
  }
  const verb = template.verb === undefined ? undefined : normalizeLiteral(template.verb);
  const deepAt = segments.findIndex((s) => s.kind === DEEP);
  return { target: input.target, method: input.httpMethod, verb, order, segments, deepAt, variables };
}

function normalizeLiteral(literal: string): string {
  try {
    return decodeUnreserved(literal);
  } catch (error) {
    throw new TemplateSyntaxError(`literal "${literal}": ${(error as Error).message}`);
  }
}

function accepts(route: { method: string }, method: string): boolean {
  return route.method === method || route.method === "*";
}

function pickBest<T>(found: Array<{ route: CompiledRoute<T>; verbMatch: boolean }>, method: string): CompiledRoute<T> | undefined {
  let best = bestOf(found, (r) => accepts(r, method));
  if (!best && method === "HEAD") best = bestOf(found, (r) => r.method === "GET");
  return best;
}

function bestOf<T>(found: Array<{ route: CompiledRoute<T> }>, keep: (route: CompiledRoute<T>) => boolean): CompiledRoute<T> | undefined {
  let best: CompiledRoute<T> | undefined;
  for (const { route } of found) {
    if (keep(route) && (!best || compareSpecificity(route, best) < 0)) best = route;
  }
  return best;
}

/** Negative when `a` is more specific than `b`. */
function compareSpecificity(a: CompiledRoute<unknown>, b: CompiledRoute<unknown>): number {
  const n = Math.min(a.segments.length, b.segments.length);
  for (let i = 0; i < n; i++) {
    const d = a.segments[i]!.kind - b.segments[i]!.kind;
    if (d !== 0) return d;
  }
  if (a.segments.length !== b.segments.length) return b.segments.length - a.segments.length;
  const verbs = Number(b.verb !== undefined) - Number(a.verb !== undefined);
  return verbs !== 0 ? verbs : a.order - b.order;
}

function allowed<T>(found: Array<{ route: CompiledRoute<T> }>): string[] {
  const methods = new Set(found.map(({ route }) => route.method));
  if (methods.has("GET")) methods.add("HEAD");
  return [...methods].sort();
}

function extractVariables<T>(route: CompiledRoute<T>, raw: string[]): PathVariable[] {
  if (route.variables.length === 0) return [];
  const segments = route.verb === undefined ? raw : withoutVerb(raw, route.verb);
  const toPath = (i: number): number => (route.deepAt < 0 || i <= route.deepAt ? i : segments.length - (route.segments.length - i));
  return route.variables.map((v) => {
    const from = toPath(v.start);
    // A variable ending with `**` ends where the fixed-length suffix starts.
    const to = v.end - 1 === route.deepAt ? segments.length - (route.segments.length - v.end) : toPath(v.end - 1) + 1;
    const text = segments.slice(from, to).join("/");
    return { fieldPath: v.fieldPath, value: v.single ? decodeAll(text) : decodeUnreserved(text) };
  });
}

/** The raw segments with `:verb` cut from the last one; the verb's colons are real colons in both forms. */
function withoutVerb(raw: string[], verb: string): string[] {
  const last = raw[raw.length - 1]!;
  let cut = last.length;
  for (let colons = verb.split(":").length; colons > 0; colons--) cut = last.lastIndexOf(":", cut - 1);
  return [...raw.slice(0, -1), last.slice(0, cut)];
}

// ---- percent-decoding (http.proto): one-segment variables decode everything, `%2F` included;
// multi-segment variables and literals decode all but the RFC 6570 reserved characters.

const reservedBytes = new Set(Array.from(":/?#[]@!$&'()*+,;=", (c) => c.charCodeAt(0)));
const utf8 = new TextDecoder("utf-8", { fatal: true });
const hexPair = /^[0-9A-Fa-f]{2}$/;

/** Decodes every escape, `%2F` included. Throws ServiceError(INVALID_ARGUMENT) if malformed. */
export function decodeAll(text: string): string {
  return text.includes("%") ? decode(text, false) : text;
}

/** Decodes every escape except those of reserved characters. Throws ServiceError(INVALID_ARGUMENT) if malformed. */
export function decodeUnreserved(text: string): string {
  return text.includes("%") ? decode(text, true) : text;
}

function decode(text: string, keepReserved: boolean): string {
  let out = "";
  let bytes: number[] = [];
  const flush = (): void => {
    if (bytes.length === 0) return;
    try {
      out += utf8.decode(Uint8Array.from(bytes));
    } catch {
      throw new ServiceError(Code.INVALID_ARGUMENT, `percent-encoded path segment "${text}" is not valid UTF-8`);
    }
    bytes = [];
  };
  for (let i = 0; i < text.length; ) {
    if (text[i] !== "%") {
      flush();
      out += text[i++];
      continue;
    }
    const hex = text.slice(i + 1, i + 3);
    if (!hexPair.test(hex)) throw new ServiceError(Code.INVALID_ARGUMENT, `malformed percent-encoding in path segment "${text}"`);
    const byte = Number.parseInt(hex, 16);
    if (keepReserved && reservedBytes.has(byte)) {
      flush();
      out += text.slice(i, i + 3);
    } else bytes.push(byte);
    i += 3;
  }
  flush();
  return out;
}
