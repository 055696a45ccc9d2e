// A few shelves and books so the sample answers something real. User-owned.
import type { MessageInitShape } from "@bufbuild/protobuf";
import { timestampFromDate } from "@bufbuild/protobuf/wkt";
import { Genre, type BookSchema } from "../gen/pb/bookstore/v1/bookstore_pb.js";

/** A shelf to start with: its id, theme and books (each with its `{book}` id). */
export interface SeedShelf {
  readonly id: string;
  readonly theme: string;
  readonly books: ReadonlyArray<{ readonly id: string; readonly book: MessageInitShape<typeof BookSchema> }>;
}

const published = (iso: string) => ({ published: true, publishTime: timestampFromDate(new Date(iso)) });

/** Two shelves: science fiction (two published books and a draft) and computing (one book). */
export function sampleShelves(): SeedShelf[] {
  return [
    {
      id: "science-fiction",
      theme: "Science fiction",
      books: [
        {
          id: "left-hand-of-darkness",
          book: { title: "The Left Hand of Darkness", author: "Ursula K. Le Guin", genre: Genre.SCIENCE_FICTION, pageCount: 304, isbn: 9780441478125n, tags: ["classic", "hugo"], ...published("1969-03-01T00:00:00Z") },
        },
        {
          id: "the-dispossessed",
          book: { title: "The Dispossessed", author: "Ursula K. Le Guin", genre: Genre.SCIENCE_FICTION, pageCount: 387, isbn: 9780060512750n, tags: ["classic", "hugo", "nebula"], ...published("1974-05-01T00:00:00Z") },
        },
        { id: "draft", book: { title: "A Draft Nobody Has Read", author: "Anonymous", genre: Genre.SCIENCE_FICTION, pageCount: 12 } },
      ],
    },
    {
      id: "computing",
      theme: "Computing",
      books: [
        {
          id: "sicp",
          book: { title: "Structure and Interpretation of Computer Programs", author: "Harold Abelson, Gerald Jay Sussman", genre: Genre.COMPUTING, pageCount: 657, isbn: 9780262510875n, tags: ["classic", "lisp"], ...published("1996-07-25T00:00:00Z") },
        },
      ],
    },
  ];
}
