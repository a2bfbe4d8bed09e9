/**
 * The per-row and per-element kernels against their float64 references:
 * matmul and column sums, LayerNorm, GELU and dropout, AdamW.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import type { GpuContext } from '../../src/gpu/context';
import { relErr } from '../support/gpu';
import { BWD, FWD, f64, kernelContext, msg, randn, read, rng, run, useKernelContext } from '../support/kernels';
import * as k from '../../src/kernels/matmul';
import * as ln from '../../src/kernels/layernorm';
import * as ew from '../../src/kernels/elementwise';
import * as adam from '../../src/kernels/adamw';
import * as ref from '../../src/reference/ops';
import { dropoutKey, dropoutThreshold } from '../../src/model/random';

useKernelContext('dense kernel tests');
let ctx: GpuContext;
beforeAll(() => {
  ctx = kernelContext();
});

describe('matmul (forward projections and backward products)', () => {
  const shapes: [number, number, number][] = [
    [1, 7, 3],
    [13, 50, 69],
    [67, 129, 17],
    [130, 65, 200],
  ];
  /** Shapes matmul_vec4 takes (M, N, K multiples of 4), for every transpose. */
  const fours: [number, number, number][] = [
    [4, 4, 4],
    [12, 68, 32],
    [132, 36, 200],
  ];
  // 'direct' is forced to its scalar kernel; 'vec4' is the direct variant's default on shapes that fit.
  for (const kind of ['tiled', 'direct', 'vec4'] as const) {
    const variant = kind === 'tiled' ? 'tiled' : 'direct';
    const vec4 = kind === 'vec4';
    for (const [M, N, K] of kind === 'vec4' ? fours : shapes) {
      for (const transA of [false, true]) {
        for (const transB of [false, true]) {
          it(`${kind}: M=${M} N=${N} K=${K} transA=${transA} transB=${transB}`, async () => {
            const a = randn(M * K);
            const b = randn(K * N);
            const bias = randn(N);
            const c0 = randn(M * N);
            const A = ctx.upload(a, 'a');
            const Bb = ctx.upload(b, 'b');
            const bi = ctx.upload(bias, 'bias');
            const out = ctx.storage(M * N, 'out');
            const acc = ctx.upload(c0, 'acc');
            const ds = [
              k.matmul(ctx, { a: A, b: Bb, bias: bi, out, M, N, K, transA, transB, variant, vec4 }),
              k.matmul(ctx, { a: A, b: Bb, out: acc, M, N, K, transA, transB, accumulate: true, variant, vec4 }),
            ];
            expect(ds.map((d) => d.usesVec4)).toEqual([vec4, vec4]);
            await run(ds);
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
    for (const [rows, cols] of [
      [1, 7],
      [91, 197],
      [650, 64],
      [13, 350],
    ] as const) {
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
  // Rows by one invocation each, or by one subgroup each (where the device has subgroups: lavapipe does).
  for (const [variant, rowVariant] of [
    ['tree', 'invocation'],
    ['direct', 'invocation'],
    ['direct', 'subgroup'],
  ] as const)
    for (const [rows, C] of [
      [1, 5],
      [91, 64],
      [650, 100],
    ] as const) {
      it(`forward and backward (${variant} parameter sums, a row per ${rowVariant}), rows=${rows} C=${C}`, async () => {
        expect(ctx.subgroups).toBe(ctx.device.features.has('subgroups'));
        if (rowVariant === 'subgroup' && !ctx.subgroups) {
          // An adapter without subgroups (none here: lavapipe has them) must refuse the subgroup kernels.
          expect(() =>
            ln.layernormForward(ctx, { x: ctx.unused(), ln: ctx.unused(), out: ctx.unused(), stats: ctx.unused(), rows, C, variant: rowVariant }),
          ).toThrow(/subgroups feature/);
          return;
        }
        const x = randn(rows * C, 2);
        for (let i = 0; i < x.length; i++) x[i] += 0.5;
        const lnp = new Float32Array(2 * C);
        lnp.set(
          randn(C, 0.3).map((v) => 1 + v),
          0,
        );
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
          ln.layernormForward(ctx, { x: X, ln: L, out, stats, rows, C, variant: rowVariant }),
          ln.layernormBackward(ctx, { dout: D, x: X, stats, ln: L, dx, rows, C, variant: rowVariant }),
          ln.layernormBackwardParams(ctx, { dout: D, x: X, stats, dln, rows, C, variant }),
        ]);
        const o = new Float64Array(rows * C);
        const mean = new Float64Array(rows);
        const rstd = new Float64Array(rows);
        ref.layernormForward(x, lnp, rows, C, o, mean, rstd);
        expect(relErr(await read(out, rows * C), o), msg('ln forward')).toBeLessThan(FWD);
        const st = await read(stats, 2 * rows);
        expect(
          relErr(
            st.filter((_, i) => i % 2 === 1),
            rstd,
          ),
          msg('ln rstd'),
        ).toBeLessThan(FWD);
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
