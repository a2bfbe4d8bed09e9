/**
 * Softmax cross-entropy over the whole catalog, a chunk at a time
 * (softmax_ce_chunk, softmax_ce_chunk_grad) against the float64 reference on
 * fresh random logits: several chunks with a ragged last one, rows without a
 * target, a row stride wider than the chunk.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import type { GpuContext } from '../../src/gpu/context';
import { relErr } from '../support/gpu';
import { BWD, FWD, f64, kernelContext, msg, randn, read, rng, run, useKernelContext } from '../support/kernels';
import { softmaxCeChunk, softmaxCeChunkGrad } from '../../src/kernels/loss';
import * as ref from '../../src/reference/fullSoftmax';
import { softmaxCrossEntropy } from '../../src/reference/ops';

useKernelContext('full-softmax kernel tests');
let ctx: GpuContext;
beforeAll(() => {
  ctx = kernelContext();
});

describe('softmax cross-entropy over every item, chunk by chunk', () => {
  for (const [R, items, W, ldl] of [
    [1, 3, 3, 3],
    [13, 1000, 256, 256],
    [91, 4099, 1000, 1003],
    [7, 70, 70, 70],
  ] as const) {
    it(`R=${R} items=${items} chunk=${W} stride=${ldl}`, async () => {
      const chunks = Math.ceil(items / W);
      const targets = Int32Array.from({ length: R }, (_, i) => (i === 0 || rng.next() < 0.8 ? rng.int(1, items + 1) : 0));
      const nValid = targets.filter((t) => t > 0).length;
      const tg = ctx.upload(targets, 'targets');
      const state = ctx.storage(R * 3, 'state');
      const losses = ctx.storage(R, 'losses');
      const all = randn(R * items, 3);
      const chunkLogits = (k: number) => {
        const M = Math.min(W, items - k * W);
        const out = new Float32Array(R * ldl).fill(NaN); // the stride's gap must never be read
        for (let r = 0; r < R; r++) out.set(all.subarray(r * items + k * W, r * items + k * W + M), r * ldl);
        return { M, first: 1 + k * W, data: out };
      };
      const wantState = new Float64Array(R * 3);
      const wantLoss = new Float64Array(R);
      const buffers = [];
      const stats = [];
      for (let k = 0; k < chunks; k++) {
        const c = chunkLogits(k);
        const buf = ctx.upload(c.data, `logits${k}`);
        buffers.push({ ...c, buf });
        const a = { logits: buf, targets: tg, state, losses, R, M: c.M, ldl, first: c.first, isFirst: k === 0, isLast: k === chunks - 1 };
        stats.push(softmaxCeChunk(ctx, a).setValid(nValid));
        ref.softmaxCeChunk(f64(c.data), targets, wantState, wantLoss, R, c.M, ldl, c.first, k === 0, k === chunks - 1);
      }
      await run(stats);
      // The reference's chunked loss is the plain softmax over all items.
      const plain = f64(all);
      const plainLoss = new Float64Array(R);
      softmaxCrossEntropy(
        plain,
        Int32Array.from(targets, (t) => t - 1),
        R,
        items,
        nValid,
        plainLoss,
      );
      expect(relErr(wantLoss, plainLoss), msg('reference chunked vs plain loss')).toBeLessThan(1e-12);
      // Per row: relative bound plus a few float32 epsilons of the logits' size (the loss can be tiny).
      const got = await read(losses, R);
      const floor = 8 * 2 ** -23 * (1 + all.reduce((m, v) => Math.max(m, Math.abs(v)), 0));
      for (let i = 0; i < R; i++)
        expect(Math.abs(got[i] - wantLoss[i]), msg(`loss row ${i}: ${got[i]} vs ${wantLoss[i]}`)).toBeLessThanOrEqual(FWD * Math.abs(wantLoss[i]) + floor);
      const lse = await read(state, R * 3);
      const lseRows = (s: ArrayLike<number>) => Array.from({ length: R }, (_, r) => (targets[r] > 0 ? s[r * 3] : 0));
      expect(relErr(lseRows(lse), lseRows(wantState)), msg('log-sum-exp')).toBeLessThan(FWD);
      // Gradient of every chunk, from the GPU's own log-sum-exp; together they are the plain softmax's gradient.
      await run(buffers.map((c) => softmaxCeChunkGrad(ctx, { logits: c.buf, targets: tg, state, R, M: c.M, ldl, first: c.first }).setValid(nValid)));
      const gotGrad = new Float64Array(R * items);
      const wantGrad = new Float64Array(R * items);
      for (const [k, c] of buffers.entries()) {
        const g = await read(c.buf, R * ldl);
        const w = f64(c.data);
        ref.softmaxCeChunkGrad(w, targets, wantState, R, c.M, ldl, c.first, nValid);
        for (let r = 0; r < R; r++)
          for (let j = 0; j < c.M; j++) {
            gotGrad[r * items + k * W + j] = g[r * ldl + j];
            wantGrad[r * items + k * W + j] = w[r * ldl + j];
          }
      }
      expect(relErr(wantGrad, plain), msg('reference chunked vs plain gradient')).toBeLessThan(1e-12);
      expect(relErr(gotGrad, wantGrad), msg('gradient')).toBeLessThan(BWD);
    });
  }
});
