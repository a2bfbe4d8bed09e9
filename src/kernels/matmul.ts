import { Dispatch, type Bindable, type GpuContext } from '../gpu/context';

export type MatmulVariant = 'tiled' | 'direct';

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
}

/** out (+)= op(a) . op(b) (+ bias): forward projections and the dX / dW backward products. */
export function matmul(ctx: GpuContext, args: MatmulArgs, label = 'matmul'): MatmulDispatch {
  const variant = args.variant ?? (ctx.softwareAdapter ? 'direct' : 'tiled');
  const entry = variant === 'direct' ? 'matmul_direct' : 'matmul';
  const pipeline = ctx.pipeline('matmul.wgsl', entry, { TRANS_A: args.transA ? 1 : 0, TRANS_B: args.transB ? 1 : 0 });
  const d = new MatmulDispatch(ctx, label, pipeline, 4, 0, [
    [1, args.a],
    [2, args.b],
    [3, args.bias ?? ctx.unused()],
    [4, args.out],
  ], [1, 1, 1]);
  d.direct = variant === 'direct';
  d.setShape(args.M, args.N, args.K);
  d.setU32(3, (args.bias ? 1 : 0) | (args.accumulate ? 2 : 0));
  return d;
}

export class MatmulDispatch extends Dispatch {
  direct = false;
  /** Change M, N or K in place (e.g. a varying candidate count). */
  setShape(M: number, N: number, K: number): this {
    this.setU32(0, M).setU32(1, N).setU32(2, K);
    // tiled: a 64x64 tile per workgroup; direct: 8x8 invocations of 4x4 blocks = 32x32 per workgroup
    this.workgroups = this.direct ? [Math.ceil(N / 32), Math.ceil(M / 32), 1] : [Math.ceil(N / 64), Math.ceil(M / 64), 1];
    return this;
  }
}

/** out(N) (+)= sum over the M rows of x(M, N): bias gradients. */
export function colsum(ctx: GpuContext, args: { x: Bindable; out: Bindable; rows: number; cols: number; accumulate?: boolean }, label = 'colsum'): Dispatch {
  const d = new Dispatch(ctx, label, ctx.pipeline('matmul.wgsl', 'colsum'), 4, 0, [
    [1, args.x],
    [2, args.out],
  ], [Math.ceil(args.cols / 16), 1, 1]);
  d.setU32(0, args.rows).setU32(1, args.cols).setU32(2, args.accumulate ? 2 : 0);
  return d;
}
