/** Small helpers for tests of calls and streams, shared by the runtime and sample tests. */

/** An async iterable over the given items, for streaming requests. */
export async function* streamOf<T>(...items: T[]): AsyncGenerator<T> {
  yield* items;
}

/** Collects an async iterable into an array. */
export async function collect<T>(source: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const item of source) out.push(item);
  return out;
}

/** The error a promise rejects with; fails when it resolves. */
export async function rejectionOf(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error("expected a rejection");
}
