/**
 * A call whose context cannot be built (grpc-js fails) is answered INTERNAL at once, for every
 * call kind, instead of leaving the client waiting for its deadline; a request metadata key the
 * runtime's Metadata cannot hold is left out, and the call is served.
 * The failures are injected with grpc-js server interceptors, as a peer or a grpc-js fault would
 * cause them, so the runtime needs no test hooks.
 */
import * as grpc from "@grpc/grpc-js";
import { afterEach, describe, expect, it } from "vitest";
import { Code, makeEndpoint, type CallContext, type ServiceError } from "../../src/runtime/index.js";
import type { EchoRequest } from "./fixtures/gen/echo_pb.js";
import { collect, echo, Harness, rejectionOf, streamOf } from "./harness.js";

const harness = new Harness();
afterEach(() => harness.closeAll());

/**
 * Adds a request metadata key grpc-js accepts (it allows ':' after the first character) but the
 * runtime's Metadata rejects, as if a peer had sent it.
 */
const oddMetadataKey: grpc.ServerInterceptor = (_method, call) =>
  new grpc.ServerInterceptingCall(call, {
    start: (next) =>
      next({
        onReceiveMetadata: (metadata, pass) => {
          metadata.add("x:odd", "1");
          pass(metadata);
        },
      }),
  });

/** Makes grpc-js's getPeer() throw. */
const failingPeer: grpc.ServerInterceptor = (_method, call) =>
  Object.assign(new grpc.ServerInterceptingCall(call), {
    getPeer(): string {
      throw new Error("peer lookup failed");
    },
  });

/** Every method, each counting the calls that reach it. */
function endpoints(reached: { count: number }) {
  const hit = () => void reached.count++;
  return {
    echo: makeEndpoint(echo.methods.echo, async () => (hit(), {})),
    collect: makeEndpoint(echo.methods.collect, async (_ctx, reqs: AsyncIterable<EchoRequest>) => {
      hit();
      await collect(reqs);
      return {};
    }),
    expand: makeEndpoint(echo.methods.expand, async function* () {
      hit();
      yield {};
    }),
    chat: makeEndpoint(echo.methods.chat, async function* () {
      hit();
      yield {};
    }),
  };
}

describe("a call whose setup fails", () => {
  it.each([["a failing getPeer", failingPeer, /peer lookup failed/]])("answers INTERNAL for every call kind: %s", async (_name, interceptor, cause) => {
    const reached = { count: 0 };
    const contexts: CallContext[] = [];
    const { client, reported } = await harness.start(endpoints(reached), {
      serverOptions: { interceptors: [interceptor] },
      onError: (_error, ctx) => contexts.push(ctx),
    });
    // Without an answer the calls would wait for this deadline and fail DEADLINE_EXCEEDED.
    const options = { timeoutMs: 3000 };
    const errors = [
      await rejectionOf(client.unary(echo.methods.echo, {}, options)),
      await rejectionOf(client.clientStream(echo.methods.collect, streamOf({ text: "a" }), options)),
      await rejectionOf(collect(client.serverStream(echo.methods.expand, {}, options))),
      await rejectionOf(collect(client.bidiStream(echo.methods.chat, streamOf({ text: "a" }), options))),
    ];
    for (const error of errors) expect(error).toMatchObject({ code: Code.INTERNAL, message: "internal error" });
    expect(reached.count).toBe(0);
    // Reported like any other failure, with the cause and a context that names the method.
    expect(reported.map((e: ServiceError) => String((e.cause as Error).message))).toEqual(Array(4).fill(expect.stringMatching(cause)));
    expect(contexts.map((ctx) => ctx.method.localName)).toEqual(["echo", "collect", "expand", "chat"]);
    expect(contexts[0]).toMatchObject({ peer: "unknown", transport: "grpc" });
  });
});

describe("request metadata the runtime cannot hold", () => {
  it("is left out, as grpc-* keys are, and the call is served", async () => {
    const seen: CallContext[] = [];
    const { client } = await harness.start(
      { echo: makeEndpoint(echo.methods.echo, async (ctx: CallContext) => (seen.push(ctx), {})) },
      { serverOptions: { interceptors: [oddMetadataKey] } },
    );
    await client.unary(echo.methods.echo, {}, { timeoutMs: 3000, metadata: { "x-kept": "yes" } });
    const metadata = seen[0]!.requestMetadata;
    expect([metadata.has("x:odd"), metadata.get("x-kept")]).toEqual([false, "yes"]);
    expect([...metadata].map(([key]) => key)).not.toContain("x:odd");
  });
});
