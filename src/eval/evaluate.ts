/**
 * Evaluation with the SASRec paper's protocol: rank the true next item among
 * 100 items sampled uniformly from those the user never interacted with;
 * HR@10 = share ranked in the top 10, NDCG@10 = mean of 1 / log2(rank + 2)
 * over the hits. The popularity and first-order Markov baselines are scored
 * on the very same candidates.
 */
import { Rng } from '../model/random';
import { metricsFromRanks, rankOf, type Metrics } from '../train/metrics';
import type { Split } from './split';

export interface EvalCase {
  user: number;
  history: number[];
  target: number;
  /** target first, then 100 negatives */
  candidates: Int32Array;
}

/** The evaluation cases for 'valid' (history = train) or 'test' (history = train + valid). */
export function evalCases(split: Split, full: number[][], which: 'valid' | 'test', items: number, seed: number, maxUsers = 10000, negatives = 100): EvalCase[] {
  const rng = new Rng(seed);
  let users = split.train.map((_, u) => u).filter((u) => split.test[u] > 0);
  if (users.length > maxUsers) {
    for (let i = users.length - 1; i > 0; i--) {
      const j = rng.int(0, i + 1);
      [users[i], users[j]] = [users[j], users[i]];
    }
    users = users.slice(0, maxUsers).sort((a, b) => a - b);
  }
  return users.map((u) => {
    const history = which === 'valid' ? split.train[u] : [...split.train[u], split.valid[u]];
    const target = which === 'valid' ? split.valid[u] : split.test[u];
    const seen = new Set(full[u]);
    const candidates = new Int32Array(negatives + 1);
    candidates[0] = target;
    for (let k = 1; k <= negatives; k++) {
      let t = rng.int(1, items + 1);
      while (seen.has(t)) t = rng.int(1, items + 1);
      candidates[k] = t;
    }
    return { user: u, history, target, candidates };
  });
}

/** Rank of candidates[0] among the candidate scores (ties count against it). */
function rankFirst(scores: ArrayLike<number>): number {
  let r = 0;
  for (let k = 1; k < scores.length; k++) if (scores[k] >= scores[0]) r++;
  return r;
}

/** Score with a model: `encode` gives each history's final hidden state (n, C); E is the item table (items+1, C). */
export async function evaluateModel(
  cases: EvalCase[],
  C: number,
  encode: (histories: number[][]) => Promise<Float32Array | Float64Array>,
  E: ArrayLike<number>,
  batch = 256,
): Promise<Metrics> {
  return (await evaluateRanks(cases, C, encode, E, false, batch)).sampled;
}

/**
 * Both protocols at once: `sampled` ranks the target among its case's 100
 * sampled candidates; `full` ranks it against every item 1..items (nothing
 * excluded, ties against it), the figure the issue 19 reports beside it.
 */
export async function evaluateFullAndSampled(
  cases: EvalCase[],
  C: number,
  encode: (histories: number[][]) => Promise<Float32Array | Float64Array>,
  E: ArrayLike<number>,
  batch = 256,
): Promise<{ sampled: Metrics; full: Metrics }> {
  const r = await evaluateRanks(cases, C, encode, E, true, batch);
  return { sampled: r.sampled, full: r.full! };
}

async function evaluateRanks(
  cases: EvalCase[],
  C: number,
  encode: (histories: number[][]) => Promise<Float32Array | Float64Array>,
  E: ArrayLike<number>,
  full: boolean,
  batch: number,
): Promise<{ sampled: Metrics; full: Metrics | null }> {
  const ranks: number[] = [];
  const fullRanks: number[] = [];
  const sc = new Float64Array(cases[0]?.candidates.length ?? 0);
  const rows = E.length / C;
  const table = full ? Float32Array.from(E) : null;
  const scores = new Float32Array(rows);
  for (let s = 0; s < cases.length; s += batch) {
    const chunk = cases.slice(s, s + batch);
    const h = await encode(chunk.map((c) => c.history));
    chunk.forEach((c, i) => {
      for (let k = 0; k < c.candidates.length; k++) {
        let d = 0;
        const e = c.candidates[k] * C;
        for (let j = 0; j < C; j++) d += h[i * C + j] * E[e + j];
        sc[k] = d;
      }
      ranks.push(rankFirst(sc));
      if (table) {
        const hi = Float32Array.from(h.subarray(i * C, (i + 1) * C));
        for (let r = 1; r < rows; r++) {
          let d = 0;
          const e = r * C;
          for (let j = 0; j < C; j++) d += hi[j] * table[e + j];
          scores[r] = d;
        }
        fullRanks.push(rankOf(scores, c.target));
      }
    });
  }
  return { sampled: metricsFromRanks(ranks), full: full ? metricsFromRanks(fullRanks) : null };
}

export function popularityCounts(train: number[][], items: number): Float64Array {
  const pop = new Float64Array(items + 1);
  for (const s of train) for (const i of s) pop[i]++;
  return pop;
}

/** Most popular first. */
export function evaluatePopularity(cases: EvalCase[], pop: Float64Array): Metrics {
  return metricsFromRanks(cases.map((c) => rankFirst(Array.from(c.candidates, (i) => pop[i]))));
}

/** Next item by transition counts from the last item of the history; ties by popularity. */
export function evaluateMarkov(cases: EvalCase[], train: number[][], pop: Float64Array): Metrics {
  const trans = new Map<number, Map<number, number>>();
  for (const s of train) {
    for (let k = 0; k + 1 < s.length; k++) {
      let m = trans.get(s[k]);
      if (!m) trans.set(s[k], (m = new Map()));
      m.set(s[k + 1], (m.get(s[k + 1]) ?? 0) + 1);
    }
  }
  const maxPop = Math.max(1, ...pop);
  return metricsFromRanks(
    cases.map((c) => {
      const m = trans.get(c.history[c.history.length - 1]);
      return rankFirst(Array.from(c.candidates, (i) => (m?.get(i) ?? 0) + pop[i] / (maxPop + 1)));
    }),
  );
}
