/** Message size limits shared by the gRPC server and client. */

/**
 * The largest message either side sends or accepts: 4 MiB, the limit gRPC implementations in
 * other languages use by default, so that a message one side accepts the other does too.
 * grpc-js itself limits only what it receives; sends are unlimited unless set.
 */
export const DEFAULT_MAX_MESSAGE_BYTES = 4 * 1024 * 1024;

/** grpc-js channel/server options applying a limit (default {@link DEFAULT_MAX_MESSAGE_BYTES}) both ways. */
export function messageSizeOptions(
  maxBytes: number = DEFAULT_MAX_MESSAGE_BYTES,
): { "grpc.max_receive_message_length": number; "grpc.max_send_message_length": number } {
  return { "grpc.max_receive_message_length": maxBytes, "grpc.max_send_message_length": maxBytes };
}
