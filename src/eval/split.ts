/** The SASRec leave-last-two split of interaction sequences. */

export interface Split {
  /** Training part of every user's sequence. */
  train: number[][];
  /** Validation target (or 0 when the user has fewer than 3 interactions). */
  valid: number[];
  /** Test target (or 0). */
  test: number[];
}

/** SASRec's split: with >= 3 interactions, the last is test, the one before validation. */
export function leaveLastTwo(sequences: number[][]): Split {
  const train: number[][] = [];
  const valid: number[] = [];
  const test: number[] = [];
  for (const s of sequences) {
    if (s.length < 3) {
      train.push(s.slice());
      valid.push(0);
      test.push(0);
    } else {
      train.push(s.slice(0, -2));
      valid.push(s[s.length - 2]);
      test.push(s[s.length - 1]);
    }
  }
  return { train, valid, test };
}

/**
 * The same sequences with their items numbered 1..n in order of first
 * appearance, n = the distinct items they hold: a user subset becomes a
 * smaller catalog (the CPU proxy of a large data set).
 */
export function compactItems(sequences: number[][]): { sequences: number[][]; items: number } {
  const ids = new Map<number, number>();
  const out = sequences.map((s) =>
    s.map((i) => {
      let id = ids.get(i);
      if (id === undefined) ids.set(i, (id = ids.size + 1));
      return id;
    }),
  );
  return { sequences: out, items: ids.size };
}
