/**
 * A first path on day one, before the model knows the learner: with fewer than COLD_START_SESSIONS
 * sessions the plan is a starting suggestion, not the model's. It offers readings with no unmet
 * prerequisite (the same rule as the model's path, mayComeNext) in a fixed order:
 * - with a path pack: what the pack's learners read first (the mean position at which they read each
 *   reading, earliest first; a tie goes to the reading more of them read), then the readings no pack
 *   learner read, in the order below;
 * - without one (most learners): foundations first, by prerequisite depth (how many readings lie
 *   under it through its prerequisites), then difficulty, then length, then title.
 * The path fits the minutes available and puts a reading after its prerequisites, as planPath does.
 */
import type { PathPack, Reading } from '../data/types';
import { planPath, type PathStep } from './path';

/** Below this many sessions the plan is the starting suggestion. */
export const COLD_START_SESSIONS = 5;

/** Whether a learner with `sessions` sessions gets the starting suggestion instead of the model's path. */
export const isColdStart = (sessions: number): boolean => sessions < COLD_START_SESSIONS;

/**
 * Each reading's prerequisite depth in the catalog: 0 with no prerequisite (or only ones gone from the
 * catalog), else one more than its deepest prerequisite. A cycle is cut where it closes.
 */
export function prerequisiteDepth(catalog: Reading[]): Map<string, number> {
  const byId = new Map(catalog.map((r) => [r.id, r]));
  const depth = new Map<string, number>();
  const visiting = new Set<string>();
  const of = (r: Reading): number => {
    const known = depth.get(r.id);
    if (known !== undefined) return known;
    if (visiting.has(r.id)) return 0;
    visiting.add(r.id);
    let d = 0;
    for (const p of r.prerequisites) {
      const pre = byId.get(p);
      if (pre) d = Math.max(d, of(pre) + 1);
    }
    visiting.delete(r.id);
    depth.set(r.id, d);
    return d;
  };
  for (const r of catalog) of(r);
  return depth;
}

/** The order without a pack: prerequisite depth, then difficulty, then minutes, then title and id. */
export function foundationOrder(catalog: Reading[]): Reading[] {
  const depth = prerequisiteDepth(catalog);
  return [...catalog].sort(
    (a, b) =>
      depth.get(a.id)! - depth.get(b.id)! || a.difficulty - b.difficulty || a.minutes - b.minutes || a.title.localeCompare(b.title) || a.id.localeCompare(b.id),
  );
}

/**
 * The order with path packs: readings by the mean position at which the packs' learners read them
 * (first reading 0; readings gone from the catalog are skipped, as the trainer skips them), earliest
 * first, a tie to the reading more learners read; then the rest in foundationOrder.
 */
export function packOrder(catalog: Reading[], packs: PathPack[]): Reading[] {
  const inCatalog = new Set(catalog.map((r) => r.id));
  const sum = new Map<string, number>();
  const count = new Map<string, number>();
  for (const pack of packs) {
    for (const seq of pack.sequences) {
      const seen = new Set<string>();
      let at = 0;
      for (const id of seq) {
        if (!inCatalog.has(id)) continue;
        if (!seen.has(id)) {
          seen.add(id);
          sum.set(id, (sum.get(id) ?? 0) + at);
          count.set(id, (count.get(id) ?? 0) + 1);
        }
        at++;
      }
    }
  }
  const fallback = foundationOrder(catalog);
  const rank = new Map(fallback.map((r, i) => [r.id, i]));
  const mean = (id: string) => sum.get(id)! / count.get(id)!;
  const read = fallback
    .filter((r) => count.has(r.id))
    .sort((a, b) => mean(a.id) - mean(b.id) || count.get(b.id)! - count.get(a.id)! || rank.get(a.id)! - rank.get(b.id)!);
  return [...read, ...fallback.filter((r) => !count.has(r.id))];
}

/** The starting order: the packs' when any pack names a reading of the catalog, else foundations first. */
export function starterOrder(catalog: Reading[], packs: PathPack[]): { order: Reading[]; fromPack: boolean } {
  const inCatalog = new Set(catalog.map((r) => r.id));
  const fromPack = packs.some((p) => p.sequences.some((s) => s.some((id) => inCatalog.has(id))));
  return { order: fromPack ? packOrder(catalog, packs) : foundationOrder(catalog), fromPack };
}

export interface StarterInput {
  catalog: Reading[];
  packs: PathPack[];
  minutes: number;
  /** Readings the learner skipped for this path. */
  skip?: Set<string>;
}

/** The starting path: the starter order through the readings that may come next, within the minutes. */
export async function starterPath(input: StarterInput): Promise<{ steps: PathStep[]; fromPack: boolean }> {
  const { order, fromPack } = starterOrder(input.catalog, input.packs);
  // planPath takes the highest score among the readings that may come next: earlier in the order is higher.
  const score = new Map(order.map((r, i) => [r.id, order.length - i]));
  const steps = await planPath({ catalog: input.catalog, history: [], minutes: input.minutes, skip: input.skip, score: () => score });
  return { steps, fromPack };
}
