/**
 * Ejection of instances that fail with UNAVAILABLE: out of rotation for a back-off period that
 * doubles with each failure in a row (capped), back in when it passes, forgiven on a success.
 */

/** Back-off of ejected instances. */
export interface EjectionOptions {
  /** The first ejection's length. Default 1,000 ms. */
  baseMs?: number;
  /** The longest ejection. Default 30,000 ms. */
  maxMs?: number;
}

/** Failures in a row and the end of the current ejection, per instance id. */
export class EjectionTracker {
  readonly #baseMs: number;
  readonly #maxMs: number;
  readonly #now: () => number;
  readonly #state = new Map<string, { failures: number; until: number }>();

  constructor(options: EjectionOptions = {}, now: () => number = Date.now) {
    this.#baseMs = options.baseMs ?? 1000;
    this.#maxMs = options.maxMs ?? 30_000;
    this.#now = now;
  }

  /** Ejects `id` for base × 2^(failures in a row − 1), at most max; returns the length in ms. */
  eject(id: string): number {
    const failures = (this.#state.get(id)?.failures ?? 0) + 1;
    const length = Math.min(this.#maxMs, this.#baseMs * 2 ** Math.min(failures - 1, 30));
    this.#state.set(id, { failures, until: this.#now() + length });
    return length;
  }

  /** A call on `id` succeeded: the next failure starts the back-off from the base again. */
  succeeded(id: string): void {
    if (this.#state.size > 0) this.#state.delete(id);
  }

  /** Whether no instance has failures on record (so none is ejected): callers skip filtering. */
  get none(): boolean {
    return this.#state.size === 0;
  }

  /** Whether `id` is out of rotation now. */
  isEjected(id: string): boolean {
    const state = this.#state.get(id);
    return state !== undefined && state.until > this.#now();
  }

  /** Forgets an instance that left. */
  forget(id: string): void {
    this.#state.delete(id);
  }
}
