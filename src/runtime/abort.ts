/** Waiting on work that a signal may cut short (timeouts and cancelled calls, both transports). */

/**
 * Resolves like `work`, or rejects with the signal's reason as soon as it aborts: a handler that
 * ignores its signal must not keep a timed-out call waiting.
 */
export function untilAborted<T>(work: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) {
    work.catch(() => undefined);
    return Promise.reject(signal.reason as unknown);
  }
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason as unknown);
    signal.addEventListener("abort", onAbort, { once: true });
    work.then(
      (value) => {
        signal.removeEventListener("abort", onAbort);
        resolve(value);
      },
      (error: unknown) => {
        signal.removeEventListener("abort", onAbort);
        reject(error);
      },
    );
  });
}

/** Each value of `source`, ending with the signal's reason as soon as it aborts. */
export async function* streamUntilAborted<T>(source: AsyncIterable<T>, signal: AbortSignal): AsyncGenerator<T> {
  const iterator = source[Symbol.asyncIterator]();
  try {
    while (true) {
      const next = await untilAborted(iterator.next(), signal);
      if (next.done) return;
      yield next.value;
    }
  } finally {
    // Ends the handler's generator too (its signal has aborted already when we were cut short).
    void iterator.return?.()?.catch?.(() => undefined);
  }
}
