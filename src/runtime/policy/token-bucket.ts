/**
 * A token bucket (the rate limit's algorithm): it holds up to `burst` tokens, refills at `rate`
 * per second, and each call takes one. Time comes from a clock passed in, so tests can drive it.
 * cockatiel has no rate limiter, hence this small class.
 */

/** Milliseconds from some fixed origin, e.g. `performance.now`. */
export type Clock = () => number;

/** One bucket. */
export class TokenBucket {
  private tokens: number;
  private updatedAt: number;

  /** A full bucket. */
  constructor(
    private readonly rate: number,
    private readonly burst: number,
    private readonly now: Clock,
  ) {
    this.tokens = burst;
    this.updatedAt = now();
  }

  /** Takes a token: 0 when one was there, else the milliseconds until one will be (nothing taken). */
  take(): number {
    this.refill();
    if (this.tokens >= 1) {
      this.tokens -= 1;
      return 0;
    }
    return Math.ceil(((1 - this.tokens) / this.rate) * 1000);
  }

  /** Whether the bucket is full (an idle key's bucket can be forgotten). */
  isFull(): boolean {
    this.refill();
    return this.tokens >= this.burst;
  }

  private refill(): void {
    const at = this.now();
    this.tokens = Math.min(this.burst, this.tokens + ((at - this.updatedAt) / 1000) * this.rate);
    this.updatedAt = at;
  }
}
