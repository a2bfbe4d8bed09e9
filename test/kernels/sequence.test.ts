/**
 * The kernels over sequences and items against their float64 references:
 * embedding lookup and scatter-add, causal attention, the losses, scoring and top-k.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import type { GpuContext } from '../../src/gpu/context';
import { relErr } from '../support/gpu';
import { BWD, FWD, f64, kernelContext, msg, paddedIds, randn, read, rng, run, seed, useKernelContext } from '../support/kernels';
import * as emb from '../../src/kernels/embedding';
import * as att from '../../src/kernels/attention';
import * as loss from '../../src/kernels/loss';
import * as score from '../../src/kernels/score';
import * as ref from '../../src/reference/ops';
import { dropoutKey, dropoutThreshold } from '../../src/model/random';
import { buildSegments } from '../../src/kernels/segments';

useKernelContext('sequence kernel tests');
let ctx: GpuContext;
beforeAll(() => {
  ctx = kernelContext();
});

describe('embedding lookup and scatter-add', () => {
  for (const [B, T] of [
    [1, 1],
    [13, 7],
    [13, 50],
    [1, 50],
  ] as const) {
    it(`forward/backward B=${B} T=${T}`, async () => {
      const C = 24;
      const items = 31;
      const rows = B * T;
      const ids = paddedIds(B, T, items);
      const E = randn((items + 1) * C);
      const pos = randn(T * C);
      const fp = randn(rows * C);
      const dout = randn(rows * C);
      const key = dropoutKey(seed, 5, 0);
      const thr = dropoutThreshold(0.25);
      const scale = 1 / 0.75;
      const I = ctx.upload(ids, 'ids');
      const out = ctx.storage(rows * C, 'out');
      const demb = ctx.storage(rows * C, 'demb');
      await run([
        emb
          .embedForward(ctx, { ids: I, E: ctx.upload(E, 'E'), pos: ctx.upload(pos, 'pos'), featProj: ctx.upload(fp, 'fp'), out, rows, T, C })
          .setDropout(key, thr, scale),
        emb.embedBackward(ctx, { dout: ctx.upload(dout, 'dout'), ids: I, demb, rows, T, C }).setDropout(key, thr, scale),
      ]);
      const wo = new Float64Array(rows * C);
      ref.embedForward(ids, E, pos, fp, B, T, C, key, thr, scale, wo);
      expect(relErr(await read(out, rows * C), wo), msg('embed forward')).toBeLessThan(FWD);
      const wd = new Float64Array(rows * C);
      ref.embedBackward(dout, ids, C, key, thr, scale, wd);
      expect(relErr(await read(demb, rows * C), wd), msg('embed backward')).toBeLessThan(BWD);
    });
  }
  for (const [n, keySpace] of [
    [1, 3],
    [91, 5],
    [650, 97],
    [5000, 13],
  ] as const) {
    it(`segment sum with repeated ids: ${n} entries over ${keySpace} rows`, async () => {
      const C = 37;
      const srcRows = n + 3;
      const keys = Array.from({ length: n }, () => rng.int(0, keySpace));
      const srcs = Array.from({ length: n }, () => rng.int(0, srcRows));
      const scaleIdx = Array.from({ length: n }, () => rng.int(0, 2 * n));
      const scalesV = randn(2 * n);
      const src = randn(srcRows * C);
      const dst0 = randn(keySpace * C);
      const segs = buildSegments(keys, srcs, scaleIdx, keySpace);
      const sb = new emb.SegmentBuffer(ctx, n, n, 'seg');
      sb.upload(segs);
      const dst = ctx.upload(dst0, 'dst');
      await run([emb.segmentSum(ctx, { seg: sb, scales: ctx.upload(scalesV, 'scales'), src: ctx.upload(src, 'src'), dst, C, accumulate: true })]);
      const want = f64(dst0);
      ref.segmentSum(segs, src, scalesV, C, want, true);
      // and against a plain scatter loop, so the segment lists themselves are checked
      const plain = f64(dst0);
      for (let e = 0; e < n; e++) for (let c = 0; c < C; c++) plain[keys[e] * C + c] += scalesV[scaleIdx[e]] * src[srcs[e] * C + c];
      expect(relErr(want, plain)).toBeLessThan(1e-12);
      expect(relErr(await read(dst, keySpace * C), want), msg('segment sum')).toBeLessThan(BWD);
    });
  }
});

describe('causal multi-head attention', () => {
  for (const path of ['fused', 'gemm'] as const) {
    for (const [B, T, C, H] of [
      [1, 1, 10, 2],
      [13, 7, 24, 3],
      [13, 50, 64, 2],
      [1, 50, 20, 1],
    ] as const) {
      it(`${path}: forward/backward B=${B} T=${T} C=${C} H=${H}`, async () => {
        const rows = B * T;
        const ids = paddedIds(B, T, 9);
        const qkv = randn(rows * 3 * C);
        const dout = randn(rows * C);
        const I = ctx.upload(ids, 'ids');
        const Q = ctx.upload(qkv, 'qkv');
        const out = ctx.storage(rows * C, 'out');
        const A = ctx.storage(B * H * T * T, 'att');
        const dS = ctx.storage(B * H * T * T, 'dS');
        const dqkv = ctx.storage(rows * 3 * C, 'dqkv');
        const D = ctx.upload(dout, 'dout');
        await run(
          path === 'fused'
            ? [
                att.attentionForward(ctx, { qkv: Q, ids: I, out, att: A, B, T, C, H }),
                ...att.attentionBackward(ctx, { dout: D, qkv: Q, att: A, dS, dqkv, B, T, C, H }),
              ]
            : [
                ...att.attentionForwardGemm(ctx, { qkv: Q, ids: I, out, att: A, B, T, C, H }),
                ...att.attentionBackwardGemm(ctx, { dout: D, qkv: Q, att: A, dS, dqkv, B, T, C, H }),
              ],
        );
        const wo = new Float64Array(rows * C);
        const wa = new Float64Array(B * H * T * T);
        ref.attentionForward(qkv, ids, B, T, C, H, wo, wa);
        expect(relErr(await read(out, rows * C), wo), msg('attention out')).toBeLessThan(FWD);
        expect(relErr(await read(A, B * H * T * T), wa), msg('attention weights')).toBeLessThan(FWD);
        const wd = new Float64Array(rows * 3 * C);
        ref.attentionBackward(dout, qkv, wa, B, T, C, H, wd);
        expect(relErr(await read(dqkv, rows * 3 * C), wd), msg('attention backward')).toBeLessThan(BWD);
      });
    }
  }
});

describe('losses', () => {
  for (const [R, C] of [
    [1, 5],
    [91, 24],
    [650, 64],
  ] as const) {
    it(`BCE with one negative, R=${R} C=${C}`, async () => {
      const items = 41;
      const h = randn(R * C);
      const E = randn((items + 1) * C, 0.5);
      const targets = Int32Array.from({ length: R }, (_, i) => (i === 0 || rng.next() < 0.8 ? rng.int(1, items + 1) : 0));
      const negatives = Int32Array.from({ length: R }, () => rng.int(1, items + 1));
      const nValid = targets.filter((t) => t > 0).length;
      const losses = ctx.storage(R, 'losses');
      const dlogits = ctx.storage(2 * R, 'dlogits');
      const dh = ctx.storage(R * C, 'dh');
      await run([
        loss
          .bceLoss(ctx, {
            h: ctx.upload(h, 'h'),
            E: ctx.upload(E, 'E'),
            targets: ctx.upload(targets, 't'),
            negatives: ctx.upload(negatives, 'n'),
            losses,
            dlogits,
            dh,
            R,
            C,
          })
          .setValid(nValid),
      ]);
      const wl = new Float64Array(R);
      const wdl = new Float64Array(2 * R);
      const wdh = new Float64Array(R * C);
      ref.bceLoss(h, E, targets, negatives, R, C, nValid, wl, wdl, wdh);
      expect(relErr(await read(losses, R), wl), msg('bce loss')).toBeLessThan(FWD);
      expect(relErr(await read(dlogits, 2 * R), wdl), msg('bce dlogits')).toBeLessThan(BWD);
      expect(relErr(await read(dh, R * C), wdh), msg('bce dh')).toBeLessThan(BWD);
    });
  }
  for (const [R, M] of [
    [1, 3],
    [91, 1000],
    [13, 4099],
  ] as const) {
    it(`softmax cross-entropy, R=${R} M=${M}`, async () => {
      const logits = randn(R * M, 3);
      const ti = Int32Array.from({ length: R }, (_, i) => (i === 0 || rng.next() < 0.8 ? rng.int(0, M) : -1));
      const nValid = ti.filter((t) => t >= 0).length;
      const L = ctx.upload(logits, 'logits');
      const losses = ctx.storage(R, 'losses');
      await run([loss.softmaxCrossEntropy(ctx, { logits: L, targetIndex: ctx.upload(ti, 'ti'), losses, R, M }).setValid(nValid)]);
      const wl = new Float64Array(R);
      const wg = f64(logits);
      ref.softmaxCrossEntropy(wg, ti, R, M, nValid, wl);
      // A float32 log-sum-exp minus the target logit cannot be closer than a few float32 epsilons times the logits'
      // size, whatever the loss: when the target dominates, the loss is tiny (5e-4 on TEST_SEED=1792429647) and
      // a relative bound alone fails on rounding. Bound: rtol relative plus that absolute floor, per row.
      const got = await read(losses, R);
      const floor = 8 * 2 ** -23 * (1 + Math.max(...Array.from(logits, Math.abs)));
      for (let i = 0; i < R; i++)
        expect(Math.abs(got[i] - wl[i]), msg(`ce loss row ${i}: ${got[i]} vs ${wl[i]}`)).toBeLessThanOrEqual(FWD * Math.abs(wl[i]) + floor);
      expect(relErr(await read(L, R * M), wg), msg('ce dlogits')).toBeLessThan(BWD);
    });
  }
});

describe('scoring and top-k', () => {
  // C a multiple of 4: score_items_vec4 by default, and the scalar kernel forced; otherwise the scalar one.
  for (const [items, C, topK, vec4] of [
    [5, 3, 3, true],
    [1000, 24, 10, true],
    [1000, 24, 10, false],
    [23715, 64, 10, true],
    [23715, 64, 10, false],
    [4099, 50, 64, true],
  ] as const) {
    it(`score ${items} items of dim ${C} (${vec4 && C % 4 === 0 ? 'vec4' : 'scalar'} kernel), top-${topK}`, async () => {
      const rows = items + 1;
      const h = randn(C);
      const E = randn(rows * C);
      const excl = new Uint32Array(rows);
      for (let i = 0; i < rows; i++) excl[i] = rng.next() < 0.1 ? 1 : 0;
      const scores = ctx.storage(rows, 'scores');
      const ti = ctx.storage(64, 'ti');
      const ts = ctx.storage(64, 'ts');
      const H = ctx.upload(h, 'h');
      const Eb = ctx.upload(E, 'E');
      await run([
        score.scoreItems(ctx, { h: H, E: Eb, exclude: ctx.upload(excl, 'excl'), scores, rows, C, vec4 }),
        score.topk(ctx, {
          scores,
          partialScore: ctx.storage(256 * 64, 'ps'),
          partialIndex: ctx.storage(256 * 64, 'pi'),
          topIndex: ti,
          topScore: ts,
          rows,
          k: topK,
        }),
      ]);
      const want = new Float64Array(rows);
      ref.scoreItems(h, E, rows, C, excl, want);
      const got = await read(scores, rows);
      const finite = (a: ArrayLike<number>) => Array.from(a).map((v) => (v > -1e38 ? v : 0));
      expect(relErr(finite(got), finite(want)), msg('scores')).toBeLessThan(FWD);
      for (let i = 0; i < rows; i++) expect(got[i] <= -1e38).toBe(want[i] === -Infinity);
      // The GPU's top-k must be the exact top-k of the GPU's own scores.
      const gotIdx = Array.from(new Uint32Array(await ctx.read(ti, topK * 4)));
      const expectIdx = ref.topK(
        Array.from(got).map((v) => (v <= -1e38 ? -Infinity : v)),
        topK,
      );
      expect(gotIdx.slice(0, expectIdx.length)).toEqual(expectIdx);
    });
  }
});

describe('scoring from a half-precision item table (shader-f16)', () => {
  /** Relative error allowed: the table is rounded to f16 (11-bit significand, 2^-11 ≈ 4.9e-4 per element). */
  const F16 = 1e-3;
  for (const [items, C, hAt] of [
    [5, 4, 0],
    [1000, 24, 8],
    [23715, 64, 64],
  ] as const) {
    it(`score ${items} items of dim ${C} from an f16 copy of the table, within ${F16} of the float64 scores`, async () => {
      expect(ctx.f16).toBe(ctx.device.features.has('shader-f16'));
      const rows = items + 1;
      if (!ctx.f16) {
        // An adapter without shader-f16 (lavapipe has it) must refuse the kernels rather than run without.
        expect(() => score.toF16(ctx, { E: ctx.unused(), E16: ctx.unused(), n: rows * C })).toThrow(/shader-f16/);
        return;
      }
      const h = randn(hAt + C);
      const E = randn(rows * C);
      const E16 = score.halfStorage(ctx, rows * C, 'E16');
      const scores = ctx.storage(rows, 'scores');
      await run([
        score.toF16(ctx, { E: ctx.upload(E, 'E'), E16, n: rows * C }),
        score.scoreItemsF16(ctx, { h: ctx.upload(h, 'h'), hAt, E16, scores, rows, C }),
      ]);
      const want = new Float64Array(rows);
      ref.scoreItems(h.subarray(hAt), E, rows, C, new Uint32Array(rows), want);
      const got = await read(scores, rows);
      expect(got[0]).toBeLessThan(-1e38);
      const err = relErr(got.subarray(1), want.subarray(1));
      console.log(`f16 table, ${items} items of dim ${C}: relative error ${err.toExponential(2)} (f32 kernels: below ${FWD})`);
      expect(err, msg('f16 scores')).toBeLessThan(F16);
      // The rounding is real: an f16 table is not the f32 one (else this kernel would not be reading halves).
      expect(err).toBeGreaterThan(1e-6);
    });
  }
});

describe('row log-sum-exp (the softmax normaliser of every leave-one-out row)', () => {
  for (const [rows, cols, scale] of [
    [1, 2, 1],
    [7, 300, 30],
    [33, 23716, 8],
  ] as const) {
    it(`${rows} rows of ${cols} columns (scores of scale ${scale}), column 0 left out`, async () => {
      const s = randn(rows * cols, scale);
      for (let r = 0; r < rows; r++) s[r * cols] = 1e6; // padding: must not count
      const lse = ctx.storage(rows, 'lse');
      await run([score.rowLogSumExp(ctx, { scores: ctx.upload(s, 'scores'), lse, rows, cols })]);
      const want = Float64Array.from({ length: rows }, (_, r) => {
        let m = -Infinity;
        for (let i = 1; i < cols; i++) m = Math.max(m, s[r * cols + i]);
        let z = 0;
        for (let i = 1; i < cols; i++) z += Math.exp(s[r * cols + i] - m);
        return m + Math.log(z);
      });
      expect(relErr(await read(lse, rows), want), msg('row log-sum-exp')).toBeLessThan(FWD);
    });
  }
});
