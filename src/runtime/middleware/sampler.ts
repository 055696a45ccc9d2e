/**
 * Log sampling for high call rates (after zap's sampler): in each one-second window the first
 * `perSecond` lines pass, then one in `thereafter`. Keeps the cost of logging bounded under load
 * while a quiet service still logs every call.
 */

/** Options of {@link createSampler}. */
export interface SamplerOptions {
  /** Lines that always pass in each second; 0 turns sampling off (every line passes). */
  perSecond: number;
  /** After that, one line in this many passes. */
  thereafter: number;
  /** Milliseconds since some fixed point; injected so tests can drive time. */
  now: () => number;
}

/** Answers, for each candidate line, whether to write it. */
export type Sampler = () => boolean;

/** A sampler; see {@link SamplerOptions}. */
export function createSampler(options: SamplerOptions): Sampler {
  if (options.perSecond <= 0) return () => true;
  let windowStart = Number.NEGATIVE_INFINITY;
  let count = 0;
  return () => {
    const now = options.now();
    if (now - windowStart >= 1000) {
      windowStart = now;
      count = 0;
    }
    count++;
    if (count <= options.perSecond) return true;
    return (count - options.perSecond) % Math.max(1, options.thereafter) === 0;
  };
}
