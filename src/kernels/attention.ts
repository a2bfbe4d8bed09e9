import type { Bindable, GpuContext } from '../gpu/context';
import { Dispatch, kernelLayout, type DispatchOf } from '../gpu/dispatch';
import { matmul } from './matmul';

interface Shape {
  B: number;
  T: number;
  C: number;
  H: number;
}

/** The uniform every attention.wgsl entry point reads. */
const uniform = { name: 'dims', binding: 0, struct: 'AttDims', fields: { B: 'u32', T: 'u32', C: 'u32', H: 'u32' } } as const;

export const ATTENTION_FORWARD = kernelLayout({
  file: 'attention.wgsl',
  entryPoints: ['attention_forward'],
  uniform,
  storage: { qkv: 1, ids: 2, out: 3, att: 4 },
});
export const ATTENTION_BACKWARD = kernelLayout({
  file: 'attention.wgsl',
  entryPoints: ['attention_backward_query', 'attention_backward_keyvalue'],
  uniform,
  storage: { dout: 5, bqkv: 6, batt: 7, dS: 8, dqkv: 9 },
});
export const CAUSAL_SOFTMAX = kernelLayout({ file: 'attention.wgsl', entryPoints: ['causal_softmax'], uniform, storage: { sm: 10, sm_ids: 11 } });
export const CAUSAL_SOFTMAX_BACKWARD = kernelLayout({
  file: 'attention.wgsl',
  entryPoints: ['causal_softmax_backward'],
  uniform,
  storage: { sm_grad: 12, sm_p: 13 },
});

function dims<D extends Dispatch<string, keyof typeof uniform.fields>>(d: D, s: Shape): D {
  return d.set('B', s.B).set('T', s.T).set('C', s.C).set('H', s.H);
}

/** out (B*T, C) and att (B, H, T, T) from qkv (B*T, 3C); ids mask the padding. */
export function attentionForward(
  ctx: GpuContext,
  a: Shape & { qkv: Bindable; ids: Bindable; out: Bindable; att: Bindable },
  label = 'attention_forward',
): DispatchOf<typeof ATTENTION_FORWARD> {
  const buffers = { qkv: a.qkv, ids: a.ids, out: a.out, att: a.att };
  return dims(new Dispatch(ctx, label, ATTENTION_FORWARD, 'attention_forward', buffers, [Math.ceil((a.B * a.H * a.T) / 64), 1, 1]), a);
}

/** dqkv (written) from dout; dS (B, H, T, T) is scratch. Two dispatches: queries, then keys/values. */
export function attentionBackward(
  ctx: GpuContext,
  a: Shape & { dout: Bindable; qkv: Bindable; att: Bindable; dS: Bindable; dqkv: Bindable },
  label = 'attention_backward',
): DispatchOf<typeof ATTENTION_BACKWARD>[] {
  const buffers = { dout: a.dout, bqkv: a.qkv, batt: a.att, dS: a.dS, dqkv: a.dqkv };
  const wg: [number, number, number] = [Math.ceil((a.B * a.H * a.T) / 64), 1, 1];
  return [
    dims(new Dispatch(ctx, `${label}.query`, ATTENTION_BACKWARD, 'attention_backward_query', buffers, wg), a),
    dims(new Dispatch(ctx, `${label}.keyvalue`, ATTENTION_BACKWARD, 'attention_backward_keyvalue', buffers, wg), a),
  ];
}

/**
 * The same attention as batched matrix products through matmul.wgsl, plus an
 * in-place causal softmax: [S = Q.K^T, softmax, O = P.V]. att receives P.
 */
export function attentionForwardGemm(
  ctx: GpuContext,
  a: Shape & { qkv: Bindable; ids: Bindable; out: Bindable; att: Bindable },
  label = 'attention_gemm',
): Dispatch[] {
  const { B, T, C, H } = a;
  const hs = C / H;
  const batch = B * H;
  const rowsQKV = { outer: T * 3 * C, inner: hs };
  const square = { off: 0, outer: H * T * T, inner: T * T };
  const qk = matmul(
    ctx,
    {
      a: a.qkv,
      b: a.qkv,
      out: a.att,
      M: T,
      N: T,
      K: hs,
      transB: true,
      strided: { batch, inner: H, lda: 3 * C, ldb: 3 * C, ldc: T, a: { off: 0, ...rowsQKV }, b: { off: C, ...rowsQKV }, c: square },
    },
    `${label}.qk`,
  );
  const sm = dims(
    new Dispatch(ctx, `${label}.softmax`, CAUSAL_SOFTMAX, 'causal_softmax', { sm: a.att, sm_ids: a.ids }, [Math.ceil((B * H * T) / 64), 1, 1]),
    a,
  );
  const pv = matmul(
    ctx,
    {
      a: a.att,
      b: a.qkv,
      out: a.out,
      M: T,
      N: hs,
      K: T,
      strided: { batch, inner: H, lda: T, ldb: 3 * C, ldc: C, a: square, b: { off: 2 * C, ...rowsQKV }, c: { off: 0, outer: T * C, inner: hs } },
    },
    `${label}.pv`,
  );
  return [qk, sm, pv];
}

/** Backward of attentionForwardGemm: dqkv (written) from dout; dS (B, H, T, T) is scratch. */
export function attentionBackwardGemm(
  ctx: GpuContext,
  a: Shape & { dout: Bindable; qkv: Bindable; att: Bindable; dS: Bindable; dqkv: Bindable },
  label = 'attention_gemm_backward',
): Dispatch[] {
  const { B, T, C, H } = a;
  const hs = C / H;
  const batch = B * H;
  const rowsQKV = { outer: T * 3 * C, inner: hs };
  const rowsOut = { off: 0, outer: T * C, inner: hs };
  const square = { off: 0, outer: H * T * T, inner: T * T };
  const dp = matmul(
    ctx,
    {
      a: a.dout,
      b: a.qkv,
      out: a.dS,
      M: T,
      N: T,
      K: hs,
      transB: true,
      strided: { batch, inner: H, lda: C, ldb: 3 * C, ldc: T, a: rowsOut, b: { off: 2 * C, ...rowsQKV }, c: square },
    },
    `${label}.dP`,
  );
  const smb = dims(
    new Dispatch(ctx, `${label}.softmax`, CAUSAL_SOFTMAX_BACKWARD, 'causal_softmax_backward', { sm_grad: a.dS, sm_p: a.att }, [
      Math.ceil((B * H * T) / 64),
      1,
      1,
    ]),
    a,
  );
  const dq = matmul(
    ctx,
    {
      a: a.dS,
      b: a.qkv,
      out: a.dqkv,
      M: T,
      N: hs,
      K: T,
      strided: { batch, inner: H, lda: T, ldb: 3 * C, ldc: 3 * C, a: square, b: { off: C, ...rowsQKV }, c: { off: 0, ...rowsQKV } },
    },
    `${label}.dQ`,
  );
  const dk = matmul(
    ctx,
    {
      a: a.dS,
      b: a.qkv,
      out: a.dqkv,
      M: T,
      N: hs,
      K: T,
      transA: true,
      strided: { batch, inner: H, lda: T, ldb: 3 * C, ldc: 3 * C, a: square, b: { off: 0, ...rowsQKV }, c: { off: C, ...rowsQKV } },
    },
    `${label}.dK`,
  );
  const dv = matmul(
    ctx,
    {
      a: a.att,
      b: a.dout,
      out: a.dqkv,
      M: T,
      N: hs,
      K: T,
      transA: true,
      strided: { batch, inner: H, lda: T, ldb: C, ldc: 3 * C, a: square, b: rowsOut, c: { off: 2 * C, ...rowsQKV } },
    },
    `${label}.dV`,
  );
  return [dp, smb, dq, dk, dv];
}
