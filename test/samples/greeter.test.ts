// The greeter sample over real sockets: its generated server, called by its generated client.
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { Code, Metadata, ServiceError, type CallContext } from "../../src/runtime/index.js";
import { GreeterClient } from "../../generated-samples/greeter/src/gen/greeter/grpc-client.js";
import { registerGrpcServices } from "../../generated-samples/greeter/src/gen/server.js";
import { GreeterHandler } from "../../generated-samples/greeter/src/handlers/greeter.js";
import type { SayHelloRequest } from "../../generated-samples/greeter/src/gen/pb/greeter/v1/greeter_pb.js";
import { Opened, rejectionOf } from "./serve.js";

/** Echoes request metadata back as response header and trailer metadata. */
class MetadataEchoingGreeter extends GreeterHandler {
  override async sayHello(request: SayHelloRequest, ctx: CallContext) {
    const tenant = ctx.requestMetadata.get("x-tenant");
    const blob = ctx.requestMetadata.get("x-blob-bin");
    if (typeof tenant === "string") ctx.responseHeader.set("x-tenant-seen", tenant);
    if (blob instanceof Uint8Array) ctx.responseTrailer.set("x-blob-echo-bin", blob.toReversed());
    return super.sayHello(request, ctx);
  }
}

describe("greeter sample", () => {
  const opened = new Opened();
  let client: GreeterClient;

  beforeAll(async () => {
    const port = await opened.serve((s) => registerGrpcServices(s, { greeter: new MetadataEchoingGreeter() }));
    client = opened.track(new GreeterClient(`127.0.0.1:${port}`));
  });
  afterAll(() => opened.closeAll());

  test("SayHello answers a greeting", async () => {
    expect((await client.sayHello({ name: "Ada" })).message).toBe("Hello, Ada!");
    expect((await client.sayHello({})).message).toBe("Hello, world!");
  });

  test("metadata travels both ways, text and binary, header and trailer", async () => {
    let header: Metadata | undefined;
    let trailer: Metadata | undefined;
    const metadata = new Metadata({ "x-tenant": "acme", "x-blob-bin": new Uint8Array([1, 2, 3, 255]) });
    await client.sayHello({ name: "Ada" }, { metadata, onHeader: (m) => (header = m), onTrailer: (m) => (trailer = m) });
    expect(header?.get("x-tenant-seen")).toBe("acme");
    expect(trailer?.get("x-blob-echo-bin")).toEqual(new Uint8Array([255, 3, 2, 1]));
  });

  test("a 1 MiB message goes both ways", async () => {
    const name = "é".repeat(512 * 1024); // 1 MiB of UTF-8
    const reply = await client.sayHello({ name });
    expect(reply.message.length).toBe(name.length + "Hello, !".length);
  });

  test("an aborted call fails with CANCELLED", async () => {
    const controller = new AbortController();
    controller.abort();
    const error = await rejectionOf(client.sayHello({ name: "x" }, { signal: controller.signal }));
    expect(error).toBeInstanceOf(ServiceError);
    expect((error as ServiceError).code).toBe(Code.CANCELLED);
  });

  test("a server that is not there fails with UNAVAILABLE", async () => {
    const nowhere = opened.track(new GreeterClient("127.0.0.1:1"));
    const error = await rejectionOf(nowhere.sayHello({}, { timeoutMs: 5000 }));
    expect((error as ServiceError).code).toBe(Code.UNAVAILABLE);
  });
});
