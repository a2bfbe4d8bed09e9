/**
 * Leave-one-out (model/occlusion.ts): the batched GPU pass against the float64
 * reference scoring each removal separately, and a synthetic task with a known
 * cause (B always follows A) where removal must name A first for B.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { GpuEngine } from '../../src/model/engine';
import { columnsOf, MAX_COLUMNS, rowNormalisers } from '../../src/model/occlusion';
import { ReferenceModel } from '../../src/reference/model';
import { initParameters } from '../../src/model/init';
import { makeConfig, type ModelConfig } from '../../src/model/config';
import { parameterLayout } from '../../src/model/parameters';
import { Rng } from '../../src/model/random';
import { sequenceBatch, shuffled } from '../../src/train/sampling';
import { columnEffects, eventEffects, explainEffects } from '../../src/recommend/effects';
import type { GpuContext } from '../../src/gpu/context';
import { awkwardConfig, randomContent } from '../support/fixtures';
import { gpuContext, relErr, testSeed } from '../support/gpu';

const seed = testSeed();
let ctx: GpuContext;
beforeAll(async () => {
  ctx = await gpuContext();
});

/** Row r minus row 0, every column but padding: what removing event r - 1 did to each score. */
function differences(scores: ArrayLike<number>, rows: number, cols: number): number[] {
  const out: number[] = [];
  for (let r = 1; r < rows; r++) for (let i = 1; i < cols; i++) out.push(scores[r * cols + i] - scores[i]);
  return out;
}

describe('batched leave-one-out equals the reference, one removal at a time', () => {
  const cases: [string, ModelConfig, number][] = [
    ['history longer than the window (older events slide in)', awkwardConfig('ce', { dropout: 0.3 }), 11],
    ['history shorter than the window', awkwardConfig('ce'), 4],
    ['one event (its removal leaves an empty history)', awkwardConfig('ce'), 1],
    ['no features or content, 1 head', awkwardConfig('bce', { features: 0, contentBuckets: 0, heads: 1, maxlen: 9 }), 9],
  ];
  for (const [name, cfg, len] of cases) {
    it(name, async () => {
      const rng = new Rng(seed + len);
      const content = cfg.contentBuckets > 0 ? randomContent(cfg, rng) : undefined;
      const params = initParameters(cfg, parameterLayout(cfg), 3);
      for (let i = 0; i < params.length; i++) params[i] += rng.normal() * 0.1;
      const gpu = await GpuEngine.create(ctx, cfg, { batchSize: 4, seed: 5, content, params });
      const ref = new ReferenceModel(cfg, { batchSize: 4, seed: 5, content, params });
      const history = Array.from({ length: len }, () => rng.int(1, cfg.items + 1));
      const features = cfg.features > 0 ? Float32Array.from({ length: len * cfg.features }, () => rng.next()) : undefined;
      const g = await gpu.leaveOneOut(history, features);
      const r = ref.leaveOneOut(history, features);
      const L = Math.min(len, cfg.maxlen);
      expect(g.window).toBe(L);
      expect(r.window).toBe(L);
      expect(g.scores.length).toBe((L + 1) * (cfg.items + 1));
      expect(relErr(g.scores, r.scores), `scores (seed ${seed})`).toBeLessThan(1e-4);
      // Each row is the reference's own scoring of that history, so "removed" means one thing in both engines.
      const without0 = [...history.slice(0, len - L), ...history.slice(len - L + 1)];
      const f0 = features
        ? Float32Array.from([...features.subarray(0, (len - L) * cfg.features), ...features.subarray((len - L + 1) * cfg.features)])
        : undefined;
      expect(relErr(r.scores.subarray(r.cols + 1, 2 * r.cols), ref.scoreAll(without0, undefined, f0).subarray(1))).toBeLessThan(1e-12);
      const gd = differences(g.scores, L + 1, g.cols);
      const rd = differences(r.scores, L + 1, r.cols);
      expect(relErr(gd, rd), `score differences (seed ${seed})`).toBeLessThan(1e-3);
      // Each row's softmax normaliser, summed on the GPU, against the reference's scores summed in float64.
      expect(g.lse).toHaveLength(L + 1);
      expect(
        relErr(g.lse!, rowNormalisers({ window: r.window, cols: r.cols, scores: Float32Array.from(r.scores) })),
        `row log-sum-exp (seed ${seed})`,
      ).toBeLessThan(1e-4);
      // A few items' columns only (what the app reads back): the same scores and normalisers, the same effects.
      const asked = Array.from({ length: 3 }, () => rng.int(1, cfg.items + 1));
      const c = await gpu.leaveOneOutColumns(history, features, asked);
      expect(c.window).toBe(L);
      expect(c.columns).toHaveLength((L + 1) * asked.length);
      for (let row = 0; row <= L; row++) asked.forEach((id, j) => expect(c.columns[row * asked.length + j]).toBe(g.scores[row * g.cols + id]));
      expect(Array.from(c.lse)).toEqual(Array.from(g.lse!));
      asked.forEach((id, j) => expect(columnEffects(c, j)).toEqual(eventEffects(g, id)));
    });
  }
});

describe('a known cause: B always follows A', () => {
  it('removal names A first for B', async () => {
    const N = 20;
    const A = 1;
    const Bitem = 2;
    const cfg = makeConfig({ items: N, maxlen: 10, dim: 16, blocks: 2, heads: 2, ffnDim: 32, dropout: 0, loss: 'ce' });
    const rng = new Rng(seed);
    const filler = () => rng.int(3, N + 1);
    // Random items; A now and then, always followed at once by B (B never appears otherwise).
    const sequence = (n: number) => {
      const s: number[] = [];
      while (s.length < n) s.push(...(rng.next() < 0.2 ? [A, Bitem] : [filler()]));
      return s.slice(0, n);
    };
    const train = Array.from({ length: 600 }, () => sequence(cfg.maxlen + 1));
    const engine = await GpuEngine.create(ctx, cfg, { batchSize: 32, seed: 9, optimizer: { lr: 5e-3 } });
    let order: number[] = [];
    for (let step = 0; step < 250; step++) {
      if (order.length < 32) order = shuffled(train.length, rng);
      const rows = order.splice(0, 32).map((i) => train[i]);
      await engine.trainStep(sequenceBatch(cfg, rows, 32, rng, { skipTargets: 1 }), false);
    }
    let firsts = 0;
    const trials = 20;
    for (let t = 0; t < trials; t++) {
      const history = [...Array.from({ length: 6 }, filler), A];
      const loo = await engine.leaveOneOut(history);
      const names = history.map(String);
      const why = explainEffects(eventEffects(loo, Bitem), names, String(Bitem));
      if (why.raised[0]?.readingId === String(A)) firsts++;
    }
    console.log(`known cause: A named first for B in ${firsts}/${trials} histories (seed ${seed})`);
    expect(firsts).toBe(trials);
  });
});

describe('leave-one-out columns', () => {
  it(`more items than one pass reads (${MAX_COLUMNS}) are read in several, in the order asked (seed ${seed})`, async () => {
    const rng = new Rng(seed + 99);
    const cfg = awkwardConfig('ce', { contentBuckets: 0, features: 0 });
    const gpu = await GpuEngine.create(ctx, cfg, { batchSize: 4, seed: 5 });
    const history = Array.from({ length: cfg.maxlen + 2 }, () => rng.int(1, cfg.items + 1));
    const full = await gpu.leaveOneOut(history);
    const asked = Array.from({ length: MAX_COLUMNS + 5 }, () => rng.int(1, cfg.items + 1));
    const c = await gpu.leaveOneOutColumns(history, undefined, asked);
    expect(c).toEqual(columnsOf(full, asked));
    await expect(gpu.leaveOneOutColumns(history, undefined, [cfg.items + 1])).rejects.toThrow(/not an item id/);
  });
});
