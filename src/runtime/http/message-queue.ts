/**
 * Messages arriving from a push source (WebSocket frames) as an async iterable a handler reads
 * at its own pace. The source is paused while `highWaterMark` messages wait, so a fast client
 * cannot fill memory behind a slow handler.
 */

/** What the queue pauses and resumes. */
export interface PausableSource {
  pause(): void;
  resume(): void;
}

/** A single-consumer queue: push/end/fail from the source side, iterate from the other. */
export class MessageQueue<T> implements AsyncIterable<T> {
  readonly #items: T[] = [];
  #ended = false;
  #failure: unknown;
  #wake: (() => void) | undefined;
  #paused = false;

  constructor(
    private readonly source: PausableSource,
    private readonly highWaterMark = 16,
  ) {}

  /** Adds a message; pauses the source when the handler falls behind. */
  push(item: T): void {
    if (this.#ended) return;
    this.#items.push(item);
    if (this.#items.length >= this.highWaterMark && !this.#paused) {
      this.#paused = true;
      this.source.pause();
    }
    this.#notify();
  }

  /** No more messages: iteration ends once the waiting ones are read. */
  end(): void {
    this.#ended = true;
    this.#notify();
  }

  /** Iteration throws `error` once the waiting messages are read. */
  fail(error: unknown): void {
    if (this.#ended) return;
    this.#failure = error;
    this.#ended = true;
    this.#notify();
  }

  /** Whether the source said it has no more messages (or failed). */
  get ended(): boolean {
    return this.#ended;
  }

  async *[Symbol.asyncIterator](): AsyncGenerator<T> {
    for (;;) {
      const item = this.#items.shift();
      if (item !== undefined) {
        if (this.#paused && this.#items.length < this.highWaterMark / 2) {
          this.#paused = false;
          this.source.resume();
        }
        yield item;
        continue;
      }
      if (this.#ended) {
        if (this.#failure !== undefined) throw this.#failure;
        return;
      }
      await new Promise<void>((resolve) => (this.#wake = resolve));
    }
  }

  #notify(): void {
    const wake = this.#wake;
    this.#wake = undefined;
    wake?.();
  }
}
