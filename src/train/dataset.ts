/**
 * Interaction sequences from the `user item` line format (one interaction per
 * line, 1-based integer ids, each user's lines in time order), and the SASRec
 * leave-last-two split.
 */

export interface SequenceData {
  /** sequences[u] = items of user u in time order (users renumbered densely from 0). */
  sequences: number[][];
  /** Original user id of each row. */
  userIds: number[];
  /** Largest item id. */
  items: number;
  interactions: number;
}

/** Parse `user item` lines. A malformed line throws, naming the source, the line and the field. */
export function parseUserItemLines(text: string, source = 'input'): SequenceData {
  const byUser = new Map<number, number[]>();
  let items = 0;
  let interactions = 0;
  let lineNo = 0;
  for (const raw of text.split('\n')) {
    lineNo++;
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) continue;
    const parts = line.split(/\s+/);
    if (parts.length !== 2) throw new Error(`${source}, line ${lineNo}: expected "user item", got ${parts.length} field(s)`);
    const [u, i] = parts.map((p) => (/^\d+$/.test(p) ? Number(p) : NaN));
    if (!Number.isSafeInteger(u) || u < 1) throw new Error(`${source}, line ${lineNo}, field user: "${parts[0]}" is not a positive integer`);
    if (!Number.isSafeInteger(i) || i < 1) throw new Error(`${source}, line ${lineNo}, field item: "${parts[1]}" is not a positive integer`);
    let seq = byUser.get(u);
    if (!seq) byUser.set(u, (seq = []));
    seq.push(i);
    if (i > items) items = i;
    interactions++;
  }
  const userIds = [...byUser.keys()];
  return { sequences: userIds.map((u) => byUser.get(u)!), userIds, items, interactions };
}

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
