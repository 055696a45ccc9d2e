import { describe, expect, it } from "vitest";
import { Code } from "../../src/runtime/code.js";
import { ServiceError } from "../../src/runtime/errors.js";
import { HttpRouter, type RouteInput, type RouteMatch } from "../../src/runtime/http/router.js";
import { TemplateSyntaxError } from "../../src/runtime/http/path-template.js";

function router(...routes: Array<[string, string]>): HttpRouter<string> {
  return new HttpRouter<string>(routes.map(([httpMethod, pattern]): RouteInput<string> => ({ httpMethod, pattern, target: `${httpMethod} ${pattern}` })));
}

function found(match: RouteMatch<string>): { target: string; vars: Record<string, string> } {
  if (match.kind !== "found") throw new Error(`expected a match, got ${JSON.stringify(match)}`);
  return { target: match.target, vars: Object.fromEntries(match.variables.map((v) => [v.fieldPath.join("."), v.value])) };
}

describe("http.proto examples", () => {
  it("GET /v1/{name=messages/*}", () => {
    const r = router(["GET", "/v1/{name=messages/*}"]);
    expect(found(r.match("GET", "/v1/messages/123456")).vars).toEqual({ name: "messages/123456" });
    expect(r.match("GET", "/v1/messages/123456/x").kind).toBe("not_found");
    expect(r.match("GET", "/v1/other/1").kind).toBe("not_found");
  });

  it("GET /v1/messages/{message_id}", () => {
    const r = router(["GET", "/v1/messages/{message_id}"]);
    expect(found(r.match("GET", "/v1/messages/123456")).vars).toEqual({ message_id: "123456" });
  });

  it("PATCH with body and additional bindings", () => {
    const r = router(["PATCH", "/v1/messages/{message_id}"], ["GET", "/v1/messages/{message_id}"], ["GET", "/v1/users/{user_id}/messages/{message_id}"]);
    expect(found(r.match("PATCH", "/v1/messages/123456")).target).toBe("PATCH /v1/messages/{message_id}");
    const other = found(r.match("GET", "/v1/users/me/messages/123456"));
    expect(other).toEqual({ target: "GET /v1/users/{user_id}/messages/{message_id}", vars: { user_id: "me", message_id: "123456" } });
  });

  it("nested field paths: /v1/messages/{message_id}/{sub.subfield}", () => {
    const r = router(["GET", "/v1/messages/{message_id}/{sub.subfield}"]);
    expect(found(r.match("GET", "/v1/messages/1/foo")).vars).toEqual({ message_id: "1", "sub.subfield": "foo" });
  });

  it("** matches zero or more segments and binds them with /", () => {
    const r = router(["GET", "/v1/{name=**}"], ["GET", "/v2/{name=shelves/**}"]);
    expect(found(r.match("GET", "/v1/a/b/c")).vars).toEqual({ name: "a/b/c" });
    expect(found(r.match("GET", "/v1/a")).vars).toEqual({ name: "a" });
    expect(found(r.match("GET", "/v2/shelves")).vars).toEqual({ name: "shelves" });
    expect(found(r.match("GET", "/v2/shelves/1/books/2")).vars).toEqual({ name: "shelves/1/books/2" });
  });

  it("segments after ** (Bazel, Firestore)", () => {
    const r = router(["POST", "/v2/{instance_name=**}/actions:execute"], ["GET", "/v1/{parent=projects/*/documents/**}/{collection_id}"]);
    expect(found(r.match("POST", "/v2/a/b/actions:execute")).vars).toEqual({ instance_name: "a/b" });
    expect(found(r.match("POST", "/v2/actions:execute")).vars).toEqual({ instance_name: "" });
    expect(found(r.match("GET", "/v1/projects/p/documents/c/d/e")).vars).toEqual({ parent: "projects/p/documents/c/d", collection_id: "e" });
    expect(r.match("POST", "/v2/a/actions").kind).toBe("not_found");
  });

  it("verbs: custom methods and a literal colon", () => {
    const r = router(["POST", "/v1/{name=projects/*}:undelete"], ["POST", "/v1/{name=projects/*}"], ["GET", "/v1/{id}:a:b"]);
    expect(found(r.match("POST", "/v1/projects/p:undelete"))).toEqual({ target: "POST /v1/{name=projects/*}:undelete", vars: { name: "projects/p" } });
    // Without the verb route, the colon is part of the segment.
    expect(found(r.match("POST", "/v1/projects/p:other")).vars).toEqual({ name: "projects/p:other" });
    expect(found(r.match("POST", "/v1/projects/p")).target).toBe("POST /v1/{name=projects/*}");
    expect(found(r.match("GET", "/v1/x:a:b")).vars).toEqual({ id: "x" });
    // An encoded colon is data, not a verb separator.
    expect(found(r.match("POST", "/v1/projects/p%3Aundelete")).target).toBe("POST /v1/{name=projects/*}");
  });

  it("a verb on a literal path and on the root-level literal", () => {
    const r = router(["POST", "/v1/shelves:batchGet"], ["GET", "/v1/shelves"]);
    expect(found(r.match("POST", "/v1/shelves:batchGet")).target).toBe("POST /v1/shelves:batchGet");
    expect(r.match("POST", "/v1/shelves")).toEqual({ kind: "method_not_allowed", allow: ["GET", "HEAD"] });
  });
});

describe("specificity and ordering", () => {
  it("literal beats * beats **, earlier segments decide first", () => {
    const r = router(["GET", "/v1/{a=**}"], ["GET", "/v1/{a}/x"], ["GET", "/v1/books/{b}"], ["GET", "/v1/{a}/{b}"]);
    expect(found(r.match("GET", "/v1/books/x")).target).toBe("GET /v1/books/{b}");
    expect(found(r.match("GET", "/v1/shelves/x")).target).toBe("GET /v1/{a}/x");
    expect(found(r.match("GET", "/v1/shelves/y")).target).toBe("GET /v1/{a}/{b}");
    expect(found(r.match("GET", "/v1/shelves/y/z")).target).toBe("GET /v1/{a=**}");
  });

  it("a longer template beats its prefix when both match; then declaration order", () => {
    const r = router(["GET", "/a/{x=**}"], ["GET", "/a/{y=**}/b"]);
    expect(found(r.match("GET", "/a/q/b")).target).toBe("GET /a/{y=**}/b");
    const same = router(["GET", "/a/{x}"], ["GET", "/a/{y}"]);
    expect(found(same.match("GET", "/a/1")).target).toBe("GET /a/{x}");
  });

  it("is independent of declaration order for different shapes", () => {
    const routes: Array<[string, string]> = [["GET", "/v1/{n=**}"], ["GET", "/v1/{n=shelves/*}"], ["GET", "/v1/shelves/s1"]];
    for (const order of [routes, [...routes].reverse()]) {
      const r = router(...order);
      expect(found(r.match("GET", "/v1/shelves/s1")).target).toBe("GET /v1/shelves/s1");
      expect(found(r.match("GET", "/v1/shelves/s2")).target).toBe("GET /v1/{n=shelves/*}");
      expect(found(r.match("GET", "/v1/books/b")).target).toBe("GET /v1/{n=**}");
    }
  });
});

describe("methods", () => {
  const r = router(["GET", "/v1/books/{id}"], ["DELETE", "/v1/books/{id}"], ["POST", "/v1/books"], ["*", "/v1/any"], ["HEAD", "/v1/head"], ["GET", "/v1/head"]);

  it("405 lists the methods of the path, sorted, HEAD with GET", () => {
    expect(r.match("PUT", "/v1/books/1")).toEqual({ kind: "method_not_allowed", allow: ["DELETE", "GET", "HEAD"] });
    expect(r.match("GET", "/v1/books")).toEqual({ kind: "method_not_allowed", allow: ["POST"] });
    expect(r.match("GET", "/v2/books").kind).toBe("not_found");
  });

  it("HEAD falls back to GET, prefers a HEAD route", () => {
    expect(found(r.match("HEAD", "/v1/books/1")).target).toBe("GET /v1/books/{id}");
    expect(found(r.match("HEAD", "/v1/head")).target).toBe("HEAD /v1/head");
  });

  it("custom method * accepts any method", () => {
    for (const m of ["GET", "POST", "OPTIONS", "PROPFIND"]) expect(found(r.match(m, "/v1/any")).target).toBe("* /v1/any");
  });

  it("the root path", () => {
    const root = router(["GET", "/"]);
    expect(found(root.match("GET", "/")).target).toBe("GET /");
    expect(root.match("GET", "/x").kind).toBe("not_found");
    expect(root.match("GET", "").kind).toBe("not_found");
  });
});

describe("percent-decoding", () => {
  const r = router(["GET", "/v1/{id}"], ["GET", "/v2/{name=shelves/**}"], ["GET", "/v3/{name=a/*}"], ["GET", "/lit%20eral/x"], ["GET", "/v4/{id}/tail"]);

  it("single-segment variables decode everything, %2F included", () => {
    expect(found(r.match("GET", "/v1/a%2Fb%20c%3F%25")).vars).toEqual({ id: "a/b c?%" });
    expect(found(r.match("GET", "/v1/%E2%82%AC")).vars).toEqual({ id: "€" });
  });

  it("multi-segment variables keep reserved characters encoded", () => {
    expect(found(r.match("GET", "/v2/shelves/a%2Fb/c%20d%3Ae")).vars).toEqual({ name: "shelves/a%2Fb/c d%3Ae" });
    expect(found(r.match("GET", "/v3/a/x%2fy")).vars).toEqual({ name: "a/x%2fy" });
  });

  it("an encoded slash never splits a segment", () => {
    expect(r.match("GET", "/v4/a%2Fb/tail").kind).toBe("found");
    expect(found(r.match("GET", "/v4/a%2Fb/tail")).vars).toEqual({ id: "a/b" });
  });

  it("literals compare after decoding", () => {
    expect(r.match("GET", "/lit%20eral/x").kind).toBe("found");
    expect(r.match("GET", "/%6Cit%20eral/%78").kind).toBe("found");
  });

  it("malformed escapes and bad UTF-8 are INVALID_ARGUMENT ServiceErrors", () => {
    for (const path of ["/v1/a%2", "/v1/%zz", "/v1/%FF", "/v2/shelves/%C3"]) {
      let error: unknown;
      try {
        r.match("GET", path);
      } catch (e) {
        error = e;
      }
      expect(error, path).toBeInstanceOf(ServiceError);
      expect((error as ServiceError).code).toBe(Code.INVALID_ARGUMENT);
    }
  });

  it("empty segments and trailing slashes do not match *", () => {
    expect(r.match("GET", "/v1/").kind).toBe("not_found");
    expect(r.match("GET", "/v4//tail").kind).toBe("not_found");
  });
});

describe("construction", () => {
  it("throws TemplateSyntaxError on a bad pattern", () => {
    expect(() => router(["GET", "v1/x"])).toThrow(TemplateSyntaxError);
    expect(() => router(["GET", "/v1/{a=**}/{b=**}"])).toThrow(TemplateSyntaxError);
  });

  it("scales: many routes, each found", () => {
    const routes: Array<[string, string]> = [];
    for (let i = 0; i < 300; i++) routes.push(["GET", `/v1/svc${i}/{name=items/*}`], ["POST", `/v1/svc${i}/{name=items/*}:run`]);
    const r = router(...routes);
    for (let i = 0; i < 300; i += 37) {
      expect(found(r.match("POST", `/v1/svc${i}/items/x:run`)).target).toBe(`POST /v1/svc${i}/{name=items/*}:run`);
      expect(found(r.match("GET", `/v1/svc${i}/items/x`)).vars).toEqual({ name: "items/x" });
    }
  });
});
