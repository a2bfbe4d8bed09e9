/**
 * trainKt's choice of the parameters it ends with: the best epoch's, or the
 * mean of the best few epochs' when that scores higher on validation. A
 * stand-in engine with one parameter u makes the validation AUC a known
 * function of u: right answers (skill 1) get logit 1 - |u|, wrong ones
 * (skill 2) 0.5, so the AUC is 1 for |u| < 0.5 and 0 for |u| > 0.5.
 */
import { describe, expect, it } from 'vitest';
import { makeKtConfig } from '../../src/model/config';
import type { KtBatch, KtWindow } from '../../src/model/ktBatch';
import { trainKt, type KtTrainable } from '../../src/train/ktTrainer';

/** An engine whose step e sets u to path[e - 1] (one step an epoch). */
function standIn(path: number[]) {
  let u = 0;
  let steps = 0;
  const engine: KtTrainable = {
    cfg: makeKtConfig({ skills: 2, maxlen: 4, dim: 4, heads: 1 }),
    batchSize: 4,
    trainStep: () => {
      u = path[steps++];
      return Promise.resolve(0.5);
    },
    predict: (b: KtBatch) => Promise.resolve(Float32Array.from(b.queries, (q) => (q === 1 ? 1 - Math.abs(u) : 0.5))),
    readParameters: () => Promise.resolve(Float32Array.of(u)),
    writeParameters: (p: Float32Array) => {
      u = p[0];
    },
  };
  return { engine, u: () => u };
}

const train: KtWindow[] = [{ skills: [1, 2], correct: [1, 0], prev: 0, scoreFrom: 1 }];
const validation: KtWindow[] = [{ skills: [2, 1, 2, 1], correct: [0, 1, 0, 1], prev: 0, scoreFrom: 1 }];

describe('the parameters trainKt ends with', () => {
  it('the mean of the two best epochs, when it scores higher than either', async () => {
    // every epoch scores 0; the first two (ties keep the earlier) are 0.75 and -0.75, whose mean 0 scores 1
    const { engine, u } = standIn([0.75, -0.75, 2, 2, 2]);
    const result = await trainKt(engine, train, validation, { maxEpochs: 5, patience: 5, seed: 1, averageTop: 2 });
    expect(result.epochs.map((e) => e.validationAuc)).toEqual([0, 0, 0, 0, 0]);
    expect(result.averaged).toEqual({ epochs: [1, 2], validationAuc: 1, kept: true });
    expect(u()).toBe(0);
  });

  it('the best epoch, when the mean scores no higher', async () => {
    const { engine, u } = standIn([0.25, 2, 3]);
    const result = await trainKt(engine, train, validation, { maxEpochs: 3, patience: 3, seed: 1, averageTop: 2 });
    expect(result.bestEpoch).toBe(1);
    expect(result.averaged?.epochs).toEqual([1, 2]); // 1.125: AUC 0
    expect(result.averaged?.kept).toBe(false);
    expect(u()).toBe(0.25);
  });

  it('without averageTop, the best epoch and no mean is tried', async () => {
    const { engine, u } = standIn([0.75, -0.75, 0.25, 2]);
    const result = await trainKt(engine, train, validation, { maxEpochs: 4, patience: 4, seed: 1 });
    expect(result.bestEpoch).toBe(3);
    expect(result.averaged).toBeUndefined();
    expect(u()).toBe(0.25);
    await expect(trainKt(engine, train, validation, { maxEpochs: 1, patience: 1, seed: 1, averageTop: 0 })).rejects.toThrow(/averageTop/);
  });
});
