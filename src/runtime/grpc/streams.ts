/** Stream helpers shared by the gRPC server and client: message definitions, back-pressure, reading. */
import type * as grpc from "@grpc/grpc-js";
import type { Readable, Writable } from "node:stream";
import { streamsRequests, streamsResponses, type MethodSpec } from "../spec.js";
import { toBuffer, toBytes } from "./bytes.js";

/**
 * The grpc-js definition of a method. Serialisers run the codec's `create` first, so endpoints and
 * callers may hand over init objects; for full messages it is a cheap type-name check.
 */
export function grpcMethodDefinition(method: MethodSpec): grpc.MethodDefinition<unknown, unknown> {
  const { input, output } = method;
  return {
    path: method.path,
    requestStream: streamsRequests(method),
    responseStream: streamsResponses(method),
    requestSerialize: (value) => toBuffer(input.encode(input.create(value))),
    // A plain view makes decoded `bytes` fields plain Uint8Arrays (protobuf-es slices its input).
    requestDeserialize: (bytes) => input.decode(toBytes(bytes)),
    responseSerialize: (value) => toBuffer(output.encode(output.create(value))),
    responseDeserialize: (bytes) => output.decode(toBytes(bytes)),
    originalName: method.localName,
  };
}

/**
 * Waits until a writable that refused a write wants more. Resolves false instead when the stream
 * closes or `signal` aborts first: a cancelled gRPC call never drains, and waiting would hang.
 */
export function drained(stream: Writable, signal: AbortSignal): Promise<boolean> {
  if (signal.aborted || stream.destroyed) return Promise.resolve(false);
  return new Promise((resolve) => {
    const finish = (result: boolean) => {
      stream.off("drain", onDrain);
      stream.off("close", onStop);
      signal.removeEventListener("abort", onStop);
      resolve(result);
    };
    const onDrain = () => finish(true);
    const onStop = () => finish(false);
    stream.on("drain", onDrain);
    stream.on("close", onStop);
    signal.addEventListener("abort", onStop);
  });
}

/**
 * The messages of a readable gRPC stream. Leaving the loop early keeps the stream open (a bidi
 * handler may stop reading and keep writing); when the call is cancelled, the iteration throws
 * `signal.reason` rather than a stream error or a normal end.
 */
export async function* readMessages<T>(stream: Readable, signal: AbortSignal): AsyncGenerator<T> {
  try {
    for await (const message of stream.iterator({ destroyOnReturn: false })) yield message as T;
  } catch (error) {
    throw signal.aborted ? signal.reason : error;
  }
  // When a client cancels (RST_STREAM), Node's http2 ends the readable side first and grpc-js
  // (1.14) passes that on as a normal half-close; its "cancelled" event follows from the stream's
  // "close", measured two event-loop turns later. Waiting a few turns lets it arrive, so that a
  // handler does not take a cut-off request stream for a complete one (grpc-java fixed the same
  // race in #9362).
  await loopTurns(CANCEL_SETTLE_TURNS, signal);
  if (signal.aborted) throw signal.reason;
}

/** Event-loop turns a request stream's end waits for a cancellation; measured 2, plus margin. */
const CANCEL_SETTLE_TURNS = 3;

async function loopTurns(turns: number, signal: AbortSignal): Promise<void> {
  for (let i = 0; i < turns && !signal.aborted; i++) await new Promise<void>((resolve) => setImmediate(resolve));
}
