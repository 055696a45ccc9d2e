/**
 * The `google.api.http` path template grammar (google/api/http.proto):
 *
 *     Template = "/" Segments [ Verb ] ;
 *     Segments = Segment { "/" Segment } ;
 *     Segment  = "*" | "**" | LITERAL | Variable ;
 *     Variable = "{" FieldPath [ "=" Segments ] "}" ;
 *     FieldPath = IDENT { "." IDENT } ;
 *     Verb     = ":" LITERAL ;
 *
 * LITERAL is a run of RFC 3986 path characters (pchar), which include ":". Where the verb starts
 * is therefore ambiguous; this follows grpc-gateway, the reference that real-world contracts are
 * written against: after a closing "}" the verb is everything after the first ":"
 * (`/{id}:a:b` has the verb `a:b`), otherwise it starts at the last ":" of the last segment.
 */
/** One segment of a path template. */
export type PathSegment =
  | { kind: "literal"; value: string }
  | { kind: "wildcard" } // `*`: exactly one segment
  | { kind: "deep_wildcard" } // `**`: the rest of the path
  | { kind: "variable"; fieldPath: string[]; segments: PathSegment[] }; // `{a.b=...}`

/** A parsed path template: `/v1/{name=shelves/*}:verb`. */
export interface PathTemplate {
  segments: PathSegment[];
  verb: string | undefined;
}

/** A template that does not follow the grammar; the message says what and where. */
export class TemplateSyntaxError extends Error {
  override readonly name = "TemplateSyntaxError";
}

/** Parses and checks a path template; throws TemplateSyntaxError. `{x}` reads as `{x=*}`. */
export function parsePathTemplate(pattern: string): PathTemplate {
  if (!pattern.startsWith("/")) throw new TemplateSyntaxError(`must start with "/"`);
  const { path, verb } = splitVerb(pattern);
  if (verb !== undefined) checkLiteral(verb, "verb");
  // "/" alone has no segment; the grammar asks for one, but serving the root is legitimate.
  const segments = path === "/" && verb === undefined ? [] : new Parser(path).template();
  checkDeepWildcard(segments);
  checkUniqueVariables(segments);
  return { segments, verb };
}

/**
 * The route shape of a template: variables replaced by what they match, so `/v1/{name}` and
 * `/v1/{id=*}` have the same key: a router cannot tell them apart.
 */
export function routeKey(template: PathTemplate): string {
  const path = flatten(template.segments).map(segmentKey).join("/");
  return "/" + path + (template.verb === undefined ? "" : ":" + template.verb);
}

/** The variables of a template, in order. */
export function templateVariables(template: PathTemplate): Array<Extract<PathSegment, { kind: "variable" }>> {
  return template.segments.filter((s) => s.kind === "variable");
}

// Only called on flattened segments, which hold no variables.
function segmentKey(segment: PathSegment): string {
  if (segment.kind === "literal") return segment.value;
  return segment.kind === "deep_wildcard" ? "**" : "*";
}

/** The segments a template matches, variables expanded to their own segments. */
function flatten(segments: PathSegment[]): PathSegment[] {
  return segments.flatMap((s) => (s.kind === "variable" ? flatten(s.segments) : [s]));
}

function splitVerb(pattern: string): { path: string; verb: string | undefined } {
  const lastSlash = topLevelLastSlash(pattern);
  const last = pattern.slice(lastSlash + 1);
  const close = last.lastIndexOf("}");
  const colon = close >= 0 ? last.indexOf(":", close) : last.lastIndexOf(":");
  if (colon < 0) return { path: pattern, verb: undefined };
  const at = lastSlash + 1 + colon;
  return { path: pattern.slice(0, at), verb: pattern.slice(at + 1) };
}

// The "/" inside `{name=a/*}` separate a variable's segments, not the template's.
function topLevelLastSlash(pattern: string): number {
  let depth = 0;
  let last = 0;
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i];
    if (c === "{") depth++;
    else if (c === "}") depth = Math.max(0, depth - 1);
    else if (c === "/" && depth === 0) last = i;
  }
  return last;
}

/**
 * http.proto says `**` "must be the last part of the URL path except the Verb", but Google's own
 * APIs (Firestore's ListDocuments ends in `/**}/{collection_id}`) and Bazel's remote
 * execution API (`/v2/{instance_name=**}/actions:execute`) put segments after it, and Google's
 * and Envoy's path matchers serve them. With a single `**`, matching stays unambiguous: the
 * segments around it have fixed lengths. So only a second `**` is an error.
 */
function checkDeepWildcard(segments: PathSegment[]): void {
  const deep = flatten(segments).filter((s) => s.kind === "deep_wildcard").length;
  if (deep > 1) throw new TemplateSyntaxError(`"**" may appear only once`);
}

function checkUniqueVariables(segments: PathSegment[]): void {
  const seen = new Set<string>();
  for (const variable of segments.filter((s) => s.kind === "variable")) {
    const name = variable.fieldPath.join(".");
    if (seen.has(name)) throw new TemplateSyntaxError(`variable "${name}" is bound twice`);
    seen.add(name);
  }
}

// pchar = unreserved / pct-encoded / sub-delims / ":" / "@" (RFC 3986). "/" "{" "}" never reach
// here (the parser splits on them) and a lone "*" or "**" is a wildcard.
const literalPattern = /^(?:[A-Za-z0-9\-._~!$&'()*+,;=:@]|%[0-9A-Fa-f]{2})+$/;

function checkLiteral(text: string, what: string): void {
  if (text === "") throw new TemplateSyntaxError(`empty ${what}`);
  if (!literalPattern.test(text)) throw new TemplateSyntaxError(`invalid ${what} "${text}" (allowed: letters, digits, -._~!$&'()*+,;=:@ and %XX escapes)`);
}

/** A recursive-descent parser over the path part of a template (the verb already split off). */
class Parser {
  private pos = 1; // after the leading "/"

  constructor(private readonly text: string) {}

  template(): PathSegment[] {
    const segments = this.segments(false);
    if (this.pos < this.text.length) this.fail(`unexpected "${this.text[this.pos]}"`);
    return segments;
  }

  private segments(inVariable: boolean): PathSegment[] {
    const segments = [this.segment(inVariable)];
    while (this.peek() === "/") {
      this.pos++;
      segments.push(this.segment(inVariable));
    }
    return segments;
  }

  private segment(inVariable: boolean): PathSegment {
    if (this.peek() === "{") {
      if (inVariable) this.fail("a variable must not contain another variable");
      return this.variable();
    }
    const start = this.pos;
    // "=" is a path character: it is special only right after a variable's field path.
    while (this.pos < this.text.length && !"/{}".includes(this.text[this.pos] ?? "")) this.pos++;
    const text = this.text.slice(start, this.pos);
    if (text === "*") return { kind: "wildcard" };
    if (text === "**") return { kind: "deep_wildcard" };
    if (text === "") this.fail("empty segment");
    checkLiteral(text, "literal");
    return { kind: "literal", value: text };
  }

  private variable(): PathSegment {
    this.pos++; // "{"
    const fieldPath = [this.ident()];
    while (this.peek() === ".") {
      this.pos++;
      fieldPath.push(this.ident());
    }
    let segments: PathSegment[] = [{ kind: "wildcard" }];
    if (this.peek() === "=") {
      this.pos++;
      segments = this.segments(true);
    }
    if (this.peek() !== "}") this.fail(`expected "}" to close the variable "${fieldPath.join(".")}"`);
    this.pos++;
    return { kind: "variable", fieldPath, segments };
  }

  private ident(): string {
    const match = /^[A-Za-z_][A-Za-z0-9_]*/.exec(this.text.slice(this.pos));
    if (!match) this.fail("expected a field name");
    this.pos += match[0].length;
    return match[0];
  }

  private peek(): string | undefined {
    return this.text[this.pos];
  }

  private fail(message: string): never {
    const where = this.pos < this.text.length ? `at offset ${this.pos}` : "at the end";
    throw new TemplateSyntaxError(`${message} ${where}`);
  }
}
