/**
 * Helpers for explanations and the attention view: whole percentages that add
 * up to exactly 100 (effects.ts gives its shares with them), the last
 * attention row averaged over heads (bench:explain's raw-attention baseline),
 * and the attention rollout the page draws. The reasons the learner reads are
 * measured by removal (effects.ts), not read off attention.
 */

/**
 * Attention of the last query position over the history, averaged over heads.
 * att: one layer's weights for one history, (H, T, T) row-major; the history
 * fills the last `len` of the T positions (left padding).
 */
export function lastPositionWeights(att: ArrayLike<number>, H: number, T: number, len: number): number[] {
  const w = new Array<number>(len).fill(0);
  for (let h = 0; h < H; h++) {
    const row = (h * T + (T - 1)) * T;
    for (let k = 0; k < len; k++) w[k] += att[row + T - len + k] / H;
  }
  return w;
}

/** Whole percentages proportional to `values`, summing to exactly 100 (largest remainder). */
export function percentages(values: number[]): number[] {
  const total = values.reduce((a, b) => a + Math.max(0, b), 0);
  if (total <= 0) return values.map(() => 0);
  const exact = values.map((v) => (100 * Math.max(0, v)) / total);
  const floor = exact.map(Math.floor);
  let left = 100 - floor.reduce((a, b) => a + b, 0);
  const order = exact.map((e, i) => [e - floor[i], i] as const).sort((a, b) => b[0] - a[0] || a[1] - b[1]);
  for (const [, i] of order) {
    if (left <= 0) break;
    floor[i]++;
    left--;
  }
  return floor;
}

/**
 * Attention rollout (Abnar & Zuidema 2020) over the window: how much each
 * position's final hidden state draws on each event through every layer, the
 * residual counted as half of each layer (A' = (A + I) / 2, heads averaged,
 * then the layers multiplied). att: per layer (H, T, T) for one history that
 * fills the last `len` positions. Returns a (len x len) row-major matrix, row
 * = query position; each row sums to 1. For the heatmap: it describes where
 * information flowed, not what changed a score (effects.ts measures that).
 */
export function attentionRollout(att: ArrayLike<number>[], H: number, T: number, len: number): number[] {
  const o = T - len;
  let roll: number[] = Array.from({ length: len * len }, (_, i) => (Math.floor(i / len) === i % len ? 1 : 0));
  for (const layer of att) {
    const a = new Array<number>(len * len).fill(0);
    for (let q = 0; q < len; q++) {
      for (let h = 0; h < H; h++) for (let k = 0; k <= q; k++) a[q * len + k] += layer[(h * T + o + q) * T + o + k] / (2 * H);
      a[q * len + q] += 0.5;
    }
    const next = new Array<number>(len * len).fill(0);
    for (let q = 0; q < len; q++) for (let m = 0; m <= q; m++) for (let k = 0; k <= m; k++) next[q * len + k] += a[q * len + m] * roll[m * len + k];
    roll = next;
  }
  return roll;
}
