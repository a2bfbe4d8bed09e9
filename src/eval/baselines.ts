/**
 * The two baselines the learner's model must beat on held-out next readings:
 * popularity (how often a reading occurs in the training sequences), and
 * "next in prerequisite order": readings that build on the latest reading
 * first, then every other reading whose prerequisites are done, in a fixed
 * topological order of the catalog, then the rest in that order.
 * Both give scores indexed by item id, like the model (popularity is
 * `popularityCounts` in evaluate.ts).
 */
import type { Reading } from '../data/types';
import { compareDates } from '../data/dates';
import type { Vocabulary } from '../train/fromHistory';

/** Kahn's algorithm over the prerequisite graph; ties broken by date added, then id. */
function topologicalOrder(readings: Reading[]): string[] {
  const ids = new Set(readings.map((r) => r.id));
  const indegree = new Map(readings.map((r) => [r.id, r.prerequisites.filter((p) => ids.has(p)).length]));
  const next = new Map<string, string[]>();
  for (const r of readings) for (const p of r.prerequisites) if (ids.has(p)) next.set(p, [...(next.get(p) ?? []), r.id]);
  const byId = new Map(readings.map((r) => [r.id, r]));
  const cmp = (a: string, b: string) => compareDates(byId.get(a)!.addedAt, byId.get(b)!.addedAt) || a.localeCompare(b);
  const ready = readings
    .filter((r) => indegree.get(r.id) === 0)
    .map((r) => r.id)
    .sort(cmp);
  const out: string[] = [];
  while (ready.length > 0) {
    const id = ready.shift()!;
    out.push(id);
    for (const n of next.get(id) ?? []) {
      indegree.set(n, indegree.get(n)! - 1);
      if (indegree.get(n) === 0) {
        ready.push(n);
        ready.sort(cmp);
      }
    }
  }
  // A cycle (the data layer allows one through manual edits) leaves readings out: append them.
  for (const r of [...readings].sort((a, b) => cmp(a.id, b.id))) if (!out.includes(r.id)) out.push(r.id);
  return out;
}

export class PrerequisiteOrder {
  private rank: Map<string, number>;
  private byId: Map<string, Reading>;
  constructor(
    readings: Reading[],
    private vocab: Vocabulary,
    private items: number,
  ) {
    this.rank = new Map(topologicalOrder(readings).map((id, i) => [id, i]));
    this.byId = new Map(readings.map((r) => [r.id, r]));
  }
  /** Scores after a history of item ids; `known` are readings finished before the history began. */
  scores(history: number[], known: Set<string> = new Set()): Float32Array {
    const done = new Set([...known, ...history.map((id) => this.vocab.readingOf[id])]);
    const last = history.length > 0 ? this.vocab.readingOf[history[history.length - 1]] : '';
    const n = this.rank.size;
    const s = new Float32Array(this.items + 1).fill(-Infinity);
    for (let id = 1; id <= this.items; id++) {
      const r = this.byId.get(this.vocab.readingOf[id]);
      if (!r) continue;
      const order = n - this.rank.get(r.id)!;
      const open = r.prerequisites.every((p) => done.has(p) || !this.byId.has(p));
      const follows = last !== '' && r.prerequisites.includes(last);
      s[id] = (open ? (follows ? 2 : 1) : 0) * (n + 1) + order;
    }
    return s;
  }
}
