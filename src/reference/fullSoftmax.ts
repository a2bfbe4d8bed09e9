/**
 * Float64 reference of softmax cross-entropy over the whole catalog, a chunk
 * of items at a time (shaders/loss.wgsl: softmax_ce_chunk, softmax_ce_chunk_grad):
 * the two kernels one for one, and the whole head they make with the chunks'
 * matrix products (fullSoftmaxCe), whose gradients go straight into dh and dE.
 * Shapes: R rows (positions), C = dim, E is (items + 1, C) with row 0 the padding.
 */
import type { Vec } from './ops';

type Arr = ArrayLike<number>;

/**
 * Online log-sum-exp over one chunk: logits (R, M), row stride ldl, for items
 * first .. first + M - 1. state (R, 3) = running max, running sum, target logit;
 * on the last chunk state[r * 3] becomes the log-sum-exp and losses[r] the loss.
 */
export function softmaxCeChunk(
  logits: Arr,
  targets: Arr,
  state: Vec,
  losses: Vec,
  R: number,
  M: number,
  ldl: number,
  first: number,
  isFirst: boolean,
  isLast: boolean,
): void {
  for (let r = 0; r < R; r++) {
    const t = targets[r];
    if (t <= 0) {
      if (isLast) losses[r] = 0;
      continue;
    }
    let m = isFirst ? -Infinity : state[r * 3];
    let s = isFirst ? 0 : state[r * 3 + 1];
    let tl = isFirst ? 0 : state[r * 3 + 2];
    for (let j = 0; j < M; j++) {
      const x = logits[r * ldl + j];
      if (x > m) {
        s = s * Math.exp(m - x) + 1;
        m = x;
      } else s += Math.exp(x - m);
    }
    if (t >= first && t < first + M) tl = logits[r * ldl + t - first];
    if (isLast) {
      const lse = m + Math.log(s);
      state[r * 3] = lse;
      losses[r] = lse - tl;
    } else {
      state[r * 3] = m;
      state[r * 3 + 1] = s;
      state[r * 3 + 2] = tl;
    }
  }
}

/** The chunk's logits become (softmax - onehot) / nValid in place, from the log-sum-exp in state[r * 3]. */
export function softmaxCeChunkGrad(logits: Vec, targets: Arr, state: Arr, R: number, M: number, ldl: number, first: number, nValid: number): void {
  const inv = nValid > 0 ? 1 / nValid : 0;
  for (let r = 0; r < R; r++) {
    const t = targets[r];
    for (let j = 0; j < M; j++) {
      const o = r * ldl + j;
      logits[o] = t <= 0 ? 0 : (Math.exp(logits[o] - state[r * 3]) - (t === first + j ? 1 : 0)) * inv;
    }
  }
}

/**
 * The whole head: mean cross-entropy of each row's target among items 1..items,
 * computed `chunk` items at a time. Writes losses (R) and dh (R, C), adds into
 * dE (items + 1, C); returns the mean loss over the rows with a target.
 */
export function fullSoftmaxCe(h: Arr, E: Arr, targets: Arr, R: number, C: number, items: number, chunk: number, losses: Vec, dh: Vec, dE: Vec): number {
  let nValid = 0;
  for (let r = 0; r < R; r++) if (targets[r] > 0) nValid++;
  const state = new Float64Array(R * 3);
  const logits = new Float64Array(R * chunk);
  const chunkLogits = (first: number, M: number) => {
    for (let r = 0; r < R; r++)
      for (let j = 0; j < M; j++) {
        let d = 0;
        for (let c = 0; c < C; c++) d += h[r * C + c] * E[(first + j) * C + c];
        logits[r * chunk + j] = d;
      }
  };
  const chunks = Math.ceil(items / chunk);
  for (let k = 0; k < chunks; k++) {
    const first = 1 + k * chunk;
    const M = Math.min(chunk, items - k * chunk);
    chunkLogits(first, M);
    softmaxCeChunk(logits, targets, state, losses, R, M, chunk, first, k === 0, k === chunks - 1);
  }
  dh.fill(0);
  for (let k = 0; k < chunks; k++) {
    const first = 1 + k * chunk;
    const M = Math.min(chunk, items - k * chunk);
    chunkLogits(first, M);
    softmaxCeChunkGrad(logits, targets, state, R, M, chunk, first, nValid);
    for (let r = 0; r < R; r++)
      for (let j = 0; j < M; j++) {
        const g = logits[r * chunk + j];
        if (g === 0) continue;
        const e = (first + j) * C;
        for (let c = 0; c < C; c++) {
          dh[r * C + c] += g * E[e + c];
          dE[e + c] += g * h[r * C + c];
        }
      }
  }
  let sum = 0;
  for (let r = 0; r < R; r++) sum += losses[r];
  return nValid > 0 ? sum / nValid : 0;
}
