/** The per-call context every endpoint, middleware and handler receives. */
import type { Context } from "@opentelemetry/api";
import type { PeerCertificate } from "node:tls";
import type { Principal } from "./auth/principal.js";
import type { Logger } from "./logger.js";
import type { Metadata } from "./metadata.js";
import type { MethodSpec } from "./spec.js";

/**
 * Everything about the current call that is not the request message. A plain object: middleware
 * that adds to it passes `{ ...ctx, logger }` on to the next endpoint.
 */
export interface CallContext {
  /** The method being called. */
  readonly method: MethodSpec;
  /** Request metadata (gRPC headers or mapped HTTP headers). */
  readonly requestMetadata: Metadata;
  /** Response header metadata; sent before the first response message. */
  readonly responseHeader: Metadata;
  /** Response trailer metadata; sent with the status. */
  readonly responseTrailer: Metadata;
  /** When the caller stops waiting, if it set a deadline. */
  readonly deadline: Date | undefined;
  /** Aborted when the call is cancelled by the client or its deadline passes. */
  readonly signal: AbortSignal;
  /** The remote address, e.g. `127.0.0.1:53422` (grpc-js's `getPeer()` format). */
  readonly peer: string;
  /** Which transport carried the call. */
  readonly transport: "grpc" | "http";
  /**
   * Logs in the context of this call: the logging middleware binds the method, request id and
   * trace id to it. Silent when the server was started without a logger.
   */
  readonly logger: Logger;
  /**
   * The OpenTelemetry context of the call (its server span), set by the tracing middleware.
   * Outgoing calls made with this context as `parent` continue the trace.
   */
  readonly traceContext?: Context;
  /**
   * The client's certificate, present only when the server runs mutual TLS (TLS_CLIENT_CA_FILE)
   * and the TLS handshake verified it against the client CA.
   */
  readonly clientCertificate?: PeerCertificate;
  /**
   * The verified caller, set by the authentication middleware for methods whose policy asks for
   * authentication (mode jwt, api_key or mtls); undefined for methods open to anyone.
   */
  readonly auth?: Principal;
}
