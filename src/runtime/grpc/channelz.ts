/**
 * grpc-js's channelz bookkeeping, off by default for gen-svc's client channels. grpc-js records
 * every call, message and subchannel for channelz (counters and traces on every call), but the
 * data is only readable through a channelz service, which gen-svc does not register: a cost per
 * call for nothing. A caller that serves channelz turns it back on with
 * `"grpc.enable_channelz": 1` in its channel options.
 *
 * Servers keep it on: in grpc-js 1.14 a server without channelz does not track its HTTP/2
 * sessions, so `forceShutdown()` no longer cancels the calls still running, which the drain at
 * the end of a grace period relies on.
 */

/** The grpc-js option that turns channelz off; spread before the caller's own options. */
export const CHANNELZ_OFF = { "grpc.enable_channelz": 0 } as const;
