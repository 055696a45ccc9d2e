// Your implementation of echo.v1.Echo. gen-svc wrote this file once and will not overwrite it.
import { create, type MessageInitShape } from "@bufbuild/protobuf";
import { Code, ServiceError, toCode, type CallContext, type Metadata } from "gen-svc/runtime";
import {
  EchoRequestSchema,
  type CollectResponseSchema,
  type EchoRequest,
  type EchoResponseSchema,
  type EchoStatus,
  type ExpandRequest,
} from "../gen/pb/echo/v1/echo_pb.js";
import type { EchoService } from "../gen/echo/service.js";

/** Request metadata with keys starting with this is echoed into the response header and trailer. */
export const ECHO_METADATA_PREFIX = "x-echo-";

/**
 * The most `response_size` may ask for: 64 MiB, far above the default 4 MiB message limit (so
 * over-limit responses can be tested) yet low enough that one request cannot make the server
 * allocate gigabytes. More is INVALID_ARGUMENT.
 */
export const MAX_RESPONSE_SIZE = 64 * 1024 * 1024;

/** Hooks that let a caller (a test, a probe) watch the server side of each call. */
export interface EchoHandlerOptions {
  /** Called as a call reaches its handler; `ctx.method.name` says which method (`Echo`, `Chat`, ...). */
  onCall?(ctx: CallContext): void;
  /**
   * Called when a call's abort signal fires while its handler runs: the client cancelled or the
   * deadline passed. `ctx.signal.reason` says which (a ServiceError, CANCELLED or DEADLINE_EXCEEDED).
   */
  onAbort?(ctx: CallContext): void;
}

type EchoResponseInit = MessageInitShape<typeof EchoResponseSchema>;

/**
 * Implements `echo.v1.Echo`: echoes text, payload and `x-echo-*` metadata, and answers with the
 * payload size, status and delay each request asks for.
 */
export class EchoHandler implements EchoService {
  readonly #options: EchoHandlerOptions;

  constructor(options: EchoHandlerOptions = {}) {
    this.#options = options;
  }

  /**
   * Unary: answers with the request's text and payload, or as `response_size`, `response_status`
   * and `delay_ms` ask.
   */
  async echo(request: EchoRequest, ctx: CallContext): Promise<EchoResponseInit> {
    this.#begin(ctx);
    await pause(request.delayMs, ctx.signal);
    failIfAsked(request.responseStatus);
    return answer(request, 0);
  }

  /**
   * Server streaming: `count` responses built from `request` (zero ends the stream at once with
   * OK), then the request's `response_status` if it has one.
   */
  async *expand(request: ExpandRequest, ctx: CallContext): AsyncIterable<EchoResponseInit> {
    this.#begin(ctx);
    const template = request.request ?? create(EchoRequestSchema);
    for (let index = 0; index < request.count; index++) {
      await pause(template.delayMs, ctx.signal);
      yield answer(template, index);
    }
    failIfAsked(template.responseStatus);
  }

  /**
   * Client streaming: one response once the client half-closes, summing up every request
   * (zero requests is fine); the last request's `response_size`, `response_status` and `delay_ms`
   * decide the answer.
   */
  async collect(
    requests: AsyncIterable<EchoRequest>,
    ctx: CallContext,
  ): Promise<MessageInitShape<typeof CollectResponseSchema>> {
    this.#begin(ctx);
    let messageCount = 0;
    let payloadBytes = 0n;
    const texts: string[] = [];
    let last: EchoRequest | undefined;
    for await (const request of requests) {
      messageCount++;
      payloadBytes += BigInt(request.payload.length);
      texts.push(request.text);
      last = request;
    }
    await pause(last?.delayMs ?? 0, ctx.signal);
    failIfAsked(last?.responseStatus);
    const payload = requestedPayload(last?.responseSize ?? 0) ?? new Uint8Array();
    return { messageCount, payloadBytes, text: texts.join(""), payload };
  }

  /**
   * Bidirectional streaming: one response per request, sent as soon as that request arrives,
   * without waiting for the client to half-close. A request with `response_status` ends the call
   * with that status.
   */
  async *chat(requests: AsyncIterable<EchoRequest>, ctx: CallContext): AsyncIterable<EchoResponseInit> {
    this.#begin(ctx);
    let index = 0;
    for await (const request of requests) {
      await pause(request.delayMs, ctx.signal);
      failIfAsked(request.responseStatus);
      yield answer(request, index++);
    }
  }

  /** What every call does first: tell the observer, watch for aborts, echo the metadata. */
  #begin(ctx: CallContext): void {
    const { onCall, onAbort } = this.#options;
    if (onAbort) ctx.signal.addEventListener("abort", () => onAbort(ctx), { once: true });
    echoMetadata(ctx.requestMetadata, ctx.responseHeader);
    echoMetadata(ctx.requestMetadata, ctx.responseTrailer);
    onCall?.(ctx);
  }
}

/** Copies every `x-echo-*` entry (text or `-bin`), all values in order, from one side to the other. */
function echoMetadata(from: Metadata, to: Metadata): void {
  for (const [key, value] of from) {
    if (key.startsWith(ECHO_METADATA_PREFIX)) to.append(key, value);
  }
}

/** The response to one request: its text, and its payload or `response_size` bytes. */
function answer(request: EchoRequest, index: number): EchoResponseInit {
  return { text: request.text, payload: requestedPayload(request.responseSize) ?? request.payload, index };
}

/** The payload `response_size` asks for, or undefined when it asks for none (0 or less). */
function requestedPayload(size: number): Uint8Array | undefined {
  if (size <= 0) return undefined;
  if (size > MAX_RESPONSE_SIZE) {
    throw new ServiceError(Code.INVALID_ARGUMENT, `response_size ${size} is above the ${MAX_RESPONSE_SIZE} bytes this server sends`);
  }
  return patternBytes(size);
}

/** Throws the status a request asks for, if any (OK means: answer normally). */
function failIfAsked(status: EchoStatus | undefined): void {
  if (status === undefined || status.code === Code.OK) return;
  throw new ServiceError(toCode(status.code), status.message);
}

/** `size` bytes repeating 0..250 (251 is prime, so a shifted or truncated copy shows). */
export function patternBytes(size: number): Uint8Array {
  const bytes = new Uint8Array(size);
  for (let i = 0; i < size; i++) bytes[i] = i % 251;
  return bytes;
}

/**
 * Waits `ms` milliseconds; rejects with the signal's reason (CANCELLED or DEADLINE_EXCEEDED)
 * as soon as the call is aborted, so a cancelled call stops waiting at once.
 */
function pause(ms: number, signal: AbortSignal): Promise<void> {
  if (signal.aborted) return Promise.reject(signal.reason);
  if (ms <= 0) return Promise.resolve();
  return new Promise((resolve, reject) => {
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal.reason);
    };
    const timer = setTimeout(() => {
      signal.removeEventListener("abort", onAbort);
      resolve();
    }, ms);
    signal.addEventListener("abort", onAbort, { once: true });
  });
}
