/**
 * A training batch and the CPU-side preparation both engines share:
 * validity masks, loss normalisation, the candidate set for softmax
 * cross-entropy and the inverse indices ("segment lists") that let the GPU
 * scatter-add embedding gradients without float atomics.
 */
import type { ModelConfig } from './config';
import type { Rng } from './random';
import { buildSegments, type SegmentList } from '../kernels/segments';

export interface Batch {
  /** (B, T) item ids, left-padded with 0. */
  inputs: Int32Array;
  /** (B, T) the next item at each position; 0 = no loss here. */
  targets: Int32Array;
  /** (B, T) one sampled negative per position (BCE loss). */
  negatives?: Int32Array;
  /** Candidate item ids for softmax cross-entropy (unique, no 0); omitted = every item. */
  candidates?: Int32Array;
  /** (B, T, F) per-event features, when the model has any. */
  features?: Float32Array;
}

/** Items' hashed content tokens in CSR form: item i has tokens[offsets[i]..offsets[i+1]). */
export interface ItemContent {
  offsets: Int32Array;
  tokens: Int32Array;
}

export interface PreparedBatch {
  B: number;
  T: number;
  batch: Batch;
  /** Positions with a loss term. */
  nValid: number;
  /** Input-id segments: E row <- rows of dEmbedding. */
  inputSegments: SegmentList;
  /** BCE: E row <- rows of h scaled by dlogit (scale idx bt = positive, BT + bt = negative). */
  targetSegments?: SegmentList;
  /** CE: candidate ids in use and each position's index into them (-1 = none). */
  candidates?: Int32Array;
  targetIndex?: Int32Array;
}

export function checkBatch(cfg: ModelConfig, batch: Batch, B: number): void {
  const T = cfg.maxlen;
  const n = B * T;
  const check = (name: string, arr: ArrayLike<number> | undefined, len: number, maxId: number) => {
    if (!arr) throw new Error(`batch: ${name} is missing`);
    if (arr.length !== len) throw new Error(`batch: ${name} has length ${arr.length}, expected ${len} (B=${B}, T=${T})`);
    for (let i = 0; i < arr.length; i++) {
      const v = arr[i];
      if (!Number.isInteger(v) || v < 0 || v > maxId) throw new Error(`batch: ${name}[${i}] = ${v} is not an item id in 0..${maxId}`);
    }
  };
  check('inputs', batch.inputs, n, cfg.items);
  check('targets', batch.targets, n, cfg.items);
  if (cfg.loss === 'bce') check('negatives', batch.negatives, n, cfg.items);
  if (cfg.features > 0) {
    if (!batch.features || batch.features.length !== n * cfg.features) throw new Error(`batch: features must have length ${n * cfg.features}`);
  }
}

export function prepareBatch(cfg: ModelConfig, batch: Batch, B: number): PreparedBatch {
  checkBatch(cfg, batch, B);
  const T = cfg.maxlen;
  const BT = B * T;
  let nValid = 0;
  for (let i = 0; i < BT; i++) if (batch.targets[i] > 0) nValid++;
  const inKeys: number[] = [];
  const inSrc: number[] = [];
  for (let i = 0; i < BT; i++) {
    if (batch.inputs[i] > 0) {
      inKeys.push(batch.inputs[i]);
      inSrc.push(i);
    }
  }
  const prepared: PreparedBatch = { B, T, batch, nValid, inputSegments: buildSegments(inKeys, inSrc, null, cfg.items + 1) };
  if (cfg.loss === 'bce') {
    const keys: number[] = [];
    const srcs: number[] = [];
    const scales: number[] = [];
    const neg = batch.negatives!;
    for (let i = 0; i < BT; i++) {
      if (batch.targets[i] > 0) {
        keys.push(batch.targets[i], neg[i]);
        srcs.push(i, i);
        scales.push(i, BT + i);
      }
    }
    prepared.targetSegments = buildSegments(keys, srcs, scales, cfg.items + 1);
  } else {
    let cand = batch.candidates;
    if (!cand) {
      cand = new Int32Array(cfg.items);
      for (let i = 0; i < cfg.items; i++) cand[i] = i + 1;
    }
    const index = new Int32Array(cfg.items + 1).fill(-1);
    for (let j = 0; j < cand.length; j++) {
      const id = cand[j];
      if (!Number.isInteger(id) || id < 1 || id > cfg.items) throw new Error(`batch: candidates[${j}] = ${id} is not an item id in 1..${cfg.items}`);
      if (index[id] !== -1) throw new Error(`batch: candidate ${id} appears twice`);
      index[id] = j;
    }
    const targetIndex = new Int32Array(BT).fill(-1);
    for (let i = 0; i < BT; i++) {
      const t = batch.targets[i];
      if (t > 0) {
        if (index[t] < 0) throw new Error(`batch: target ${t} at position ${i} is not among the candidates`);
        targetIndex[i] = index[t];
      }
    }
    prepared.candidates = cand;
    prepared.targetIndex = targetIndex;
  }
  return prepared;
}

/**
 * Candidate set for sampled softmax: every distinct target in the batch plus
 * up to `negatives` further items drawn uniformly, at most `maxTotal` in all.
 */
export function sampleCandidates(cfg: ModelConfig, targets: Int32Array, negatives: number, rng: Rng, maxTotal = cfg.items): Int32Array {
  const seen = new Uint8Array(cfg.items + 1);
  const out: number[] = [];
  for (let i = 0; i < targets.length; i++) {
    const t = targets[i];
    if (t > 0 && !seen[t]) {
      seen[t] = 1;
      out.push(t);
    }
  }
  if (out.length > maxTotal) throw new Error(`batch: ${out.length} distinct targets exceed the ${maxTotal} candidates the engine can hold`);
  const want = Math.min(cfg.items, maxTotal, out.length + negatives);
  while (out.length < want) {
    const id = rng.int(1, cfg.items + 1);
    if (!seen[id]) {
      seen[id] = 1;
      out.push(id);
    }
  }
  return Int32Array.from(out);
}

/** Build the item-content CSR and its inverse (token -> items) used by the backward pass. */
export function contentSegments(content: ItemContent, items: number, buckets: number): { forward: SegmentList; backward: SegmentList; invCount: Float32Array } {
  if (content.offsets.length !== items + 2) throw new Error(`content: offsets must have length items + 2 = ${items + 2}`);
  const invCount = new Float32Array(items + 1);
  const fKeys: number[] = [];
  const fSrc: number[] = [];
  const fScale: number[] = [];
  for (let i = 1; i <= items; i++) {
    const a = content.offsets[i];
    const b = content.offsets[i + 1];
    if (b < a) throw new Error(`content: offsets decrease at item ${i}`);
    if (b > a) invCount[i] = 1 / (b - a);
    for (let k = a; k < b; k++) {
      const tok = content.tokens[k];
      if (!Number.isInteger(tok) || tok < 0 || tok >= buckets) throw new Error(`content: token ${tok} of item ${i} is outside 0..${buckets - 1}`);
      fKeys.push(i);
      fSrc.push(tok);
      fScale.push(i);
    }
  }
  return { forward: buildSegments(fKeys, fSrc, fScale, items + 1), backward: buildSegments(fSrc, fKeys, fScale, buckets), invCount };
}

/**
 * A batch of B rows holding the given histories (newest maxlen items each,
 * left-padded), with no targets: for encoding histories in evaluation mode.
 * features[b], when given, holds (events, F) for history b; the newest events' rows are used.
 */
export function historyBatch(cfg: ModelConfig, histories: ArrayLike<number>[], B: number, features?: (Float32Array | undefined)[]): Batch {
  const T = cfg.maxlen;
  const F = cfg.features;
  if (histories.length > B) throw new Error(`historyBatch: ${histories.length} histories do not fit in ${B} rows`);
  const inputs = new Int32Array(B * T);
  const feats = F > 0 ? new Float32Array(B * T * F) : undefined;
  histories.forEach((hist, b) => {
    const h = Array.from(hist).slice(-T);
    inputs.set(h, b * T + T - h.length);
    const f = features?.[b];
    if (feats && f) feats.set(f.subarray(Math.max(0, f.length - h.length * F)), (b * T + T - h.length) * F);
  });
  const batch: Batch = { inputs, targets: new Int32Array(B * T), negatives: new Int32Array(B * T) };
  if (feats) batch.features = feats;
  if (cfg.loss === 'ce') batch.candidates = Int32Array.of(1);
  return batch;
}

/**
 * Leave-one-out's rows (model/occlusion.ts defines "removed"), each with its
 * features (F per event): the history, then the history without each of its
 * newest min(len, maxlen) events, oldest first. Both engines build their rows
 * here, so the definition lives in one place.
 */
export function withoutEach(
  history: ArrayLike<number>,
  features: Float32Array | undefined,
  maxlen: number,
  F: number,
): { rows: number[][]; feats: (Float32Array | undefined)[] } {
  const h = Array.from(history);
  const n = h.length;
  const L = Math.min(n, maxlen);
  const rows: number[][] = [h.slice(-maxlen)];
  const feats: (Float32Array | undefined)[] = [features];
  for (let i = n - L; i < n; i++) {
    rows.push([...h.slice(0, i), ...h.slice(i + 1)].slice(-maxlen));
    if (features && F > 0) {
      const f = new Float32Array((n - 1) * F);
      f.set(features.subarray(0, i * F));
      f.set(features.subarray((i + 1) * F, n * F), i * F);
      feats.push(f);
    } else feats.push(undefined);
  }
  return { rows, feats };
}
