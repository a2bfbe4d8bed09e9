/**
 * Training the knowledge-tracing model: epochs over shuffled windows, the
 * validation AUC after each, early stopping with the best epoch's parameters
 * restored, or the mean of the best few epochs' parameters where that scores
 * higher on validation (averageTop). Bounded by epochs, never by time. Works
 * with the WGSL engine (model/ktEngine.ts) or anything with the same methods.
 */
import type { KtConfig } from '../model/config';
import { ktBatch, type KtBatch, type KtWindow } from '../model/ktBatch';
import { Rng } from '../model/random';
import { auc } from './ktMetrics';
import { shuffled } from './sampling';

export interface KtTrainable {
  readonly cfg: KtConfig;
  readonly batchSize: number;
  trainStep(batch: KtBatch, readLoss?: boolean): Promise<number>;
  /** Every position's logit, dropout off. */
  predict(batch: KtBatch): Promise<Float32Array | Float64Array>;
  readParameters(): Promise<Float32Array>;
  writeParameters(params: Float32Array): void;
}

/** The probability of a right answer at every scored attempt of these windows, and the outcomes. */
export async function ktPredict(engine: KtTrainable, windows: KtWindow[]): Promise<{ probs: Float64Array; labels: Uint8Array }> {
  const probs: number[] = [];
  const labels: number[] = [];
  const B = engine.batchSize;
  for (let s = 0; s < windows.length; s += B) {
    const batch = ktBatch(engine.cfg, windows.slice(s, s + B), B);
    const z = await engine.predict(batch);
    for (let i = 0; i < z.length; i++) {
      if (batch.labels[i] < 0) continue;
      probs.push(1 / (1 + Math.exp(-z[i])));
      labels.push(batch.labels[i]);
    }
  }
  return { probs: Float64Array.from(probs), labels: Uint8Array.from(labels) };
}

interface KtEpoch {
  epoch: number;
  loss: number;
  validationAuc: number;
}

export interface KtTrainOptions {
  maxEpochs: number;
  /** Stop after this many epochs without a validation AUC gain. */
  patience: number;
  /** Seed of the window order (each epoch draws its own from seed + epoch). */
  seed: number;
  /**
   * Also try the mean of the parameters of this many best epochs (by validation AUC), and keep it
   * if its validation AUC beats the best epoch's (1 or absent: the best epoch only).
   */
  averageTop?: number;
  onEpoch?: (e: KtEpoch) => void;
}

export interface KtTrainResult {
  epochs: KtEpoch[];
  bestEpoch: number;
  bestValidationAuc: number;
  /** With averageTop > 1: the epochs averaged, the mean's validation AUC and whether it was kept. */
  averaged?: { epochs: number[]; validationAuc: number; kept: boolean };
}

/** The element-wise mean of these parameter vectors. */
function meanOf(params: Float32Array[]): Float32Array {
  const out = new Float32Array(params[0].length);
  for (const p of params) for (let i = 0; i < out.length; i++) out[i] += p[i];
  for (let i = 0; i < out.length; i++) out[i] /= params.length;
  return out;
}

/** `train` is the same windows every epoch, or the windows of each epoch (1, 2, ...). */
export async function trainKt(
  engine: KtTrainable,
  train: KtWindow[] | ((epoch: number) => KtWindow[]),
  validation: KtWindow[],
  opts: KtTrainOptions,
): Promise<KtTrainResult> {
  const B = engine.batchSize;
  const keep = opts.averageTop ?? 1;
  if (!(Number.isInteger(keep) && keep >= 1)) throw new Error(`kt training: averageTop must be a positive integer, got ${keep}`);
  const epochs: KtEpoch[] = [];
  let best = { epoch: 0, auc: -Infinity, params: await engine.readParameters() };
  /** The `keep` best epochs so far, best first. */
  let top: { epoch: number; auc: number; params: Float32Array }[] = [];
  for (let epoch = 1; epoch <= opts.maxEpochs; epoch++) {
    const rng = new Rng(opts.seed + epoch);
    const windows = typeof train === 'function' ? train(epoch) : train;
    const order = shuffled(windows.length, rng);
    let lossSum = 0;
    let reads = 0;
    let steps = 0;
    for (let s = 0; s < order.length; s += B) {
      const batch = ktBatch(
        engine.cfg,
        order.slice(s, s + B).map((i) => windows[i]),
        B,
      );
      // the loss is read back every 20th step only: a read-back waits for the GPU
      const read = steps++ % 20 === 0;
      const loss = await engine.trainStep(batch, read);
      if (read) {
        lossSum += loss;
        reads++;
      }
    }
    const v = await ktPredict(engine, validation);
    const e: KtEpoch = { epoch, loss: lossSum / reads, validationAuc: auc(v.probs, v.labels) };
    epochs.push(e);
    opts.onEpoch?.(e);
    const entersTop = top.length < keep || e.validationAuc > top[top.length - 1].auc;
    const params = e.validationAuc > best.auc || (keep > 1 && entersTop) ? await engine.readParameters() : null;
    if (params && entersTop) top = [...top, { epoch, auc: e.validationAuc, params }].sort((a, b) => b.auc - a.auc).slice(0, keep);
    if (params && e.validationAuc > best.auc) best = { epoch, auc: e.validationAuc, params };
    else if (epoch - best.epoch >= opts.patience) break;
  }
  const result: KtTrainResult = { epochs, bestEpoch: best.epoch, bestValidationAuc: best.auc };
  if (top.length > 1) {
    engine.writeParameters(meanOf(top.map((t) => t.params)));
    const v = await ktPredict(engine, validation);
    const validationAuc = auc(v.probs, v.labels);
    result.averaged = { epochs: top.map((t) => t.epoch), validationAuc, kept: validationAuc > best.auc };
    if (result.averaged.kept) return result;
  }
  engine.writeParameters(best.params);
  return result;
}
