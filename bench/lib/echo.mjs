// The messages every benchmarked server and client shares: echo.v1 from the generated echo sample
// (protobuf-es code emitted by protoc-gen-es), the request payloads the bench sends, and the one
// piece of "business logic" every server runs, so that all servers do the same work per call:
// decode an EchoRequest, answer an EchoResponse with its text and payload, encode it.
import { create, fromBinary, toBinary } from "@bufbuild/protobuf";
import {
  Echo,
  EchoRequestSchema,
  EchoResponseSchema,
  ExpandRequestSchema,
} from "../../.tmp/bench/echo/dist/src/gen/pb/echo/v1/echo_pb.js";

export { Echo, EchoRequestSchema, EchoResponseSchema, ExpandRequestSchema };

/** gRPC paths of the two methods the bench calls. */
export const ECHO_PATH = "/echo.v1.Echo/Echo";
export const EXPAND_PATH = "/echo.v1.Echo/Expand";

/** Payload sizes of the unary gRPC rows, in bytes of the request's `payload` field. */
export const PAYLOADS = { "16B": 16, "4KiB": 4096 };

/** `size` bytes of a fixed pattern (the content does not matter, its size does). */
export function payloadOf(size) {
  const bytes = new Uint8Array(size);
  for (let i = 0; i < size; i++) bytes[i] = i % 251;
  return bytes;
}

/** The init of the request the unary rows send: a short text and a payload of `size` bytes. */
export function echoRequestInit(size) {
  return { text: "hello", payload: payloadOf(size) };
}

/** The answer every server gives: the request's text and payload (an init object). */
export function echoAnswer(request) {
  return { text: request.text, payload: request.payload };
}

/** The responses of an Expand call: `count` answers built from its request. */
export function expandAnswers(request) {
  const template = request.request ?? create(EchoRequestSchema);
  return Array.from({ length: request.count }, (_, index) => ({ text: template.text, payload: template.payload, index }));
}

/** A gRPC message frame: 1 byte "not compressed", 4 bytes big-endian length, the message. */
export function grpcFrame(bytes) {
  const frame = Buffer.alloc(5 + bytes.length);
  frame.writeUInt32BE(bytes.length, 1);
  frame.set(bytes, 5);
  return frame;
}

/** The framed EchoRequest h2load posts for a unary row of `size` payload bytes. */
export function echoRequestBody(size) {
  return grpcFrame(toBinary(EchoRequestSchema, create(EchoRequestSchema, echoRequestInit(size))));
}

/** The framed ExpandRequest of the streaming row: `count` responses of `size` payload bytes each. */
export function expandRequestBody(count, size) {
  return grpcFrame(toBinary(ExpandRequestSchema, create(ExpandRequestSchema, { count, request: echoRequestInit(size) })));
}

/** grpc-js method definitions with protobuf-es (de)serialisers, for the hand-written servers and client. */
export const grpcJsEchoService = {
  echo: {
    path: ECHO_PATH,
    requestStream: false,
    responseStream: false,
    requestSerialize: (message) => Buffer.from(toBinary(EchoRequestSchema, create(EchoRequestSchema, message))),
    requestDeserialize: (bytes) => fromBinary(EchoRequestSchema, bytes),
    responseSerialize: (message) => Buffer.from(toBinary(EchoResponseSchema, create(EchoResponseSchema, message))),
    responseDeserialize: (bytes) => fromBinary(EchoResponseSchema, bytes),
  },
  expand: {
    path: EXPAND_PATH,
    requestStream: false,
    responseStream: true,
    requestSerialize: (message) => Buffer.from(toBinary(ExpandRequestSchema, create(ExpandRequestSchema, message))),
    requestDeserialize: (bytes) => fromBinary(ExpandRequestSchema, bytes),
    responseSerialize: (message) => Buffer.from(toBinary(EchoResponseSchema, create(EchoResponseSchema, message))),
    responseDeserialize: (bytes) => fromBinary(EchoResponseSchema, bytes),
  },
};
