/**
 * Server-side enforcement of the contract's policies, as middleware reading each method's
 * effective policy (generated `MethodSpec.policy`, overridden by `POLICIES`):
 * - {@link rateLimit}: a token bucket per instance and method (and per value of `keyMetadata`);
 *   an empty bucket answers RESOURCE_EXHAUSTED with a google.rpc.RetryInfo detail (HTTP 429 with
 *   `Retry-After`);
 * - {@link serverTimeout}: the call's deadline becomes the earlier of the caller's and the
 *   policy's; when it passes the handler's signal aborts and the caller gets DEADLINE_EXCEEDED;
 * - {@link concurrencyLimit}: a cockatiel bulkhead per instance and method; a call finding the
 *   slots and the queue full gets RESOURCE_EXHAUSTED; a streaming call holds its slot until its
 *   response stream ends.
 * Each is decided once per method: methods without the policy pass straight through.
 */
import { create } from "@bufbuild/protobuf";
import { anyPack, DurationSchema } from "@bufbuild/protobuf/wkt";
import type { BulkheadPolicy } from "cockatiel";
import { Code } from "../code.js";
import type { CallContext } from "../context.js";
import type { Middleware } from "../endpoint.js";
import { ServiceError } from "../errors.js";
import { RetryInfoSchema } from "../gen/google/rpc/error_details_pb.js";
import { observeCall } from "../middleware/observe.js";
import { earlierDeadline } from "../outgoing.js";
import { streamsResponses } from "../spec.js";
import { streamUntilAborted, untilAborted } from "../abort.js";
import type { PolicyOverrides } from "./overrides.js";
import { decidedPerMethod, PolicyTable, StateMap } from "./per-method.js";
import { TokenBucket, type Clock } from "./token-bucket.js";
import { cockatiel } from "./cockatiel.js";

/** Options of the server policy middleware. */
export interface ServerPolicyOptions {
  /** The `POLICIES` overrides; default none. */
  overrides?: PolicyOverrides;
  /** The clock of the token buckets, in ms; default `performance.now`. */
  now?: Clock;
}

/** Rate limiting (see the module comment). */
export function rateLimit(options: ServerPolicyOptions = {}): Middleware {
  const table = new PolicyTable(options.overrides);
  const now = options.now ?? (() => performance.now());
  const buckets = new StateMap<TokenBucket>();
  return decidedPerMethod((method, next) => {
    const limit = table.of(method)?.rateLimit;
    if (limit === undefined) return next;
    return (ctx, input) => {
      const key = limit.keyMetadata ? metadataText(ctx, limit.keyMetadata) : "";
      const bucket = buckets.get(`${ctx.method.path}\n${key}`, () => new TokenBucket(limit.requestsPerSecond, limit.burst, now), (b) => b.isFull());
      const waitMs = bucket.take();
      if (waitMs > 0) return Promise.reject(rateLimited(ctx, waitMs));
      return next(ctx, input);
    };
  });
}

function metadataText(ctx: CallContext, key: string): string {
  const value = ctx.requestMetadata.get(key);
  return typeof value === "string" ? value : value === undefined ? "" : Buffer.from(value).toString("base64");
}

function rateLimited(ctx: CallContext, waitMs: number): ServiceError {
  const retryDelay = create(DurationSchema, { seconds: BigInt(Math.floor(waitMs / 1000)), nanos: (waitMs % 1000) * 1_000_000 });
  return new ServiceError(Code.RESOURCE_EXHAUSTED, `rate limit of ${ctx.method.path} exceeded; retry in ${waitMs} ms`, {
    details: [anyPack(RetryInfoSchema, create(RetryInfoSchema, { retryDelay }))],
  });
}

/** The policy timeout (see the module comment). */
export function serverTimeout(options: Pick<ServerPolicyOptions, "overrides"> = {}): Middleware {
  const table = new PolicyTable(options.overrides);
  return decidedPerMethod((method, next) => {
    const timeoutMs = table.of(method)?.timeoutMs;
    if (timeoutMs === undefined) return next;
    return (ctx, input) => {
      const deadline = new Date(Date.now() + timeoutMs);
      // The caller's deadline is earlier: the transport enforces it already.
      if (ctx.deadline !== undefined && ctx.deadline.getTime() <= deadline.getTime()) return next(ctx, input);
      return withDeadline(ctx, input, next, deadline, timeoutMs);
    };
  });
}

/**
 * Runs `next` with a signal that aborts at the policy's deadline or when the caller's does, and
 * fails the call with DEADLINE_EXCEEDED at that deadline even if the handler ignores its signal.
 * Written with one timer and one listener on the caller's signal: `AbortSignal.any` (about 2 µs
 * with its weak references) and a second listener to race the handler cost a small call more
 * than the rest of its policies together.
 */
function withDeadline(ctx: CallContext, input: unknown, next: (ctx: CallContext, input: unknown) => Promise<unknown>, deadline: Date, timeoutMs: number): Promise<unknown> {
  const parent = ctx.signal;
  if (parent.aborted) return Promise.reject(parent.reason as unknown);
  const controller = new AbortController();
  const inner: CallContext = { ...ctx, signal: controller.signal, deadline: earlierDeadline(ctx.deadline, deadline) };
  return new Promise((resolve, reject) => {
    const cut = (reason: unknown) => {
      controller.abort(reason);
      reject(reason);
    };
    const onParentAbort = () => {
      clearTimeout(timer);
      cut(parent.reason);
    };
    const timer = setTimeout(() => {
      parent.removeEventListener("abort", onParentAbort);
      cut(new ServiceError(Code.DEADLINE_EXCEEDED, `deadline exceeded (the method's timeout is ${timeoutMs} ms)`));
    }, timeoutMs);
    parent.addEventListener("abort", onParentAbort);
    const done = () => {
      clearTimeout(timer);
      parent.removeEventListener("abort", onParentAbort);
    };
    let work: Promise<unknown>;
    try {
      work = next(inner, input);
    } catch (error) {
      done();
      reject(error);
      return;
    }
    work.then(
      (output) => {
        // A response stream keeps the deadline until it ends.
        if (streamsResponses(ctx.method)) resolve(clearingAfter(streamUntilAborted(output as AsyncIterable<unknown>, controller.signal), done));
        else {
          done();
          resolve(output);
        }
      },
      (error: unknown) => {
        done();
        reject(error);
      },
    );
  });
}

async function* clearingAfter<T>(source: AsyncIterable<T>, done: () => void): AsyncGenerator<T> {
  try {
    yield* source;
  } finally {
    done();
  }
}

/** The bulkhead (see the module comment). */
export function concurrencyLimit(options: Pick<ServerPolicyOptions, "overrides"> = {}): Middleware {
  const table = new PolicyTable(options.overrides);
  const bulkheads = new StateMap<BulkheadPolicy>();
  return decidedPerMethod((method, next) => {
    const limit = table.of(method)?.concurrencyLimit;
    if (limit === undefined) return next;
    const bulkhead = bulkheads.get(method.path, () => new (cockatiel().BulkheadPolicy)(limit.maxConcurrent, limit.maxQueue));
    return async (ctx, input) => {
      const release = await slot(bulkhead, ctx);
      return observeCall(ctx, input, next, { end: release });
    };
  });
}

/**
 * Waits for a slot of the bulkhead: resolves with its release once the call may run. A call that
 * waits in the queue until its deadline or cancellation fails at once with why.
 */
function slot(bulkhead: BulkheadPolicy, ctx: CallContext): Promise<() => void> {
  const acquired = new Promise<() => void>((resolve, reject) => {
    bulkhead
      .execute(() => new Promise<void>((release) => resolve(release)), ctx.signal)
      .catch((error: unknown) => reject(error instanceof cockatiel().BulkheadRejectedError ? bulkheadFull(ctx) : error));
  });
  return untilAborted(acquired, ctx.signal).catch((error: unknown) => {
    // A slot granted after the caller gave up is handed straight back.
    void acquired.then((release) => release(), () => undefined);
    throw error;
  });
}

function bulkheadFull(ctx: CallContext): ServiceError {
  return new ServiceError(Code.RESOURCE_EXHAUSTED, `concurrency limit of ${ctx.method.path} reached`);
}
