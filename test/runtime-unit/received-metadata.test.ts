// ReceivedGrpcMetadata must read exactly as the eager conversion (fromGrpcMetadata) does, whether
// a key is looked up before or after the whole is converted, and stay writable.
import * as grpc from "@grpc/grpc-js";
import { describe, expect, test } from "vitest";
import { fromGrpcMetadata } from "../../src/runtime/grpc/metadata.js";
import { ReceivedGrpcMetadata } from "../../src/runtime/grpc/received-metadata.js";
import { Metadata } from "../../src/runtime/metadata.js";

function received(): grpc.Metadata {
  const metadata = new grpc.Metadata();
  metadata.add("x-request-id", "req-1");
  metadata.add("x-tag", "a");
  metadata.add("x-tag", "b");
  metadata.add("trace-bin", Buffer.from([1, 2, 3]));
  metadata.add("grpc-accept-encoding", "gzip");
  return metadata;
}

describe("ReceivedGrpcMetadata", () => {
  test("looks keys up without converting, as the eager conversion reads them", () => {
    const lazy = new ReceivedGrpcMetadata(received());
    const eager = fromGrpcMetadata(received());
    for (const key of ["x-request-id", "X-Tag", "trace-bin", "grpc-accept-encoding", "absent", "Not A Key"]) {
      expect(lazy.get(key)).toEqual(eager.get(key));
      expect(lazy.has(key)).toBe(eager.has(key));
    }
    expect(lazy.get("trace-bin")).toBeInstanceOf(Uint8Array);
    expect(Buffer.isBuffer(lazy.get("trace-bin"))).toBe(false);
  });

  test("converted as a whole: the same entries, size and values in order", () => {
    const lazy = new ReceivedGrpcMetadata(received());
    const eager = fromGrpcMetadata(received());
    expect(lazy.size).toBe(3);
    expect([...lazy]).toEqual([...eager]);
    expect(lazy.getAll("x-tag")).toEqual(["a", "b"]);
    expect([...new Metadata(lazy)]).toEqual([...eager]);
  });

  test("writes apply on top of the received entries", () => {
    const lazy = new ReceivedGrpcMetadata(received());
    lazy.append("x-tag", "c");
    lazy.set("x-request-id", "req-2");
    lazy.delete("trace-bin");
    expect(lazy.getAll("x-tag")).toEqual(["a", "b", "c"]);
    expect(lazy.get("x-request-id")).toBe("req-2");
    expect(lazy.has("trace-bin")).toBe(false);
    expect(lazy.size).toBe(2);
  });

  test("no metadata at all reads as empty", () => {
    const lazy = new ReceivedGrpcMetadata(undefined);
    expect([lazy.size, lazy.get("x"), lazy.has("x"), [...lazy]]).toEqual([0, undefined, false, []]);
  });
});
