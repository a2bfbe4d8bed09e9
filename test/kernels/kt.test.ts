/**
 * The knowledge-tracing model's new kernel use against float64 references on
 * fresh random inputs: bce_logits_loss (one logit per position, labels -1 =
 * no loss), and the query and key/value projections written into and read
 * from column ranges of the fused qkv buffer (strided matmul).
 */
import { beforeAll, describe, expect, it } from 'vitest';
import type { GpuContext } from '../../src/gpu/context';
import * as loss from '../../src/kernels/loss';
import * as mm from '../../src/kernels/matmul';
import * as ref from '../../src/reference/ops';
import { bceLogitsLoss } from '../../src/reference/ktOps';
import { relErr } from '../support/gpu';
import { BWD, FWD, kernelContext, msg, randn, read, rng, run, useKernelContext } from '../support/kernels';

useKernelContext('knowledge-tracing kernel tests');
let ctx: GpuContext;
beforeAll(() => {
  ctx = kernelContext();
});

describe('bce_logits_loss', () => {
  for (const R of [1, 7, 91, 650]) {
    it(`R=${R}`, async () => {
      const z = randn(R, 4);
      const labels = Int32Array.from({ length: R }, (_, i) => (i === 0 ? 1 : rng.int(-1, 2)));
      let nValid = 0;
      for (const y of labels) if (y >= 0) nValid++;
      const losses = ctx.storage(R, 'losses');
      const dz = ctx.storage(R, 'dz');
      await run([loss.bceLogitsLoss(ctx, { z: ctx.upload(z, 'z'), labels: ctx.upload(labels, 'labels'), losses, dz, R }).setValid(nValid)]);
      const wl = new Float64Array(R);
      const wd = new Float64Array(R);
      bceLogitsLoss(z, labels, R, nValid, wl, wd);
      expect(relErr(await read(losses, R), wl), msg('losses')).toBeLessThan(FWD);
      expect(relErr(await read(dz, R), wd), msg('dz')).toBeLessThan(BWD);
    });
  }
});

describe('projections into and out of column ranges of qkv (strided matmul)', () => {
  const cols = (lda: number, ldb: number, ldc: number, offA: number, offB: number, offC: number): mm.Strided => {
    const at = (off: number) => ({ off, outer: 0, inner: 0 });
    return { batch: 1, inner: 1, lda, ldb, ldc, a: at(offA), b: at(offB), c: at(offC) };
  };
  for (const variant of ['tiled', 'direct'] as const) {
    for (const [R, C] of [
      [7, 12],
      [130, 20],
    ] as const) {
      it(`${variant}: R=${R} C=${C}`, async () => {
        const x = randn(R * C);
        const w = randn(C * 2 * C);
        const qkv0 = randn(R * 3 * C);
        const qkv = ctx.upload(qkv0, 'qkv');
        const dw = ctx.storage(C * 2 * C, 'dw');
        const dx = ctx.storage(R * C, 'dx');
        const X = ctx.upload(x, 'x');
        const W = ctx.upload(w, 'w');
        await run([
          // kv columns C..3C of qkv = x . w; then dW = x^T . qkv[:, C..3C] and dx = qkv[:, C..3C] . w^T
          mm.matmul(ctx, { a: X, b: W, out: qkv, M: R, N: 2 * C, K: C, variant, strided: cols(C, 2 * C, 3 * C, 0, 0, C) }),
          mm.matmul(ctx, { a: X, b: qkv, out: dw, M: C, N: 2 * C, K: R, transA: true, variant, strided: cols(C, 3 * C, 2 * C, 0, C, 0) }),
          mm.matmul(ctx, { a: qkv, b: W, out: dx, M: R, N: C, K: 2 * C, transB: true, variant, strided: cols(3 * C, 2 * C, C, C, 0, 0) }),
        ]);
        const kvp = ref.matmul(x, w, R, 2 * C, C, false, false, null, new Float64Array(R * 2 * C));
        const want = Float64Array.from(qkv0);
        for (let r = 0; r < R; r++) want.set(kvp.subarray(r * 2 * C, (r + 1) * 2 * C), r * 3 * C + C);
        expect(relErr(await read(qkv, R * 3 * C), want), msg('qkv with the q columns untouched')).toBeLessThan(FWD);
        expect(relErr(await read(dw, C * 2 * C), ref.matmul(x, kvp, C, 2 * C, R, true, false, null, new Float64Array(C * 2 * C))), msg('dW')).toBeLessThan(FWD);
        expect(relErr(await read(dx, R * C), ref.matmul(kvp, w, R, C, 2 * C, false, true, null, new Float64Array(R * C))), msg('dx')).toBeLessThan(FWD);
      });
    }
  }
});
