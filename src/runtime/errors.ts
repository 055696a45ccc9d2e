/**
 * The one error type of the runtime. Transports turn it into a gRPC status (or an HTTP error) and
 * clients turn received statuses back into it, so handlers and callers see the same shape.
 */
import { create, type DescMessage, type MessageInitShape, type MessageShape } from "@bufbuild/protobuf";
import { anyIs, anyPack, anyUnpack, type Any } from "@bufbuild/protobuf/wkt";
import { Code, codeName, isCode } from "./code.js";
import { Metadata, type MetadataInit } from "./metadata.js";

/** Optional parts of a {@link ServiceError}. */
export interface ServiceErrorOptions {
  /** Typed details (`google.rpc.ErrorInfo`, `BadRequest`, ...), sent as `google.rpc.Status.details`. */
  details?: Any[];
  /**
   * Trailers: extra ones a server sends with the status, or (on a {@link RemoteServiceError})
   * the ones a client received.
   */
  metadata?: MetadataInit;
  /** What caused the error; kept on this side of the wire, never sent. */
  cause?: unknown;
}

/** The message every error that is not a ServiceError turns into, so internals never leak. */
export const INTERNAL_ERROR_MESSAGE = "internal error";

/**
 * A failed call: a status code, a message for the caller, typed details and trailers.
 *
 * Thrown by a handler, it becomes the call's status: code, message, details, and `metadata` sent
 * as trailers next to `ctx.responseTrailer`. Errors of outgoing calls are the subclass
 * {@link RemoteServiceError}; a handler may rethrow one as is, and the caller then gets its code,
 * message and details but never its `metadata`: those are the downstream peer's trailers, meant
 * for this side only. A handler that wants to pass them on copies them into `ctx.responseTrailer`
 * on purpose.
 */
export class ServiceError extends Error {
  // Widened to string so that subclasses can name themselves in logs.
  override readonly name: string = "ServiceError";
  /** The status code. */
  readonly code: Code;
  /** Typed details as `google.protobuf.Any`; see {@link ServiceError.findDetail}. */
  readonly details: Any[];
  /** Extra trailers a server sends; on a {@link RemoteServiceError}, the trailers received. */
  readonly metadata: Metadata;

  /** `message` may hold any Unicode; transports encode it as their protocol requires. */
  constructor(code: Code, message: string, options: ServiceErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.details = options.details ?? [];
    this.metadata = new Metadata(options.metadata);
  }

  /**
   * Turns anything thrown into a ServiceError. A ServiceError passes through unchanged; the
   * reasons an AbortSignal carries after `AbortSignal.timeout()` or `abort()` become
   * DEADLINE_EXCEEDED or CANCELLED; everything else becomes INTERNAL "internal error" with the
   * original kept as `cause` (for logs), because its text may reveal internals.
   */
  static from(error: unknown): ServiceError {
    if (error instanceof ServiceError) return error;
    const name = errorName(error);
    if (name === "TimeoutError") return new ServiceError(Code.DEADLINE_EXCEEDED, "deadline exceeded", { cause: error });
    if (name === "AbortError") return new ServiceError(Code.CANCELLED, "cancelled", { cause: error });
    return new ServiceError(Code.INTERNAL, INTERNAL_ERROR_MESSAGE, { cause: error });
  }

  /** The first detail of the given type, unpacked, or undefined. */
  findDetail<Desc extends DescMessage>(schema: Desc): MessageShape<Desc> | undefined {
    const any = this.details.find((detail) => anyIs(detail, schema));
    return any === undefined ? undefined : anyUnpack(any, schema);
  }

  /** Every detail of the given type, unpacked, in order. */
  findDetails<Desc extends DescMessage>(schema: Desc): MessageShape<Desc>[] {
    return this.details.flatMap((detail) => {
      const message = anyIs(detail, schema) ? anyUnpack(detail, schema) : undefined;
      return message === undefined ? [] : [message];
    });
  }

  /** `NOT_FOUND: no such user`, for logs. */
  override toString(): string {
    return `${this.name}: ${codeName(this.code)}: ${this.message}`;
  }
}

/**
 * The error of an outgoing call: a status received from the peer (its `metadata` holds the
 * trailers received), or one the client made itself for the call, such as CANCELLED after an
 * abort or UNAVAILABLE after the connection was closed. A server that sends one (a handler
 * rethrew it) sends its code, message and details but not its metadata; see {@link ServiceError}.
 */
export class RemoteServiceError extends ServiceError {
  override readonly name: string = "RemoteServiceError";
}

/**
 * The trailers a server sends along with an error besides `ctx.responseTrailer`: the error's own
 * metadata, or none for a {@link RemoteServiceError}, whose metadata came from another peer.
 */
export function trailersToSend(error: ServiceError): Metadata {
  return error instanceof RemoteServiceError ? new Metadata() : error.metadata;
}

/**
 * Packs one detail for {@link ServiceErrorOptions.details}, from a full message or an init
 * object: `packDetail(ErrorInfoSchema, { reason: "QUOTA", domain: "example.com" })`.
 */
export function packDetail<Desc extends DescMessage>(schema: Desc, value: MessageInitShape<Desc>): Any {
  return anyPack(schema, create(schema, value));
}

/** A code received from a peer, or UNKNOWN when the number is outside the canonical table. */
export function toCode(value: number): Code {
  return isCode(value) ? value : Code.UNKNOWN;
}

// DOMException is not an Error subclass in every runtime, so look at the name alone.
function errorName(error: unknown): string | undefined {
  if (typeof error !== "object" || error === null || !("name" in error)) return undefined;
  return typeof error.name === "string" ? error.name : undefined;
}
