// The bookstore sample's server-streaming WatchShelf over gRPC: the existing books, then each
// change as it happens; ends after max_events, when the shelf is deleted, or when the client
// cancels (the handler sees ctx.signal abort and stops listening).
import { timestampMs } from "@bufbuild/protobuf/wkt";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { Code, Metadata, silentLogger, type CallContext } from "../../src/runtime/index.js";
import { BookstoreClient } from "../../generated-samples/bookstore/src/gen/bookstore/grpc-client.js";
import { registerGrpcServices } from "../../generated-samples/bookstore/src/gen/server.js";
import { bookstoreSpec } from "../../generated-samples/bookstore/src/gen/bookstore/service.js";
import { BookEvent_Kind, type BookEvent, type WatchShelfRequest } from "../../generated-samples/bookstore/src/gen/pb/bookstore/v1/bookstore_pb.js";
import { BookstoreHandler } from "../../generated-samples/bookstore/src/handlers/bookstore.js";
import { failure, tickingClock, violatedFields } from "./bookstore-setup.js";
import { collect, Opened } from "./serve.js";

/** The sample handler, counting the watches whose handler stream has finished. */
class ObservedHandler extends BookstoreHandler {
  watchesEnded = 0;
  override async *watchShelf(request: WatchShelfRequest, ctx: CallContext) {
    try {
      yield* super.watchShelf(request, ctx);
    } finally {
      this.watchesEnded++;
    }
  }
}

const opened = new Opened();
const handler = new ObservedHandler({ shelves: [], now: tickingClock() });
let client: BookstoreClient;
let shelves = 0;

beforeAll(async () => {
  const port = await opened.serve((s) => registerGrpcServices(s, { bookstore: handler }));
  client = opened.track(new BookstoreClient(`127.0.0.1:${port}`));
});
afterAll(() => opened.closeAll());

async function freshShelf(): Promise<string> {
  return (await client.createShelf({ shelfId: `w${++shelves}`, shelf: { theme: "Watched" } })).name;
}

/** Resolves once `condition` holds, polling every 10 ms for at most 2 s. */
async function eventually(condition: () => boolean): Promise<void> {
  for (let i = 0; i < 200 && !condition(); i++) await new Promise((resolve) => setTimeout(resolve, 10));
  expect(condition()).toBe(true);
}

const summary = (event: BookEvent) => `${BookEvent_Kind[event.kind]} ${event.book?.name.split("/").at(-1)} ${event.book?.title}`;

describe("WatchShelf over gRPC", () => {
  test("existing books first, then every change in order, until the client cancels", async () => {
    const parent = await freshShelf();
    await client.createBook({ parent, bookId: "a", book: { title: "A" } });
    const cancel = new AbortController();
    const events = client.watchShelf({ name: parent, includeExisting: true }, { signal: cancel.signal })[Symbol.asyncIterator]();
    const received: BookEvent[] = [(await events.next()).value as BookEvent];
    const ended = handler.watchesEnded;

    // The first event proves the watch is listening: every change from here on is seen.
    await client.createBook({ parent, bookId: "b", book: { title: "B" } });
    await client.updateBook({ book: { name: `${parent}/books/b`, title: "B2" } });
    await client.publishBook({ name: `${parent}/books/b` });
    await client.deleteBook({ name: `${parent}/books/a` });
    for (let i = 0; i < 4; i++) received.push((await events.next()).value as BookEvent);

    expect(received.map(summary)).toEqual(["EXISTING a A", "CREATED b B", "UPDATED b B2", "PUBLISHED b B2", "DELETED a A"]);
    expect(received[3]?.book?.published).toBe(true);
    const times = received.map((e) => timestampMs(e.eventTime!));
    expect(times).toEqual([...times].sort((x, y) => x - y));

    cancel.abort();
    const error = await failure(events.next(), Code.CANCELLED);
    expect(error.code).toBe(Code.CANCELLED);
    await eventually(() => handler.watchesEnded === ended + 1);
  });

  test("max_events ends the stream with OK, counting the existing books", async () => {
    const parent = await freshShelf();
    for (const id of ["x", "y", "z"]) await client.createBook({ parent, bookId: id, book: { title: id.toUpperCase() } });
    const events = await collect(client.watchShelf({ name: parent, includeExisting: true, maxEvents: 2 }, { timeoutMs: 5000 }));
    expect(events.map(summary)).toEqual(["EXISTING x X", "EXISTING y Y"]);
  });

  test("deleting the shelf (with force) sends its books' DELETED events and ends the stream OK", async () => {
    const parent = await freshShelf();
    await client.createBook({ parent, bookId: "only", book: { title: "Only" } });
    const stream = client.watchShelf({ name: parent, includeExisting: true }, { timeoutMs: 5000 })[Symbol.asyncIterator]();
    expect(summary((await stream.next()).value as BookEvent)).toBe("EXISTING only Only");
    await client.deleteShelf({ name: parent, force: true });
    expect(summary((await stream.next()).value as BookEvent)).toBe("DELETED only Only");
    expect((await stream.next()).done).toBe(true);
  });

  test("every watcher of a shelf gets each event; other shelves' changes are not sent", async () => {
    const [watched, other] = [await freshShelf(), await freshShelf()];
    await client.createBook({ parent: watched, bookId: "seed", book: { title: "Seed" } });
    const watchers = [1, 2].map(() => client.watchShelf({ name: watched, includeExisting: true, maxEvents: 2 }, { timeoutMs: 5000 })[Symbol.asyncIterator]());
    for (const watcher of watchers) expect(summary((await watcher.next()).value as BookEvent)).toBe("EXISTING seed Seed");
    await client.createBook({ parent: other, bookId: "elsewhere", book: { title: "Elsewhere" } });
    await client.createBook({ parent: watched, bookId: "here", book: { title: "Here" } });
    for (const watcher of watchers) {
      expect(summary((await watcher.next()).value as BookEvent)).toBe("CREATED here Here");
      expect((await watcher.next()).done).toBe(true);
    }
  });

  test("an unknown shelf is NOT_FOUND, a negative max_events INVALID_ARGUMENT, before any message", async () => {
    await failure(collect(client.watchShelf({ name: "shelves/absent" }, { timeoutMs: 5000 })), Code.NOT_FOUND);
    const parent = await freshShelf();
    expect(violatedFields(await failure(collect(client.watchShelf({ name: parent, maxEvents: -1 }, { timeoutMs: 5000 })), Code.INVALID_ARGUMENT))).toEqual(["max_events"]);
  });
});

test("the handler's watch stream ends as soon as ctx.signal aborts, while waiting for a change", async () => {
  const direct = new BookstoreHandler({ now: tickingClock() });
  const abort = new AbortController();
  const ctx: CallContext = {
    method: bookstoreSpec.methods.watchShelf,
    requestMetadata: new Metadata(),
    responseHeader: new Metadata(),
    responseTrailer: new Metadata(),
    deadline: undefined,
    signal: abort.signal,
    peer: "test",
    transport: "grpc",
    logger: silentLogger(),
  };
  const events = direct.watchShelf({ name: "shelves/computing" } as WatchShelfRequest, ctx)[Symbol.asyncIterator]();
  const waiting = events.next();
  setTimeout(() => abort.abort(), 20);
  expect(await waiting).toEqual({ done: true, value: undefined });
});
