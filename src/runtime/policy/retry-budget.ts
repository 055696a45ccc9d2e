/**
 * gRPC retry throttling (gRFC A6) as the retry budget: a token count that starts full, loses 1
 * per failed attempt and gains `tokenRatio` per success; retries are allowed only while it is
 * above half. Under a total outage retries stop after `maxTokens / 2` failures, so they cannot
 * multiply the traffic of an outage.
 */
import type { RetryBudget } from "./types.js";

/** The default budget, as options.proto documents it. */
export const DEFAULT_RETRY_BUDGET: RetryBudget = { maxTokens: 10, tokenRatio: 0.1 };

/** One token count, shared by the calls of one connection to one service under one budget. */
export class RetryThrottle {
  private tokens: number;

  constructor(private readonly budget: RetryBudget) {
    this.tokens = budget.maxTokens;
  }

  /** A failed attempt (its code is retryable). */
  failed(): void {
    this.tokens = Math.max(0, this.tokens - 1);
  }

  /** A successful attempt. */
  succeeded(): void {
    this.tokens = Math.min(this.budget.maxTokens, this.tokens + this.budget.tokenRatio);
  }

  /** Whether another attempt may be made now. */
  allowsRetry(): boolean {
    return this.tokens > this.budget.maxTokens / 2;
  }
}
