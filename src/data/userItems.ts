/**
 * Interaction sequences from the `user item` line format (one interaction per
 * line, 1-based integer ids, each user's lines in time order): the format of
 * benchmark data sets and of path packs.
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
