import { Dispatch, type Bindable, type GpuContext } from '../gpu/context';
import { matmul } from './matmul';

interface Shape { B: number; T: number; C: number; H: number }

function dims(d: Dispatch, s: Shape): Dispatch {
  return d.setU32(0, s.B).setU32(1, s.T).setU32(2, s.C).setU32(3, s.H);
}

/** out (B*T, C) and att (B, H, T, T) from qkv (B*T, 3C); ids mask the padding. */
export function attentionForward(ctx: GpuContext, a: Shape & { qkv: Bindable; ids: Bindable; out: Bindable; att: Bindable }, label = 'attention_forward'): Dispatch {
  return dims(new Dispatch(ctx, label, ctx.pipeline('attention.wgsl', 'attention_forward'), 4, 0, [
    [1, a.qkv], [2, a.ids], [3, a.out], [4, a.att],
  ], [Math.ceil((a.B * a.H * a.T) / 64), 1, 1]), a);
}

/** dqkv (written) from dout; dS (B, H, T, T) is scratch. Two dispatches: queries, then keys/values. */
export function attentionBackward(ctx: GpuContext, a: Shape & { dout: Bindable; qkv: Bindable; att: Bindable; dS: Bindable; dqkv: Bindable }, label = 'attention_backward'): Dispatch[] {
  const bindings: [number, Bindable][] = [[5, a.dout], [6, a.qkv], [7, a.att], [8, a.dS], [9, a.dqkv]];
  const wg: [number, number, number] = [Math.ceil((a.B * a.H * a.T) / 64), 1, 1];
  return [
    dims(new Dispatch(ctx, `${label}.query`, ctx.pipeline('attention.wgsl', 'attention_backward_query'), 4, 0, bindings, wg), a),
    dims(new Dispatch(ctx, `${label}.keyvalue`, ctx.pipeline('attention.wgsl', 'attention_backward_keyvalue'), 4, 0, bindings, wg), a),
  ];
}

/**
 * The same attention as batched matrix products through matmul.wgsl, plus an
 * in-place causal softmax: [S = Q.K^T, softmax, O = P.V]. att receives P.
 */
export function attentionForwardGemm(ctx: GpuContext, a: Shape & { qkv: Bindable; ids: Bindable; out: Bindable; att: Bindable }, label = 'attention_gemm'): Dispatch[] {
  const { B, T, C, H } = a;
  const hs = C / H;
  const batch = B * H;
  const rowsQKV = { outer: T * 3 * C, inner: hs };
  const square = { off: 0, outer: H * T * T, inner: T * T };
  const qk = matmul(ctx, {
    a: a.qkv, b: a.qkv, out: a.att, M: T, N: T, K: hs, transB: true,
    strided: { batch, inner: H, lda: 3 * C, ldb: 3 * C, ldc: T, a: { off: 0, ...rowsQKV }, b: { off: C, ...rowsQKV }, c: square },
  }, `${label}.qk`);
  const sm = dims(new Dispatch(ctx, `${label}.softmax`, ctx.pipeline('attention.wgsl', 'causal_softmax'), 4, 0, [
    [10, a.att], [11, a.ids],
  ], [Math.ceil((B * H * T) / 64), 1, 1]), a);
  const pv = matmul(ctx, {
    a: a.att, b: a.qkv, out: a.out, M: T, N: hs, K: T,
    strided: { batch, inner: H, lda: T, ldb: 3 * C, ldc: C, a: square, b: { off: 2 * C, ...rowsQKV }, c: { off: 0, outer: T * C, inner: hs } },
  }, `${label}.pv`);
  return [qk, sm, pv];
}

/** Backward of attentionForwardGemm: dqkv (written) from dout; dS (B, H, T, T) is scratch. */
export function attentionBackwardGemm(ctx: GpuContext, a: Shape & { dout: Bindable; qkv: Bindable; att: Bindable; dS: Bindable; dqkv: Bindable }, label = 'attention_gemm_backward'): Dispatch[] {
  const { B, T, C, H } = a;
  const hs = C / H;
  const batch = B * H;
  const rowsQKV = { outer: T * 3 * C, inner: hs };
  const rowsOut = { off: 0, outer: T * C, inner: hs };
  const square = { off: 0, outer: H * T * T, inner: T * T };
  const dp = matmul(ctx, {
    a: a.dout, b: a.qkv, out: a.dS, M: T, N: T, K: hs, transB: true,
    strided: { batch, inner: H, lda: C, ldb: 3 * C, ldc: T, a: rowsOut, b: { off: 2 * C, ...rowsQKV }, c: square },
  }, `${label}.dP`);
  const smb = dims(new Dispatch(ctx, `${label}.softmax`, ctx.pipeline('attention.wgsl', 'causal_softmax_backward'), 4, 0, [
    [12, a.dS], [13, a.att],
  ], [Math.ceil((B * H * T) / 64), 1, 1]), a);
  const dq = matmul(ctx, {
    a: a.dS, b: a.qkv, out: a.dqkv, M: T, N: hs, K: T,
    strided: { batch, inner: H, lda: T, ldb: 3 * C, ldc: 3 * C, a: square, b: { off: C, ...rowsQKV }, c: { off: 0, ...rowsQKV } },
  }, `${label}.dQ`);
  const dk = matmul(ctx, {
    a: a.dS, b: a.qkv, out: a.dqkv, M: T, N: hs, K: T, transA: true,
    strided: { batch, inner: H, lda: T, ldb: 3 * C, ldc: 3 * C, a: square, b: { off: 0, ...rowsQKV }, c: { off: C, ...rowsQKV } },
  }, `${label}.dK`);
  const dv = matmul(ctx, {
    a: a.att, b: a.dout, out: a.dqkv, M: T, N: hs, K: T, transA: true,
    strided: { batch, inner: H, lda: T, ldb: C, ldc: 3 * C, a: square, b: rowsOut, c: { off: 2 * C, ...rowsQKV } },
  }, `${label}.dV`);
  return [dp, smb, dq, dk, dv];
}
