/**
 * The WGSL engine as a whole against the float64 reference: one full training
 * step (forward, backward, AdamW), several steps in a row, causality,
 * scoring, and checkpoints.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { GpuEngine } from '../../src/model/engine';
import { ReferenceModel } from '../../src/reference/model';
import { initParameters } from '../../src/model/init';
import type { ModelConfig } from '../../src/model/config';
import { parameterLayout } from '../../src/model/parameters';
import { Rng } from '../../src/model/random';
import type { GpuContext } from '../../src/gpu/context';
import { awkwardConfig, randomBatch, randomContent } from '../support/fixtures';
import { gpuContext, relErr, testSeed } from '../support/gpu';

const seed = testSeed();
let ctx: GpuContext;
beforeAll(async () => {
  ctx = await gpuContext();
});

function tensorErrors(cfg: ModelConfig, got: Float32Array, want: Float64Array) {
  return parameterLayout(cfg).tensors.map((t) => ({
    name: t.name,
    err: relErr(got.subarray(t.offset, t.offset + t.size), want.subarray(t.offset, t.offset + t.size)),
  }));
}

/**
 * Parameters after AdamW steps, tensor by tensor. Where the reference gradient
 * is at float32 noise level (|g| < 1e-7: e.g. the key bias, whose gradient is
 * exactly zero because softmax ignores a per-query constant), Adam's
 * normalisation turns noise into a full step in either engine, so there the
 * check is the bound every Adam step obeys: |difference| <= lr * steps * 1.01
 * (plus decay). Everywhere else: relative error below `tol`.
 */
function expectUpdatedParams(cfg: ModelConfig, got: Float32Array, ref: ReferenceModel, tol: number) {
  const bound = ref.opt.lr * ref.stepCount * 1.01 * (1 + ref.opt.weightDecay);
  for (const t of parameterLayout(cfg).tensors) {
    const g: number[] = [];
    const w: number[] = [];
    for (let i = t.offset; i < t.offset + t.size; i++) {
      if (Math.abs(ref.grads[i]) >= 1e-7) {
        g.push(got[i]);
        w.push(ref.params[i]);
      } else {
        expect(Math.abs(got[i] - ref.params[i]), `${t.name}[${i - t.offset}] (seed ${seed})`).toBeLessThanOrEqual(bound);
      }
    }
    if (g.length) expect(relErr(g, w), `updated ${t.name} (seed ${seed})`).toBeLessThan(tol);
  }
}

async function pair(cfg: ModelConfig, B: number, rng: Rng, maxCandidates?: number, attention?: 'fused' | 'gemm', ceChunkItems?: number) {
  const content = cfg.contentBuckets > 0 ? randomContent(cfg, rng) : undefined;
  const params = initParameters(cfg, parameterLayout(cfg), 7);
  for (let i = 0; i < params.length; i++) params[i] += rng.normal() * 0.05;
  const optimizer = { lr: 1e-2, weightDecay: 0.01 };
  const gpu = await GpuEngine.create(ctx, cfg, { batchSize: B, seed: 11, content, params, optimizer, maxCandidates, attention, ceChunkItems });
  const ref = new ReferenceModel(cfg, { batchSize: B, seed: 11, content, params, optimizer });
  return { gpu, ref };
}

const cases: [string, ModelConfig, number, number, ('fused' | 'gemm')?, number?, 'subgroup rows'?][] = [
  ['bce, B=13 T=7', awkwardConfig('bce'), 13, 0],
  ['bce, B=13 T=7, fused attention kernels', awkwardConfig('bce'), 13, 0, 'fused'],
  ['bce, B=13 T=7, dropout 0 (branch gradients read dx directly)', awkwardConfig('bce', { dropout: 0 }), 13, 0],
  ['ce over all items, B=13 T=7', awkwardConfig('ce'), 13, 0],
  ['ce over all items 10 at a time (online log-sum-exp, 4 chunks), B=13 T=7', awkwardConfig('ce'), 13, 0, 'gemm', 10],
  ['ce over all items in one chunk, B=2 T=50', awkwardConfig('ce', { maxlen: 50, items: 300, dim: 24, heads: 2, ffnDim: 40 }), 2, 0, 'gemm', 4096],
  ['ce over 20 sampled candidates, B=1 T=50', awkwardConfig('ce', { maxlen: 50, dim: 24, heads: 2, ffnDim: 40, contentBuckets: 0 }), 1, 20],
  ['bce, B=13 T=50, 1 head, no features', awkwardConfig('bce', { maxlen: 50, dim: 20, heads: 1, features: 0, blocks: 1 }), 13, 0],
  ['ce over all items, B=13 T=7, LayerNorm by a subgroup per row', awkwardConfig('ce'), 13, 0, 'gemm', undefined, 'subgroup rows'],
];

describe('one GPU training step equals the reference step', () => {
  for (const [name, cfg, B, cands, attention, chunk, rows] of cases) {
    it(name, async () => {
      const rng = new Rng(seed);
      const chosen = ctx.subgroupRows;
      if (rows) ctx.subgroupRows = true;
      const made = await pair(cfg, B, rng, cands ? cands + B * cfg.maxlen : undefined, attention, chunk)
        .then(
          (engines) => ({ engines, error: null }),
          (error: unknown) => ({ engines: null, error }),
        )
        .finally(() => (ctx.subgroupRows = chosen));
      if (rows && !ctx.subgroups) {
        // No subgroups on this adapter (lavapipe has them): the engine must refuse rather than run without.
        expect(String(made.error)).toMatch(/subgroups feature/);
        return;
      }
      if (!made.engines) throw made.error;
      const { gpu, ref } = made.engines;
      const batch = randomBatch(cfg, B, rng, cands);
      const g = await gpu.forward(batch, { readAttention: true });
      const r = ref.forward(batch);
      expect(Math.abs(g.loss - r.loss) / Math.abs(r.loss), `loss ${g.loss} vs ${r.loss} (seed ${seed})`).toBeLessThan(1e-4);
      for (let l = 0; l < cfg.blocks; l++) expect(relErr(g.attention![l], r.attention[l]), `attention ${l}`).toBeLessThan(1e-4);
      expect(relErr(await gpu.readHidden(), ref.lastHidden()), 'final hidden states').toBeLessThan(1e-4);
      gpu.backward();
      ref.backward();
      for (const { name: t, err } of tensorErrors(cfg, await gpu.readGradients(), ref.grads)) {
        expect(err, `gradient of ${t} (seed ${seed})`).toBeLessThan(1e-3);
      }
      const before = await gpu.readParameters();
      gpu.step();
      ref.step();
      const after = await gpu.readParameters();
      expectUpdatedParams(cfg, after, ref, 1e-4);
      // The update itself (not just the parameters) must agree, where the gradient is clearly non-zero.
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
    const cfg = awkwardConfig('bce');
    const { gpu, ref } = await pair(cfg, 13, rng);
    for (let s = 0; s < 5; s++) {
      const batch = randomBatch(cfg, 13, rng);
      const gl = await gpu.trainStep(batch);
      const rl = ref.forward(batch).loss;
      ref.backward();
      ref.step();
      expect(Math.abs(gl - rl) / rl, `step ${s}: ${gl} vs ${rl}`).toBeLessThan(1e-3);
    }
    expectUpdatedParams(cfg, await gpu.readParameters(), ref, 1e-4);
  });

  it('full softmax in chunks: trainStep() tracks the reference, and a batch without targets skips the loss', async () => {
    const rng = new Rng(seed + 2);
    const cfg = awkwardConfig('ce');
    const { gpu, ref } = await pair(cfg, 13, rng, undefined, 'gemm', 8);
    for (let s = 0; s < 3; s++) {
      const batch = randomBatch(cfg, 13, rng);
      const gl = await gpu.trainStep(batch);
      const rl = ref.forward(batch).loss;
      ref.backward();
      ref.step();
      expect(Math.abs(gl - rl) / rl, `step ${s}: ${gl} vs ${rl}`).toBeLessThan(1e-3);
    }
    expectUpdatedParams(cfg, await gpu.readParameters(), ref, 1e-4);
    const hist = [[1, 2, 3], [5]];
    expect(relErr(await gpu.encodeHistories(hist), ref.encodeHistories(hist)), 'encoded histories').toBeLessThan(1e-4);
    // No target anywhere: the forward chunks are skipped, and the gradients the backward writes are exactly zero.
    const empty = randomBatch(cfg, 13, rng);
    empty.targets.fill(0);
    expect((await gpu.forward(empty)).loss).toBe(0);
    gpu.backward();
    const grads = await gpu.readGradients();
    expect(grads.every((g) => g === 0)).toBe(true);
  });
});

describe('causality', () => {
  it('changing a later item leaves every earlier output unchanged (GPU and reference)', async () => {
    const rng = new Rng(seed + 2);
    const cfg = awkwardConfig('bce', { maxlen: 12 });
    const B = 5;
    const { gpu, ref } = await pair(cfg, B, rng);
    const batch = randomBatch(cfg, B, rng);
    const T = cfg.maxlen;
    const C = cfg.dim;
    const b = 0; // row 0 is a full history
    const t0 = 6;
    await gpu.forward(batch, { training: false });
    const h1 = await gpu.readHidden();
    const r1 = Float64Array.from(ref.forward(batch, { training: false }) && ref.lastHidden());
    const changed = { ...batch, inputs: batch.inputs.slice(), features: batch.features!.slice() };
    changed.inputs[b * T + t0] = (batch.inputs[b * T + t0] % cfg.items) + 1;
    changed.features[(b * T + t0) * cfg.features] += 1;
    await gpu.forward(changed, { training: false });
    const h2 = await gpu.readHidden();
    const r2 = ref.forward(changed, { training: false }) && ref.lastHidden();
    for (let t = 0; t < T; t++) {
      const rowG1 = h1.subarray((b * T + t) * C, (b * T + t + 1) * C);
      const rowG2 = h2.subarray((b * T + t) * C, (b * T + t + 1) * C);
      const rowR1 = r1.subarray((b * T + t) * C, (b * T + t + 1) * C);
      const rowR2 = r2.subarray((b * T + t) * C, (b * T + t + 1) * C);
      if (t < t0) {
        expect(Array.from(rowG2), `GPU position ${t}`).toEqual(Array.from(rowG1));
        expect(Array.from(rowR2), `reference position ${t}`).toEqual(Array.from(rowR1));
      } else {
        expect(relErr(rowG2, rowG1), `GPU position ${t} should change`).toBeGreaterThan(1e-3);
        expect(relErr(rowR2, rowR1), `reference position ${t} should change`).toBeGreaterThan(1e-3);
      }
    }
    // Other rows of the batch are untouched.
    expect(Array.from(h2.subarray(T * C))).toEqual(Array.from(h1.subarray(T * C)));
  });
});

describe('scoring, top-k and checkpoints', () => {
  it('scores every item like the reference and returns the top-k of its own scores', async () => {
    const rng = new Rng(seed + 3);
    const cfg = awkwardConfig('ce', { items: 301 });
    const { gpu, ref } = await pair(cfg, 4, rng);
    const history = [5, 17, 17, 250, 3];
    const exclude = [17, 250];
    const gs = await gpu.scoreAll(history, { exclude });
    const rs = ref.scoreAll(history, exclude);
    const fin = (a: ArrayLike<number>) => Array.from(a).map((v) => (Number.isFinite(v) ? v : 0));
    expect(relErr(fin(gs), fin(rs))).toBeLessThan(1e-4);
    expect(gs[0]).toBe(-Infinity);
    expect(gs[17]).toBe(-Infinity);
    const top = await gpu.recommend(history, 10, { exclude });
    const want = Array.from(gs.keys())
      .filter((i) => gs[i] > -Infinity)
      .sort((a, c) => gs[c] - gs[a] || a - c)
      .slice(0, 10);
    expect(top.items).toEqual(want);
    expect(top.items).not.toContain(17);
    const att = await gpu.historyAttention(history);
    expect(att.length).toBe(cfg.blocks);
    // every real query's attention row sums to 1
    const T = cfg.maxlen;
    for (let i = T - history.length; i < T; i++) {
      let s = 0;
      for (let j = 0; j < T; j++) s += att[cfg.blocks - 1][i * T + j];
      expect(s).toBeCloseTo(1, 5);
    }
  });

  it('save/load restores parameters and optimizer state; bad blobs are refused', async () => {
    const rng = new Rng(seed + 4);
    const cfg = awkwardConfig('bce');
    const { gpu } = await pair(cfg, 3, rng);
    await gpu.trainStep(randomBatch(cfg, 3, rng));
    const blob = await gpu.save();
    const batch = randomBatch(cfg, 3, rng);
    const other = await GpuEngine.create(ctx, cfg, { batchSize: 3, seed: 99, content: gpu.content, optimizer: { lr: 0.5 } });
    other.load(blob);
    expect(other.stepCount).toBe(1);
    const [mine, theirs] = [await other.readParameters(), await gpu.readParameters()];
    expect(mine.length).toBe(theirs.length);
    expect(mine.findIndex((x, i) => !Object.is(x, theirs[i]))).toBe(-1); // a diff of every parameter would stall the reporter
    // identical state -> identical next step (m and v restored too)
    const a = await gpu.trainStep(batch);
    const c = await other.trainStep(batch);
    expect(c).toBeCloseTo(a, 6);
    expect(relErr(await other.readParameters(), await gpu.readParameters())).toBeLessThan(1e-6);
    const bad = blob.slice();
    bad[4] = 99;
    expect(() => other.load(bad)).toThrow(/version 99/);
    expect(() => other.load(blob.subarray(0, 100))).toThrow(/checkpoint/);
    const small = await GpuEngine.create(ctx, { ...cfg, dim: 6 }, { batchSize: 3, content: randomContent(cfg, new Rng(1)) });
    expect(() => small.load(blob)).toThrow(/config/);
  });

  it('a batch with an out-of-range id is refused with a clear message', async () => {
    const rng = new Rng(seed + 5);
    const cfg = awkwardConfig('bce');
    const { gpu } = await pair(cfg, 2, rng);
    const batch = randomBatch(cfg, 2, rng);
    batch.inputs[3] = cfg.items + 5;
    await expect(gpu.forward(batch)).rejects.toThrow(/inputs\[3\] = 42 is not an item id/);
  });
});
