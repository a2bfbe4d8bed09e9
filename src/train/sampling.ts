/**
 * Turning item sequences into training batches (SASRec style): for a sequence
 * s, the input is s[0..n-2] and the target at each position is the next item;
 * only the newest `maxlen` positions are kept, left-padded with 0. Negatives
 * are drawn uniformly from items the sequence does not contain.
 */
import type { ModelConfig } from '../model/config';
import { sampleCandidates, type Batch } from '../model/batch';
import type { Rng } from '../model/random';

export interface BatchOptions {
  /** Softmax CE: the batch's targets plus this many shared uniform negatives (0 = every item is a candidate). */
  candidates?: number;
  /** Softmax CE: the most candidates the engine holds. */
  maxCandidates?: number;
  /** Leave the first `skipTargets` positions of each sequence without a loss. */
  skipTargets?: number;
}

/** Build one batch of `B` rows from the given sequences (fewer rows are padded with empty rows). */
export function sequenceBatch(cfg: ModelConfig, seqs: ArrayLike<number>[], B: number, rng: Rng, opts: BatchOptions = {}): Batch {
  const T = cfg.maxlen;
  const inputs = new Int32Array(B * T);
  const targets = new Int32Array(B * T);
  const negatives = new Int32Array(B * T);
  const skip = opts.skipTargets ?? 0;
  for (let b = 0; b < Math.min(B, seqs.length); b++) {
    const s = seqs[b];
    const n = s.length;
    if (n < 2) continue;
    const seen = new Set<number>();
    for (let i = 0; i < n; i++) seen.add(s[i]);
    const len = Math.min(T, n - 1);
    const start = n - 1 - len; // first input index used
    for (let k = 0; k < len; k++) {
      const t = T - len + k;
      const at = start + k;
      inputs[b * T + t] = s[at];
      if (at >= skip) {
        targets[b * T + t] = s[at + 1];
        let neg = rng.int(1, cfg.items + 1);
        for (let tries = 0; tries < 20 && seen.has(neg); tries++) neg = rng.int(1, cfg.items + 1);
        negatives[b * T + t] = neg;
      }
    }
  }
  const batch: Batch = { inputs, targets, negatives };
  if (cfg.loss === 'ce' && opts.candidates) batch.candidates = sampleCandidates(cfg, targets, opts.candidates, rng, opts.maxCandidates);
  return batch;
}

/** Shuffle indices 0..n-1 (Fisher–Yates). */
export function shuffled(n: number, rng: Rng): number[] {
  const a = Array.from({ length: n }, (_, i) => i);
  for (let i = n - 1; i > 0; i--) {
    const j = rng.int(0, i + 1);
    [a[i], a[j]] = [a[j], a[i]];
  }
  return a;
}
