/**
 * The knowledge-tracing model on the WGSL engine against its float64
 * reference: one whole training step (loss, logits, every gradient, every
 * updated parameter and the update itself) on small awkward configs, several
 * fused steps in a row, and causality on the GPU.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import type { GpuContext } from '../../src/gpu/context';
import type { KtConfig } from '../../src/model/config';
import { initParameters } from '../../src/model/init';
import { ktBatch } from '../../src/model/ktBatch';
import { KtEngine } from '../../src/model/ktEngine';
import { ktParameterLayout } from '../../src/model/ktParameters';
import { Rng } from '../../src/model/random';
import { KtReferenceModel } from '../../src/reference/ktModel';
import { gpuContext, relErr, testSeed } from '../support/gpu';
import { awkwardKtConfig, randomKtBatch, randomKtWindows } from '../support/ktFixtures';

const seed = testSeed();
let ctx: GpuContext;
beforeAll(async () => {
  ctx = await gpuContext();
  console.log(`kt engine tests: seed ${seed} on ${ctx.adapterName}`);
});

async function pair(cfg: KtConfig, B: number, rng: Rng, attention?: 'fused' | 'gemm') {
  const params = initParameters(cfg, ktParameterLayout(cfg), 7);
  for (let i = 0; i < params.length; i++) params[i] += rng.normal() * 0.05;
  const optimizer = { lr: 1e-2, weightDecay: 0.01 };
  const gpu = await KtEngine.create(ctx, cfg, { batchSize: B, seed: 11, params, optimizer, attention });
  const ref = new KtReferenceModel(cfg, B, { seed: 11, params, optimizer });
  return { gpu, ref };
}

/** Updated parameters: relative error per tensor where the gradient is clearly non-zero; elsewhere Adam's bound |step| <= lr (1 + decay). */
function expectUpdated(cfg: KtConfig, got: Float32Array, ref: KtReferenceModel, tol: number) {
  const bound = ref.opt.lr * ref.stepCount * 1.01 * (1 + ref.opt.weightDecay);
  for (const t of ktParameterLayout(cfg).tensors) {
    const g: number[] = [];
    const w: number[] = [];
    for (let i = t.offset; i < t.offset + t.size; i++) {
      if (Math.abs(ref.grads[i]) >= 1e-7) {
        g.push(got[i]);
        w.push(ref.params[i]);
      } else expect(Math.abs(got[i] - ref.params[i]), `${t.name}[${i - t.offset}] (seed ${seed})`).toBeLessThanOrEqual(bound);
    }
    if (g.length) expect(relErr(g, w), `updated ${t.name} (seed ${seed})`).toBeLessThan(tol);
  }
}

const cases: [string, KtConfig, number, ('fused' | 'gemm')?][] = [
  ['B=13 T=7 C=12 H=3, dropout 0.3', awkwardKtConfig(), 13],
  ['B=13 T=7, fused attention kernels', awkwardKtConfig(), 13, 'fused'],
  ['B=5 T=7, dropout 0 (branch gradients read the residual directly)', awkwardKtConfig({ dropout: 0 }), 5],
  ['B=3 T=50 C=20 H=1 F=33, 29 skills', awkwardKtConfig({ maxlen: 50, dim: 20, heads: 1, ffnDim: 33, skills: 29 }), 3],
  [
    'B=13 T=7, tokens from parts (3 skills x 3 states x 2 runs) and joint rows',
    awkwardKtConfig({ skills: 18, tokenParts: { skills: 3, factors: [3, 2], joint: true } }),
    13,
  ],
  ['B=5 T=7, tokens from parts only (5 skills x 2 states)', awkwardKtConfig({ skills: 10, tokenParts: { skills: 5, factors: [2], joint: false } }), 5],
];

describe('one GPU knowledge-tracing step equals the reference step', () => {
  for (const [name, cfg, B, attention] of cases) {
    it(name, async () => {
      const rng = new Rng(seed);
      const { gpu, ref } = await pair(cfg, B, rng, attention);
      const batch = randomKtBatch(cfg, B, rng);
      const gl = await gpu.forward(batch);
      const r = ref.forward(batch);
      expect(Math.abs(gl - r.loss) / r.loss, `loss ${gl} vs ${r.loss} (seed ${seed})`).toBeLessThan(1e-4);
      expect(relErr(await gpu.readLogits(), r.logits), `logits (seed ${seed})`).toBeLessThan(1e-4);
      gpu.backward();
      ref.backward();
      const grads = await gpu.readGradients();
      for (const t of ktParameterLayout(cfg).tensors) {
        const err = relErr(grads.subarray(t.offset, t.offset + t.size), ref.grads.subarray(t.offset, t.offset + t.size));
        expect(err, `gradient of ${t.name} (seed ${seed})`).toBeLessThan(1e-3);
      }
      const before = await gpu.readParameters();
      gpu.step();
      ref.step();
      const after = await gpu.readParameters();
      expectUpdated(cfg, after, ref, 1e-4);
      const du: number[] = [];
      const dw: number[] = [];
      for (let i = 0; i < after.length; i++) {
        if (Math.abs(ref.grads[i]) > 1e-5) {
          du.push(after[i] - before[i]);
          dw.push(ref.params[i] - before[i]);
        }
      }
      expect(du.length).toBeGreaterThan(100);
      expect(relErr(du, dw), `AdamW update (seed ${seed})`).toBeLessThan(1e-3);
    });
  }

  it('five fused trainStep() calls track the reference', async () => {
    const rng = new Rng(seed + 1);
    const cfg = awkwardKtConfig();
    const { gpu, ref } = await pair(cfg, 13, rng);
    for (let s = 0; s < 5; s++) {
      const batch = randomKtBatch(cfg, 13, rng);
      const gl = await gpu.trainStep(batch);
      const rl = ref.forward(batch).loss;
      ref.backward();
      ref.step();
      expect(Math.abs(gl - rl) / rl, `step ${s}: ${gl} vs ${rl} (seed ${seed})`).toBeLessThan(1e-3);
    }
    expectUpdated(cfg, await gpu.readParameters(), ref, 1e-4);
  });

  it('on the GPU, flipping an outcome leaves that attempt and every earlier prediction bit-identical', async () => {
    const rng = new Rng(seed + 2);
    const cfg = awkwardKtConfig({ maxlen: 12 });
    const { gpu } = await pair(cfg, 1, rng);
    const w = randomKtWindows(cfg, 1, rng)[0];
    const base = await gpu.predict(ktBatch(cfg, [w], 1));
    const k = rng.int(0, cfg.maxlen - 1);
    const flipped = { ...w, correct: Array.from(w.correct, (c, i) => (i === k ? 1 - c : c)) };
    const after = await gpu.predict(ktBatch(cfg, [flipped], 1));
    for (let i = 0; i <= k; i++) expect(after[i], `position ${i} changed when outcome ${k} flipped (seed ${seed})`).toBe(base[i]);
    expect(after[k + 1], `position ${k + 1} ignores outcome ${k} (seed ${seed})`).not.toBe(base[k + 1]);
  });
});
