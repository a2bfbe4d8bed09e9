import { Dispatch, type Bindable, type GpuContext } from '../gpu/context';

export type MatmulVariant = 'tiled' | 'direct';

/** Row strides, element offsets and two-level batch strides: product z starts at off + (z / inner) * outer + (z % inner) * innerStride. */
export interface Strided {
  batch: number;
  inner: number;
  lda: number;
  ldb: number;
  ldc: number;
  a: { off: number; outer: number; inner: number };
  b: { off: number; outer: number; inner: number };
  c: { off: number; outer: number; inner: number };
}

export interface MatmulArgs {
  /** (M, K), or (K, M) when transA. */
  a: Bindable;
  /** (K, N), or (N, K) when transB. */
  b: Bindable;
  /** (N) added to every row, or null. */
  bias?: Bindable | null;
  /** (M, N) output. */
  out: Bindable;
  M: number;
  N: number;
  K: number;
  transA?: boolean;
  transB?: boolean;
  accumulate?: boolean;
  /** 'tiled' (workgroup memory, for GPUs) or 'direct' (no barriers, for software adapters); default: the context's choice. */
  variant?: MatmulVariant;
  /** Strided, batched products (see shaders/matmul.wgsl); omitted = one dense product. */
  strided?: Strided;
}

/** out (+)= op(a) . op(b) (+ bias): forward projections, the dX / dW backward products, attention's batched products. */
export function matmul(ctx: GpuContext, args: MatmulArgs, label = 'matmul'): MatmulDispatch {
  const variant = args.variant ?? (ctx.softwareAdapter ? 'direct' : 'tiled');
  const entry = variant === 'direct' ? 'matmul_direct' : 'matmul';
  const pipeline = ctx.pipeline('matmul.wgsl', entry, { TRANS_A: args.transA ? 1 : 0, TRANS_B: args.transB ? 1 : 0 });
  const d = new MatmulDispatch(ctx, label, pipeline, 20, 0, [
    [1, args.a],
    [2, args.b],
    [3, args.bias ?? ctx.unused()],
    [4, args.out],
  ], [1, 1, 1]);
  d.direct = variant === 'direct';
  d.transA = !!args.transA;
  d.transB = !!args.transB;
  const st = args.strided;
  d.batch = st?.batch ?? 1;
  d.strides = st ? [st.lda, st.ldb, st.ldc] : null;
  d.setU32(7, st?.inner ?? 1);
  d.setU32(8, st?.a.off ?? 0).setU32(9, st?.b.off ?? 0).setU32(10, st?.c.off ?? 0);
  d.setU32(12, st?.a.outer ?? 0).setU32(13, st?.a.inner ?? 0);
  d.setU32(14, st?.b.outer ?? 0).setU32(15, st?.b.inner ?? 0);
  d.setU32(16, st?.c.outer ?? 0).setU32(17, st?.c.inner ?? 0);
  d.setShape(args.M, args.N, args.K);
  d.setU32(3, (args.bias ? 1 : 0) | (args.accumulate ? 2 : 0));
  return d;
}

export class MatmulDispatch extends Dispatch {
  transA = false;
  transB = false;
  direct = false;
  batch = 1;
  /** Explicit [lda, ldb, ldc], or null for dense matrices (derived from the shape). */
  strides: [number, number, number] | null = null;
  /** Change M, N or K in place (e.g. a varying candidate count). */
  setShape(M: number, N: number, K: number): this {
    this.setU32(0, M).setU32(1, N).setU32(2, K);
    const [lda, ldb, ldc] = this.strides ?? [this.transA ? M : K, this.transB ? K : N, N];
    this.setU32(4, lda).setU32(5, ldb).setU32(6, ldc);
    // tiled: a 64x64 tile per workgroup; direct: 8x8 invocations of 4x4 blocks = 32x32 per workgroup
    this.workgroups = this.direct ? [Math.ceil(N / 32), Math.ceil(M / 32), this.batch] : [Math.ceil(N / 64), Math.ceil(M / 64), this.batch];
    return this;
  }
}

/**
 * out(N) (+)= sum over the M rows of x(M, N): bias gradients. 'tree' reduces
 * through workgroup memory (GPUs); 'direct' gives each column one invocation
 * and no barriers (software adapters). Default: the context's choice.
 */
export function colsum(ctx: GpuContext, args: { x: Bindable; out: Bindable; rows: number; cols: number; accumulate?: boolean; variant?: 'tree' | 'direct' }, label = 'colsum'): Dispatch {
  const direct = (args.variant ?? (ctx.softwareAdapter ? 'direct' : 'tree')) === 'direct';
  const d = new Dispatch(ctx, label, ctx.pipeline('matmul.wgsl', direct ? 'colsum_direct' : 'colsum'), 4, 0, [
    [1, args.x],
    [2, args.out],
  ], direct ? [Math.ceil(args.cols / 64), 1, 1] : [Math.ceil(args.cols / 16), 1, 1]);
  d.setU32(0, args.rows).setU32(1, args.cols).setU32(2, args.accumulate ? 2 : 0);
  return d;
}
