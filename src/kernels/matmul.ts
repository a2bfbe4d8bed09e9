import type { Bindable, GpuContext } from '../gpu/context';
import { Dispatch, kernelLayout, type DispatchOf } from '../gpu/dispatch';

export const MATMUL = kernelLayout({
  file: 'matmul.wgsl',
  entryPoints: ['matmul', 'matmul_direct'],
  uniform: {
    name: 'dims',
    binding: 0,
    struct: 'Dims',
    fields: {
      M: 'u32',
      N: 'u32',
      K: 'u32',
      flags: 'u32',
      lda: 'u32',
      ldb: 'u32',
      ldc: 'u32',
      inner: 'u32',
      off_a: 'u32',
      off_b: 'u32',
      off_c: 'u32',
      _pad: 'u32',
      sa_outer: 'u32',
      sa_inner: 'u32',
      sb_outer: 'u32',
      sb_inner: 'u32',
      sc_outer: 'u32',
      sc_inner: 'u32',
      _pad1: 'u32',
      _pad2: 'u32',
    },
  },
  storage: { A: 1, B: 2, bias: 3, C: 4 },
});

/** matmul_vec4: the same uniform; A and B bound again as vec4 arrays. */
export const MATMUL_VEC4 = kernelLayout({ ...MATMUL, entryPoints: ['matmul_vec4'], storage: { bias: 3, C: 4, A4: 5, B4: 6 } });

export const COLSUM = kernelLayout({
  file: 'matmul.wgsl',
  entryPoints: ['colsum', 'colsum_direct'],
  uniform: { name: 'sdims', binding: 0, struct: 'SumDims', fields: { rows: 'u32', cols: 'u32', flags: 'u32', _pad: 'u32' } },
  storage: { X: 1, sums: 2 },
});

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
  /**
   * 'tiled' (workgroup memory, for GPUs) or 'direct' (no barriers, for software adapters); default: the context's choice.
   * A direct product whose shape fits (vec4Fits) runs matmul_vec4 unless vec4 is false.
   */
  variant?: MatmulVariant;
  /** Allow the 16-byte-load direct kernel where the shape fits (default true). */
  vec4?: boolean;
  /** Strided, batched products (see shaders/matmul.wgsl); omitted = one dense product. */
  strided?: Strided;
}

/** out (+)= op(a) . op(b) (+ bias): forward projections, the dX / dW backward products, attention's batched products. */
export function matmul(ctx: GpuContext, args: MatmulArgs, label = 'matmul'): MatmulDispatch {
  const variant = args.variant ?? (ctx.softwareAdapter ? 'direct' : 'tiled');
  const entry = variant === 'direct' ? 'matmul_direct' : 'matmul';
  const constants = { TRANS_A: args.transA ? 1 : 0, TRANS_B: args.transB ? 1 : 0 };
  const buffers = { A: args.a, B: args.b, bias: args.bias ?? ctx.unused(), C: args.out };
  const d = new MatmulDispatch(ctx, label, MATMUL, entry, buffers, [1, 1, 1], constants);
  d.direct = variant === 'direct';
  d.transA = !!args.transA;
  d.transB = !!args.transB;
  const st = args.strided;
  d.batch = st?.batch ?? 1;
  d.strides = st ? [st.lda, st.ldb, st.ldc] : null;
  d.set('inner', st?.inner ?? 1);
  d.set('off_a', st?.a.off ?? 0)
    .set('off_b', st?.b.off ?? 0)
    .set('off_c', st?.c.off ?? 0);
  d.set('sa_outer', st?.a.outer ?? 0).set('sa_inner', st?.a.inner ?? 0);
  d.set('sb_outer', st?.b.outer ?? 0).set('sb_inner', st?.b.inner ?? 0);
  d.set('sc_outer', st?.c.outer ?? 0).set('sc_inner', st?.c.inner ?? 0);
  if (d.direct && (args.vec4 ?? true)) {
    const v4 = { bias: buffers.bias, C: buffers.C, A4: buffers.A, B4: buffers.B };
    d.vec4 = new Dispatch(ctx, `${label}.vec4`, MATMUL_VEC4, 'matmul_vec4', v4, [1, 1, 1], constants);
  }
  d.setShape(args.M, args.N, args.K);
  d.set('flags', (args.bias ? 1 : 0) | (args.accumulate ? 2 : 0));
  return d;
}

/** Whether matmul_vec4 can run a product: every vec4 it reads starts at a multiple of 4 and stays in its row. */
function vec4Fits(u: Record<keyof typeof MATMUL.offsets, number>, transA: boolean, transB: boolean): boolean {
  const four = (...xs: number[]) => xs.every((x) => x % 4 === 0);
  if (!four(u.K, u.lda, u.ldb, u.off_a, u.off_b, u.sa_outer, u.sa_inner, u.sb_outer, u.sb_inner)) return false;
  if (transA && u.M % 4 !== 0) return false;
  return transB || u.N % 4 === 0;
}

export class MatmulDispatch extends Dispatch<keyof typeof MATMUL.storage, keyof typeof MATMUL.offsets> {
  transA = false;
  transB = false;
  direct = false;
  batch = 1;
  /** The same product through matmul_vec4, used while the shape fits (software adapters). */
  vec4: Dispatch<keyof typeof MATMUL_VEC4.storage, keyof typeof MATMUL_VEC4.offsets> | null = null;
  /** Explicit [lda, ldb, ldc], or null for dense matrices (derived from the shape). */
  strides: [number, number, number] | null = null;
  /** Change M, N or K in place (e.g. a varying candidate count). */
  setShape(M: number, N: number, K: number): this {
    this.set('M', M).set('N', N).set('K', K);
    const [lda, ldb, ldc] = this.strides ?? [this.transA ? M : K, this.transB ? K : N, N];
    this.set('lda', lda).set('ldb', ldb).set('ldc', ldc);
    // tiled: a 64x64 tile per workgroup; direct: 8x8 invocations of 4x4 blocks = 32x32 per workgroup
    this.workgroups = this.direct ? [Math.ceil(N / 32), Math.ceil(M / 32), this.batch] : [Math.ceil(N / 64), Math.ceil(M / 64), this.batch];
    return this;
  }

  /** Whether this product runs as matmul_vec4 with its current shape. */
  get usesVec4(): boolean {
    return this.vec4 !== null && vec4Fits(this.uniforms(), this.transA, this.transB);
  }

  override encode(pass: GPUComputePassEncoder): void {
    if (!this.vec4 || !this.usesVec4) return super.encode(pass);
    const u = this.uniforms();
    for (const f of Object.keys(u) as (keyof typeof u)[]) this.vec4.set(f, u[f]);
    this.vec4.workgroups = this.workgroups;
    this.vec4.encode(pass);
  }
}

/**
 * out(N) (+)= sum over the M rows of x(M, N): bias gradients. 'tree' reduces
 * through workgroup memory (GPUs); 'direct' gives each column one invocation
 * and no barriers (software adapters). Default: the context's choice.
 */
export function colsum(
  ctx: GpuContext,
  args: { x: Bindable; out: Bindable; rows: number; cols: number; accumulate?: boolean; variant?: 'tree' | 'direct' },
  label = 'colsum',
): DispatchOf<typeof COLSUM> {
  const direct = (args.variant ?? (ctx.softwareAdapter ? 'direct' : 'tree')) === 'direct';
  const workgroups: [number, number, number] = direct ? [Math.ceil(args.cols / 64), 1, 1] : [Math.ceil(args.cols / 16), 1, 1];
  const d = new Dispatch(ctx, label, COLSUM, direct ? 'colsum_direct' : 'colsum', { X: args.x, sums: args.out }, workgroups);
  return d
    .set('rows', args.rows)
    .set('cols', args.cols)
    .set('flags', args.accumulate ? 2 : 0);
}
