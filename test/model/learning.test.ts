/**
 * Learning: a synthetic sequence task with a known rule (each next item is a
 * fixed function of the previous two). Training must take held-out HR@10
 * (full ranking over all items) from chance to above 0.9, on the GPU engine
 * and on the CPU reference.
 */
import { describe, expect, it } from 'vitest';
import { GpuEngine } from '../../src/model/engine';
import { ReferenceModel } from '../../src/reference/model';
import { makeConfig } from '../../src/model/config';
import { Rng } from '../../src/model/random';
import { rankOf } from '../../src/train/metrics';
import { sequenceBatch, shuffled } from '../../src/train/sampling';
import { pairRuleTask } from '../../src/eval/synthetic';
import { gpuContext, testSeed } from '../support/gpu';

const task = pairRuleTask(40, 12);
const N = task.items;
const LEN = task.length;
const sequences = (n: number, rng: Rng) => task.sequences(n, rng);

const cfg = makeConfig({ items: N, maxlen: LEN, dim: 32, blocks: 2, heads: 2, ffnDim: 64, dropout: 0, loss: 'ce' });
const B = 32;
const STEPS = 300;
const seed = testSeed();

async function hr10(score: (history: number[]) => Promise<ArrayLike<number>> | ArrayLike<number>, test: number[][]): Promise<number> {
  let hits = 0;
  for (const s of test) {
    const scores = await score(s.slice(0, -1));
    if (rankOf(scores, s[s.length - 1]) < 10) hits++;
  }
  return hits / test.length;
}

interface Trainable {
  train(batch: ReturnType<typeof sequenceBatch>, readLoss: boolean): Promise<number> | number;
}

async function run(name: string, model: Trainable, score: (h: number[]) => Promise<ArrayLike<number>> | ArrayLike<number>) {
  const rng = new Rng(seed);
  const train = sequences(600, rng);
  const test = sequences(200, rng);
  const before = await hr10(score, test);
  let order: number[] = [];
  let loss = NaN;
  for (let step = 0; step < STEPS; step++) {
    if (order.length < B) order = shuffled(train.length, rng);
    const rows = order.splice(0, B).map((i) => train[i]);
    loss = await model.train(sequenceBatch(cfg, rows, B, rng, { skipTargets: 1 }), step === STEPS - 1);
  }
  const after = await hr10(score, test);
  console.log(
    `${name}: held-out HR@10 ${before.toFixed(3)} -> ${after.toFixed(3)} after ${STEPS} steps (final loss ${loss.toFixed(4)}, chance ${(10 / N).toFixed(3)}, seed ${seed})`,
  );
  expect(before).toBeLessThan(0.5);
  expect(after).toBeGreaterThan(0.9);
}

describe('learning a known sequence rule', () => {
  it('GPU engine: HR@10 from chance to above 0.9', async () => {
    const ctx = await gpuContext();
    const eng = await GpuEngine.create(ctx, cfg, { batchSize: B, seed, optimizer: { lr: 5e-3 } });
    await run(`GPU (${ctx.adapterName})`, { train: (b, read) => eng.trainStep(b, read) }, (h) => eng.scoreAll(h));
  });
  it('CPU reference: HR@10 from chance to above 0.9', async () => {
    const ref = new ReferenceModel(cfg, { batchSize: B, seed, optimizer: { lr: 5e-3 } });
    await run('CPU reference', { train: (b) => ref.trainStep(b) }, (h) => ref.scoreAll(h));
  });
});
