/**
 * bench:explain's measurement (bench/explain.ts loads the data and trains):
 * for a user's top-10, name three of the history's readings by each method,
 * delete their events from the window, and see what happens to the
 * candidate's softmax share among all items and to its rank.
 *
 * Methods: leave-one-out effects (recommend/effects.ts, the app's), raw
 * attention (the candidate appended as the query, its final-layer row averaged
 * over heads: what the app used to show), attention rollout of that row, and
 * three random readings of the window. A reading is named once however many
 * sessions it has; deleting it deletes all of its events in the window.
 */
import type { ModelConfig } from '../src/model/config';
import { rowNormalisers, type LeaveOneOutColumns, type LeaveOneOutScores } from '../src/model/occlusion';
import type { Rng } from '../src/model/random';
import { columnEffects, eventEffects, explainEffects } from '../src/recommend/effects';
import { attentionRollout, lastPositionWeights } from '../src/recommend/explain';

/** What the measurement needs from a trained model (the GPU engine or the app's backend). */
export interface ExplainedModel {
  cfg: ModelConfig;
  leaveOneOut(history: number[], features?: Float32Array): Promise<LeaveOneOutScores>;
  /** The same pass read back for `items` only (the app's: it explains the recommendations it has). */
  leaveOneOutColumns(history: number[], features: Float32Array | undefined, items: number[]): Promise<LeaveOneOutColumns>;
  scores(history: number[], features?: Float32Array): Promise<ArrayLike<number>>;
  attention(history: number[], features?: Float32Array): Promise<ArrayLike<number>[]>;
  /** Features of the history with `extra` appended (the candidate), or undefined when the model has none. */
  appendFeatures(features: Float32Array | undefined, seq: number[]): Float32Array | undefined;
}

export interface User {
  items: number[];
  features?: Float32Array;
}

export type Method = 'loo' | 'attention' | 'rollout' | 'random';
export const METHODS: Method[] = ['loo', 'attention', 'rollout', 'random'];

export interface CandidateResult {
  /** Share (0..1) and 1-based rank among all items before deletion. */
  share: number;
  rank: number;
  /** After deleting each method's three readings. */
  after: Record<Method, { share: number; rank: number }>;
  /** The readings each method names first. */
  top1: Record<Method, number>;
}

/** Softmax share and rank of `c` among items 1.. of one score row. */
function shareAndRank(s: ArrayLike<number>, c: number): { share: number; rank: number } {
  let max = -Infinity;
  for (let i = 1; i < s.length; i++) max = Math.max(max, s[i]);
  let z = 0;
  let rank = 1;
  for (let i = 1; i < s.length; i++) {
    z += Math.exp(s[i] - max);
    if (i !== c && s[i] > s[c]) rank++;
  }
  return { share: Math.exp(s[c] - max) / z, rank };
}

/** Readings ranked by summed weight over their window events, best first; ties newest first. */
function rankReadings(weights: number[], window: number[], exclude: number): number[] {
  const sum = new Map<number, { w: number; newest: number }>();
  window.forEach((id, i) => {
    if (id === exclude) return;
    sum.set(id, { w: (sum.get(id)?.w ?? 0) + weights[i], newest: i });
  });
  return [...sum].sort((a, b) => b[1].w - a[1].w || b[1].newest - a[1].newest).map(([id]) => id);
}

/** The user's history without the window events of `named`. */
function deleteReadings(u: User, F: number, windowStart: number, named: number[]): User {
  const keep = u.items.map((id, i) => i < windowStart || !named.includes(id));
  return {
    items: u.items.filter((_, i) => keep[i]),
    features: u.features && F > 0 ? Float32Array.from(Array.from(u.features).filter((_, j) => keep[Math.floor(j / F)])) : undefined,
  };
}

/** The k best items after the user's history (row 0 of leave-one-out), not already in it. */
export function topItems(loo: LeaveOneOutScores, history: number[], k: number): number[] {
  const seen = new Set(history);
  const ids: number[] = [];
  for (let i = 1; i < loo.cols; i++) if (!seen.has(i)) ids.push(i);
  return ids.sort((a, b) => loo.scores[b] - loo.scores[a] || a - b).slice(0, k);
}

/** Every method's deletion for each of the user's top-10. */
export async function measureUser(m: ExplainedModel, u: User, rng: Rng): Promise<CandidateResult[]> {
  const { cfg } = m;
  const T = cfg.maxlen;
  const loo = await m.leaveOneOut(u.items, u.features);
  const lse = rowNormalisers(loo);
  const windowStart = u.items.length - loo.window;
  const window = u.items.slice(windowStart);
  const out: CandidateResult[] = [];
  for (const c of topItems(loo, u.items, 10)) {
    const seq = [...u.items, c].slice(-T);
    const len = seq.length;
    const att = await m.attention([...u.items, c], m.appendFeatures(u.features, [...u.items, c]));
    // The appended candidate's row over the window events before it (the window is one shorter when the history fills T).
    const pad = window.length - (len - 1);
    const rawRow = lastPositionWeights(att[att.length - 1], cfg.heads, T, len).slice(0, len - 1);
    const roll = attentionRollout(att, cfg.heads, T, len).slice((len - 1) * len, len * len - 1);
    const lift = (w: number[]) => [...new Array<number>(pad).fill(0), ...w];
    const distinct = [...new Set(window)].filter((id) => id !== c);
    const random: number[] = [];
    while (random.length < Math.min(3, distinct.length)) {
      const id = distinct[rng.int(0, distinct.length)];
      if (!random.includes(id)) random.push(id);
    }
    const named: Record<Method, number[]> = {
      loo: rankReadings(eventEffects(loo, c, lse), window, c).slice(0, 3),
      attention: rankReadings(lift(rawRow), window, c).slice(0, 3),
      rollout: rankReadings(lift(roll), window, c).slice(0, 3),
      random,
    };
    const after = {} as CandidateResult['after'];
    for (const method of METHODS) {
      const d = deleteReadings(u, cfg.features, windowStart, named[method]);
      after[method] = shareAndRank(await m.scores(d.items, d.features), c);
    }
    const top1 = Object.fromEntries(METHODS.map((k) => [k, named[k][0] ?? 0])) as Record<Method, number>;
    out.push({ ...shareAndRank(loo.scores.subarray(0, loo.cols), c), after, top1 });
  }
  return out;
}

/**
 * What the app does to explain a user's top-10 (`top`, which it has from recommending them): one leave-one-out
 * pass read back for those ten, then each one's effects.
 */
export async function explainTop10(m: Pick<ExplainedModel, 'leaveOneOutColumns'>, u: User, top: number[]): Promise<number> {
  const loo = await m.leaveOneOutColumns(u.items, u.features, top);
  const window = u.items.slice(u.items.length - loo.window).map(String);
  let named = 0;
  top.forEach((c, j) => (named += explainEffects(columnEffects(loo, j), window, String(c)).raised.length));
  return named;
}

const mean = (xs: number[]) => (xs.length ? xs.reduce((a, b) => a + b, 0) / xs.length : NaN);
const round = (x: number, d = 4) => Number(x.toFixed(d));
const sig = (x: number) => Number(x.toPrecision(3));

/**
 * The share drops of the leave-one-out top 3 and of 3 random readings, by the user's window length (5-7,
 * 8-11, 12 or more events). If one event alone made a candidate's share, 3 random readings of n would hit it
 * with probability 3 / n, so their mean drop would be 3 / n of the top 3's: `single_event_ratio` is the
 * ratio that bound gives (the mean of n / 3 over the bucket's users, with n distinct readings).
 */
export function byWindow(perUser: CandidateResult[][], windows: number[][]): Record<string, Record<string, number>> {
  const buckets: [string, (n: number) => boolean][] = [
    ['5-7', (n) => n <= 7],
    ['8-11', (n) => n >= 8 && n <= 11],
    ['12+', (n) => n >= 12],
  ];
  const out: Record<string, Record<string, number>> = {};
  for (const [name, holds] of buckets) {
    const users = perUser.map((r, i) => ({ r, n: new Set(windows[i]).size })).filter((u) => u.r.length > 0 && holds(u.n));
    if (users.length === 0) continue;
    const all = users.flatMap((u) => u.r);
    const top3 = mean(all.map((r) => r.share - r.after.loo.share));
    const random3 = mean(all.map((r) => r.share - r.after.random.share));
    out[name] = {
      users: users.length,
      share_drop_top3: sig(top3),
      share_drop_random3: sig(random3),
      ratio: round(top3 / random3, 2),
      single_event_ratio: round(mean(users.map((u) => u.n / 3)), 2),
    };
  }
  return out;
}

/** The benchmark's line from every candidate's results (grouped per user for distinct_top1_pct). */
export function summarize(perUser: CandidateResult[][]): Record<string, number> {
  const all = perUser.flat();
  const drop = (m: Method) => mean(all.map((r) => r.share - r.after[m].share));
  const distinct = (m: Method) => 100 * mean(perUser.filter((u) => u.length).map((u) => new Set(u.map((r) => r.top1[m])).size / u.length));
  return {
    top3_lowers_share_pct: round(100 * mean(all.map((r) => (r.after.loo.share < r.share ? 1 : 0))), 1),
    share_drop_top3: sig(drop('loo')),
    share_drop_random3: sig(drop('random')),
    share_drop_attention3: sig(drop('attention')),
    share_drop_rollout3: sig(drop('rollout')),
    rank_drop_top3: round(mean(all.map((r) => r.after.loo.rank - r.rank)), 1),
    rank_drop_random3: round(mean(all.map((r) => r.after.random.rank - r.rank)), 1),
    rank_drop_attention3: round(mean(all.map((r) => r.after.attention.rank - r.rank)), 1),
    distinct_top1_pct: round(distinct('loo'), 1),
    distinct_top1_attention_pct: round(distinct('attention'), 1),
    mean_share: sig(mean(all.map((r) => r.share))),
    cases: all.length,
  };
}
