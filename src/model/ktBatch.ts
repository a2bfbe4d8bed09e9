/**
 * Knowledge-tracing batches: windows of a learner's attempts turned into the
 * model's three (B, T) arrays, left-padded, and the CPU-side preparation both
 * engines share (loss count, the embedding scatters' segment lists).
 *
 * Position p of a window holds attempt i: the query is its skill, the key and
 * value are the interaction (skill, outcome) of attempt i - 1 (the window's
 * `prev` for i = 0), and the label is its outcome. With the causal mask
 * (key j visible to query p iff j <= p) the prediction at attempt i sees the
 * outcomes of attempts before i only.
 */
import { buildSegments, type SegmentList } from '../kernels/segments';
import type { KtConfig } from './config';

/** A run of one learner's consecutive attempts (at most maxlen). */
export interface KtWindow {
  /** Skill ids, 1..skills. */
  skills: ArrayLike<number>;
  /** 1 right, 0 wrong, one per attempt. */
  correct: ArrayLike<number>;
  /** Interaction id of the attempt just before the window, 0 if none. */
  prev: number;
  /** First attempt that carries a loss (1 for a learner's first window: the first attempt is never scored). */
  scoreFrom: number;
}

export interface KtBatch {
  /** (B, T) query skill ids, 0 = padding. */
  queries: Int32Array;
  /** (B, T) key/value interaction ids (skill + skills * outcome of the previous attempt), 0 = none. */
  interactions: Int32Array;
  /** (B, T) outcome to predict: 0 or 1, -1 = no loss here. */
  labels: Int32Array;
}

export interface PreparedKtBatch {
  batch: KtBatch;
  nValid: number;
  /** skill_emb row <- rows of the query embedding's gradient. */
  querySegments: SegmentList;
  /** inter_emb row <- rows of the key/value embedding's gradient. */
  interactionSegments: SegmentList;
}

export const interactionId = (skill: number, correct: number, skills: number) => skill + skills * correct;

/** Rows of up to B windows, left-padded to T; missing rows are empty. */
export function ktBatch(cfg: KtConfig, windows: KtWindow[], B: number): KtBatch {
  const T = cfg.maxlen;
  if (windows.length > B) throw new Error(`kt batch: ${windows.length} windows exceed the batch size ${B}`);
  const queries = new Int32Array(B * T);
  const interactions = new Int32Array(B * T);
  const labels = new Int32Array(B * T).fill(-1);
  windows.forEach((w, b) => {
    const L = w.skills.length;
    if (L > T) throw new Error(`kt batch: window ${b} has ${L} attempts, more than maxlen ${T}`);
    if (w.correct.length !== L) throw new Error(`kt batch: window ${b} has ${L} skills but ${w.correct.length} outcomes`);
    for (let i = 0; i < L; i++) {
      const p = b * T + T - L + i;
      queries[p] = w.skills[i];
      interactions[p] = i === 0 ? w.prev : interactionId(w.skills[i - 1], w.correct[i - 1], cfg.skills);
      labels[p] = i >= w.scoreFrom ? w.correct[i] : -1;
    }
  });
  return { queries, interactions, labels };
}

export function prepareKtBatch(cfg: KtConfig, batch: KtBatch, B: number): PreparedKtBatch {
  const n = B * cfg.maxlen;
  const check = (name: string, arr: Int32Array, lo: number, hi: number) => {
    if (arr.length !== n) throw new Error(`kt batch: ${name} has length ${arr.length}, expected ${n}`);
    for (let i = 0; i < n; i++) if (!(arr[i] >= lo && arr[i] <= hi)) throw new Error(`kt batch: ${name}[${i}] = ${arr[i]} is outside ${lo}..${hi}`);
  };
  check('queries', batch.queries, 0, cfg.skills);
  check('interactions', batch.interactions, 0, 2 * cfg.skills);
  check('labels', batch.labels, -1, 1);
  let nValid = 0;
  for (let i = 0; i < n; i++) {
    if (batch.labels[i] < 0) continue;
    if (batch.queries[i] === 0) throw new Error(`kt batch: labels[${i}] has no query skill`);
    nValid++;
  }
  const segments = (ids: Int32Array, rows: number) => {
    const keys: number[] = [];
    const srcs: number[] = [];
    for (let i = 0; i < n; i++) {
      if (ids[i] === 0) continue;
      keys.push(ids[i]);
      srcs.push(i);
    }
    return buildSegments(keys, srcs, null, rows);
  };
  return { batch, nValid, querySegments: segments(batch.queries, cfg.skills + 1), interactionSegments: segments(batch.interactions, 2 * cfg.skills + 1) };
}
