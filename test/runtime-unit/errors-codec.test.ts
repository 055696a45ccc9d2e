/** ServiceError, google.rpc.Status and the protobuf-es codec, without sockets. */
import { create, isMessage } from "@bufbuild/protobuf";
import { StringValueSchema } from "@bufbuild/protobuf/wkt";
import { describe, expect, it } from "vitest";
import {
  BadRequestSchema,
  Code,
  decodeStatus,
  encodeStatus,
  ErrorInfoSchema,
  errorFromStatus,
  fromGrpcMetadata,
  Metadata,
  packDetail,
  protobufEsCodec,
  ServiceError,
  statusFromError,
  toGrpcMetadata,
} from "../../src/runtime/index.js";
import { EchoRequestSchema } from "./fixtures/gen/echo_pb.js";
import { echo } from "./harness.js";

describe("ServiceError.from", () => {
  it("passes a ServiceError through", () => {
    const error = new ServiceError(Code.NOT_FOUND, "no such user");
    expect(ServiceError.from(error)).toBe(error);
  });

  it("maps AbortSignal reasons: timeout to DEADLINE_EXCEEDED, abort to CANCELLED", async () => {
    const timeout = AbortSignal.timeout(1);
    await new Promise((resolve) => timeout.addEventListener("abort", resolve));
    expect(ServiceError.from(timeout.reason)).toMatchObject({ code: Code.DEADLINE_EXCEEDED, cause: timeout.reason });
    const aborted = AbortSignal.abort();
    expect(ServiceError.from(aborted.reason)).toMatchObject({ code: Code.CANCELLED, cause: aborted.reason });
  });

  it("turns anything else into INTERNAL 'internal error', keeping the cause", () => {
    const cause = new TypeError("x is undefined");
    expect(ServiceError.from(cause)).toMatchObject({ code: Code.INTERNAL, message: "internal error", cause });
    expect(ServiceError.from("a string")).toMatchObject({ code: Code.INTERNAL, cause: "a string" });
    expect(ServiceError.from(undefined).code).toBe(Code.INTERNAL);
  });

  it("finds details by schema", () => {
    const error = new ServiceError(Code.INVALID_ARGUMENT, "bad", {
      details: [
        packDetail(BadRequestSchema, { fieldViolations: [{ field: "name", description: "empty" }] }),
        packDetail(ErrorInfoSchema, { reason: "A" }),
        packDetail(ErrorInfoSchema, { reason: "B" }),
      ],
    });
    expect(error.findDetail(BadRequestSchema)?.fieldViolations[0]?.field).toBe("name");
    expect(error.findDetails(ErrorInfoSchema).map((d) => d.reason)).toEqual(["A", "B"]);
    expect(String(error)).toBe("ServiceError: INVALID_ARGUMENT: bad");
  });
});

describe("google.rpc.Status", () => {
  it("round-trips code, message and details", () => {
    const error = new ServiceError(Code.ABORTED, "ошибка ✓", { details: [packDetail(ErrorInfoSchema, { reason: "R" })] });
    const status = decodeStatus(encodeStatus(statusFromError(error)));
    expect(status).toMatchObject({ code: Code.ABORTED, message: "ошибка ✓" });
    const back = errorFromStatus(status!.code, status!.message, new Metadata(), encodeStatus(status!));
    expect(back.findDetail(ErrorInfoSchema)?.reason).toBe("R");
  });

  it("ignores malformed details and unknown codes degrade to UNKNOWN", () => {
    expect(decodeStatus(new Uint8Array([0xff, 0xff, 0xff]))).toBeUndefined();
    const error = errorFromStatus(99, "odd", new Metadata(), new Uint8Array([0xff]));
    expect(error).toMatchObject({ code: Code.UNKNOWN, message: "odd", details: [] });
  });
});

describe("codec and defineService", () => {
  it("describes every method: path, kind, idempotency, local name", () => {
    const m = echo.methods;
    expect(echo.typeName).toBe("gensvc.test.echo.v1.EchoService");
    expect(Object.keys(m)).toEqual(["echo", "lookup", "put", "expand", "collect", "chat"]);
    expect(m.echo).toMatchObject({ name: "Echo", path: "/gensvc.test.echo.v1.EchoService/Echo", kind: "unary", idempotency: "unknown" });
    expect(m.lookup.idempotency).toBe("no_side_effects");
    expect(m.put.idempotency).toBe("idempotent");
    expect([m.expand.kind, m.collect.kind, m.chat.kind]).toEqual(["server_streaming", "client_streaming", "bidi_streaming"]);
    expect(m.chat.serviceName).toBe("gensvc.test.echo.v1.EchoService");
    expect(m.echo.input.typeName).toBe("gensvc.test.echo.v1.EchoRequest");
  });

  it("create keeps full messages and builds from init objects", () => {
    const codec = protobufEsCodec(EchoRequestSchema);
    const full = create(EchoRequestSchema, { text: "a" });
    expect(codec.create(full)).toBe(full);
    const built = codec.create({ text: "b" });
    expect(isMessage(built, EchoRequestSchema)).toBe(true);
    expect(codec.decode(codec.encode(built)).text).toBe("b");
    // A message of another type is not passed through as if it were this one.
    expect(codec.create(create(StringValueSchema, { value: "x" })).$typeName).toBe("gensvc.test.echo.v1.EchoRequest");
  });
});

describe("grpc-js metadata conversion", () => {
  it("keeps user keys and bytes, drops reserved grpc-* keys", () => {
    const ours = new Metadata({ "x-a": ["1", "2"], "x-b-bin": new Uint8Array([1, 2]), "grpc-status": "0" });
    const grpcMd = toGrpcMetadata(ours);
    expect(grpcMd.get("grpc-status")).toEqual([]);
    expect(grpcMd.get("x-a")).toEqual(["1", "2"]);
    grpcMd.set("grpc-status-details-bin", Buffer.from([9]));
    const back = fromGrpcMetadata(grpcMd);
    expect([...back]).toEqual([
      ["x-a", "1"],
      ["x-a", "2"],
      ["x-b-bin", new Uint8Array([1, 2])],
    ]);
    expect(back.get("x-b-bin")).not.toBeInstanceOf(Buffer);
  });
});
