/**
 * Every kernel against its float64 reference on fresh random inputs of awkward
 * sizes (no multiple of any tile; T in {1, 7, 50}; B in {1, 13}).
 * Tolerances: relative error below 1e-4 forward and 1e-3 backward.
 * Set TEST_SEED to replay a failing draw.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { gpuContext, relErr, testSeed } from '../support/gpu';
import { GpuContext } from '../../src/gpu/context';
import { Dispatch, submit } from '../../src/gpu/dispatch';
import * as k from '../../src/kernels/matmul';
import * as ln from '../../src/kernels/layernorm';
import * as ew from '../../src/kernels/elementwise';
import * as emb from '../../src/kernels/embedding';
import * as att from '../../src/kernels/attention';
import * as loss from '../../src/kernels/loss';
import * as adam from '../../src/kernels/adamw';
import * as score from '../../src/kernels/score';
import * as ref from '../../src/reference/ops';
import { Rng, dropoutKey, dropoutThreshold } from '../../src/model/random';
import { buildSegments } from '../../src/kernels/segments';

const FWD = 1e-4;
const BWD = 1e-3;
const seed = testSeed();
const rng = new Rng(seed);
let ctx: GpuContext;

beforeAll(async () => {
  ctx = await gpuContext();
  console.log(`kernel tests: seed ${seed} on ${ctx.adapterName}`);
});

function randn(n: number, scale = 1): Float32Array {
  const a = new Float32Array(n);
  for (let i = 0; i < n; i++) a[i] = rng.normal() * scale;
  return a;
}
async function run(ds: Dispatch[]): Promise<void> {
  await ctx.checkErrors(async () => {
    submit(ctx, ds);
    await ctx.sync();
  });
}
const read = (b: GPUBuffer, n: number) => ctx.readF32(b, n);
const f64 = (a: ArrayLike<number>) => Float64Array.from(a);
const msg = (what: string) => `${what} (TEST_SEED=${seed})`;

/** Left-padded ids: each row has a random history length in 0..T (some rows empty). */
function paddedIds(B: number, T: number, items: number): Int32Array {
  const ids = new Int32Array(B * T);
  for (let b = 0; b < B; b++) {
    const len = b === 0 ? T : rng.int(0, T + 1);
    for (let t = T - len; t < T; t++) ids[b * T + t] = rng.int(1, items + 1);
  }
  return ids;
}

describe('matmul (forward projections and backward products)', () => {
  const shapes: [number, number, number][] = [[1, 7, 3], [13, 50, 69], [67, 129, 17], [130, 65, 200]];
  for (const variant of ['tiled', 'direct'] as const) {
  for (const [M, N, K] of shapes) {
    for (const transA of [false, true]) {
      for (const transB of [false, true]) {
        it(`${variant}: M=${M} N=${N} K=${K} transA=${transA} transB=${transB}`, async () => {
          const a = randn(M * K);
          const b = randn(K * N);
          const bias = randn(N);
          const c0 = randn(M * N);
          const A = ctx.upload(a, 'a');
          const Bb = ctx.upload(b, 'b');
          const bi = ctx.upload(bias, 'bias');
          const out = ctx.storage(M * N, 'out');
          const acc = ctx.upload(c0, 'acc');
          await run([
            k.matmul(ctx, { a: A, b: Bb, bias: bi, out, M, N, K, transA, transB, variant }),
            k.matmul(ctx, { a: A, b: Bb, out: acc, M, N, K, transA, transB, accumulate: true, variant }),
          ]);
          const want = ref.matmul(a, b, M, N, K, transA, transB, bias, new Float64Array(M * N));
          expect(relErr(await read(out, M * N), want), msg('with bias')).toBeLessThan(FWD);
          const wantAcc = ref.matmul(a, b, M, N, K, transA, transB, null, f64(c0), true);
          expect(relErr(await read(acc, M * N), wantAcc), msg('accumulate')).toBeLessThan(FWD);
        });
      }
    }
  }
  }
  for (const variant of ['tree', 'direct'] as const)
  for (const [rows, cols] of [[1, 7], [91, 197], [650, 64], [13, 350]] as const) {
    it(`colsum (${variant}) ${rows}x${cols} (bias gradient)`, async () => {
      const x = randn(rows * cols);
      const prev = randn(cols);
      const out = ctx.storage(cols, 'out');
      const acc = ctx.upload(prev, 'acc');
      const X = ctx.upload(x, 'x');
      await run([k.colsum(ctx, { x: X, out, rows, cols, variant }), k.colsum(ctx, { x: X, out: acc, rows, cols, accumulate: true, variant })]);
      expect(relErr(await read(out, cols), ref.colsum(x, rows, cols, new Float64Array(cols))), msg('colsum')).toBeLessThan(BWD);
      expect(relErr(await read(acc, cols), ref.colsum(x, rows, cols, f64(prev), true)), msg('colsum acc')).toBeLessThan(BWD);
    });
  }
});

describe('layernorm', () => {
  for (const variant of ['tree', 'direct'] as const)
  for (const [rows, C] of [[1, 5], [91, 64], [650, 100]] as const) {
    it(`forward and backward (${variant} parameter sums), rows=${rows} C=${C}`, async () => {
      const x = randn(rows * C, 2);
      for (let i = 0; i < x.length; i++) x[i] += 0.5;
      const lnp = new Float32Array(2 * C);
      lnp.set(randn(C, 0.3).map((v) => 1 + v), 0);
      lnp.set(randn(C, 0.3), C);
      const dout = randn(rows * C);
      const dx0 = randn(rows * C);
      const X = ctx.upload(x, 'x');
      const L = ctx.upload(lnp, 'ln');
      const out = ctx.storage(rows * C, 'out');
      const stats = ctx.storage(2 * rows, 'stats');
      const D = ctx.upload(dout, 'dout');
      const dx = ctx.upload(dx0, 'dx');
      const dln = ctx.storage(2 * C, 'dln');
      await run([
        ln.layernormForward(ctx, { x: X, ln: L, out, stats, rows, C }),
        ln.layernormBackward(ctx, { dout: D, x: X, stats, ln: L, dx, rows, C }),
        ln.layernormBackwardParams(ctx, { dout: D, x: X, stats, dln, rows, C, variant }),
      ]);
      const o = new Float64Array(rows * C);
      const mean = new Float64Array(rows);
      const rstd = new Float64Array(rows);
      ref.layernormForward(x, lnp, rows, C, o, mean, rstd);
      expect(relErr(await read(out, rows * C), o), msg('ln forward')).toBeLessThan(FWD);
      const st = await read(stats, 2 * rows);
      expect(relErr(st.filter((_, i) => i % 2 === 1), rstd), msg('ln rstd')).toBeLessThan(FWD);
      const wdx = f64(dx0);
      ref.layernormBackward(dout, x, mean, rstd, lnp, rows, C, wdx);
      expect(relErr(await read(dx, rows * C), wdx), msg('ln dx')).toBeLessThan(BWD);
      const wdln = new Float64Array(2 * C);
      ref.layernormBackwardParams(dout, x, mean, rstd, rows, C, wdln);
      expect(relErr(await read(dln, 2 * C), wdln), msg('ln dparams')).toBeLessThan(BWD);
    });
  }
});

describe('element-wise', () => {
  for (const n of [1, 7 * 13 * 5, 50 * 13 * 37]) {
    it(`gelu forward/backward n=${n}`, async () => {
      const x = randn(n, 3);
      x[0] = 40; // far tail: clamped tanh
      const dout = randn(n);
      const X = ctx.upload(x, 'x');
      const D = ctx.upload(dout, 'dout');
      const out = ctx.storage(n, 'out');
      const dx = ctx.storage(n, 'dx');
      await run([ew.geluForward(ctx, { x: X, out, n }), ew.geluBackward(ctx, { dout: D, x: X, dx, n })]);
      const wo = new Float64Array(n);
      ref.geluForward(x, wo);
      expect(relErr(await read(out, n), wo), msg('gelu')).toBeLessThan(FWD);
      const wd = new Float64Array(n);
      ref.geluBackward(dout, x, wd);
      expect(relErr(await read(dx, n), wd), msg('gelu backward')).toBeLessThan(BWD);
    });
    it(`residual + dropout forward/backward n=${n}`, async () => {
      const p = 0.3;
      const key = dropoutKey(rng.int(0, 2 ** 31), rng.int(0, 1000), 3);
      const thr = dropoutThreshold(p);
      const scale = 1 / (1 - p);
      const x = randn(n);
      const y = randn(n);
      const dout = randn(n);
      const out = ctx.storage(n, 'out');
      const dy = ctx.storage(n, 'dy');
      await run([
        ew.residualDropoutForward(ctx, { x: ctx.upload(x, 'x'), y: ctx.upload(y, 'y'), out, n }).setDropout(key, thr, scale),
        ew.dropoutBackward(ctx, { dout: ctx.upload(dout, 'dout'), dy, n }).setDropout(key, thr, scale),
      ]);
      const wo = new Float64Array(n);
      ref.residualDropoutForward(x, y, key, thr, scale, wo);
      const got = await read(out, n);
      expect(relErr(got, wo), msg('residual dropout')).toBeLessThan(FWD);
      const wd = new Float64Array(n);
      ref.dropoutBackward(dout, key, thr, scale, wd);
      const gd = await read(dy, n);
      expect(relErr(gd, wd), msg('dropout backward')).toBeLessThan(BWD);
      if (n > 1000) {
        let dropped = 0;
        for (let i = 0; i < n; i++) if (gd[i] === 0) dropped++;
        expect(Math.abs(dropped / n - p)).toBeLessThan(0.03);
      }
    });
  }
});

describe('embedding lookup and scatter-add', () => {
  for (const [B, T] of [[1, 1], [13, 7], [13, 50], [1, 50]] as const) {
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
        emb.embedForward(ctx, { ids: I, E: ctx.upload(E, 'E'), pos: ctx.upload(pos, 'pos'), featProj: ctx.upload(fp, 'fp'), out, rows, T, C }).setDropout(key, thr, scale),
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
  for (const [n, keySpace] of [[1, 3], [91, 5], [650, 97], [5000, 13]] as const) {
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
  for (const [B, T, C, H] of [[1, 1, 10, 2], [13, 7, 24, 3], [13, 50, 64, 2], [1, 50, 20, 1]] as const) {
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
      await run(path === 'fused' ? [
        att.attentionForward(ctx, { qkv: Q, ids: I, out, att: A, B, T, C, H }),
        ...att.attentionBackward(ctx, { dout: D, qkv: Q, att: A, dS, dqkv, B, T, C, H }),
      ] : [
        ...att.attentionForwardGemm(ctx, { qkv: Q, ids: I, out, att: A, B, T, C, H }),
        ...att.attentionBackwardGemm(ctx, { dout: D, qkv: Q, att: A, dS, dqkv, B, T, C, H }),
      ]);
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
  for (const [R, C] of [[1, 5], [91, 24], [650, 64]] as const) {
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
        loss.bceLoss(ctx, { h: ctx.upload(h, 'h'), E: ctx.upload(E, 'E'), targets: ctx.upload(targets, 't'), negatives: ctx.upload(negatives, 'n'), losses, dlogits, dh, R, C }).setValid(nValid),
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
  for (const [R, M] of [[1, 3], [91, 1000], [13, 4099]] as const) {
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
      expect(relErr(await read(losses, R), wl), msg('ce loss')).toBeLessThan(FWD);
      expect(relErr(await read(L, R * M), wg), msg('ce dlogits')).toBeLessThan(BWD);
    });
  }
});

describe('AdamW over a flat buffer', () => {
  it('three steps match the reference, decay only below decayEnd', async () => {
    const n = 70001;
    const decayEnd = 40000;
    const h = { lr: 3e-3, beta1: 0.9, beta2: 0.98, eps: 1e-8, weightDecay: 0.1 };
    const p0 = randn(n);
    const P = ctx.upload(p0, 'p');
    const G = ctx.storage(n, 'g');
    const Mb = ctx.storage(n, 'm');
    const Vb = ctx.storage(n, 'v');
    const wp = f64(p0);
    const wm = new Float64Array(n);
    const wv = new Float64Array(n);
    const d = adam.adamw(ctx, { params: P, grads: G, m: Mb, v: Vb, n, decayEnd });
    for (let t = 1; t <= 3; t++) {
      const g = randn(n);
      ctx.write(G, g);
      d.setStep(t, h);
      await run([d]);
      ref.adamw(wp, g, wm, wv, t, h, decayEnd);
    }
    const got = await read(P, n);
    expect(relErr(got, wp), msg('adamw params')).toBeLessThan(FWD);
    const delta = new Float64Array(n);
    const wdelta = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      delta[i] = got[i] - p0[i];
      wdelta[i] = wp[i] - p0[i];
    }
    expect(relErr(delta, wdelta), msg('adamw update')).toBeLessThan(BWD);
  });
});

describe('scoring and top-k', () => {
  for (const [items, C, topK] of [[5, 3, 3], [1000, 24, 10], [23715, 64, 10], [4099, 50, 64]] as const) {
    it(`score ${items} items, top-${topK}`, async () => {
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
        score.scoreItems(ctx, { h: H, E: Eb, exclude: ctx.upload(excl, 'excl'), scores, rows, C }),
        score.topk(ctx, { scores, partialScore: ctx.storage(256 * 64, 'ps'), partialIndex: ctx.storage(256 * 64, 'pi'), topIndex: ti, topScore: ts, rows, k: topK }),
      ]);
      const want = new Float64Array(rows);
      ref.scoreItems(h, E, rows, C, excl, want);
      const got = await read(scores, rows);
      const finite = (a: ArrayLike<number>) => Array.from(a).map((v) => (v > -1e38 ? v : 0));
      expect(relErr(finite(got), finite(want)), msg('scores')).toBeLessThan(FWD);
      for (let i = 0; i < rows; i++) expect(got[i] <= -1e38).toBe(want[i] === -Infinity);
      // The GPU's top-k must be the exact top-k of the GPU's own scores.
      const gotIdx = Array.from(new Uint32Array(await ctx.read(ti, topK * 4)));
      const expectIdx = ref.topK(Array.from(got).map((v) => (v <= -1e38 ? -Infinity : v)), topK);
      expect(gotIdx.slice(0, expectIdx.length)).toEqual(expectIdx);
    });
  }
});
