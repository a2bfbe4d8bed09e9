import type { Bindable, GpuContext } from '../gpu/context';
import { Dispatch, grid1d, kernelLayout, type DispatchOf } from '../gpu/dispatch';

/** The uniform every layernorm.wgsl entry point reads. */
const uniform = { name: 'dims', binding: 0, struct: 'LnDims', fields: { rows: 'u32', C: 'u32', _pad0: 'u32', _pad1: 'u32' } } as const;

export const LAYERNORM_FORWARD = kernelLayout({
  file: 'layernorm.wgsl',
  entryPoints: ['layernorm_forward'],
  uniform,
  storage: { x: 1, ln: 2, out: 3, stats: 4 },
});
export const LAYERNORM_BACKWARD = kernelLayout({
  file: 'layernorm.wgsl',
  entryPoints: ['layernorm_backward'],
  uniform,
  storage: { dout: 5, bx: 6, bstats: 7, bln: 8, dx: 9 },
});
/** The same two row kernels with one subgroup per row (layernorm_subgroup.wgsl), where the device has `subgroups`. */
export const LAYERNORM_FORWARD_SUBGROUP = kernelLayout({ ...LAYERNORM_FORWARD, file: 'layernorm_subgroup.wgsl', entryPoints: ['layernorm_forward_subgroup'] });
export const LAYERNORM_BACKWARD_SUBGROUP = kernelLayout({
  ...LAYERNORM_BACKWARD,
  file: 'layernorm_subgroup.wgsl',
  entryPoints: ['layernorm_backward_subgroup'],
});

/** 'subgroup': one subgroup per row (the default where ctx.subgroupRows); 'invocation': one invocation per row. */
export type RowVariant = 'subgroup' | 'invocation';

const useSubgroups = (ctx: GpuContext, variant?: RowVariant) => {
  const v = variant ?? (ctx.subgroupRows ? 'subgroup' : 'invocation');
  if (v === 'subgroup' && !ctx.subgroups) throw new Error('layernorm: the subgroup kernels need a device with the subgroups feature');
  return v === 'subgroup';
};

/** Workgroups of 64 for one subgroup per row: enough for the largest subgroup the adapter may use. */
const subgroupGrid = (ctx: GpuContext, rows: number) => grid1d(rows * Math.min(64, ctx.subgroupMaxSize), 64);

export const LAYERNORM_BACKWARD_PARAMS = kernelLayout({
  file: 'layernorm.wgsl',
  entryPoints: ['layernorm_backward_params', 'layernorm_backward_params_direct'],
  uniform,
  storage: { pdout: 10, px: 11, pstats: 12, dln: 13 },
});

/** out = LayerNorm(x) with ln = [gamma; beta]; stats (2 * rows) gets (mean, rstd) per row. */
export function layernormForward(
  ctx: GpuContext,
  a: { x: Bindable; ln: Bindable; out: Bindable; stats: Bindable; rows: number; C: number; variant?: RowVariant },
  label = 'layernorm_forward',
): DispatchOf<typeof LAYERNORM_FORWARD> {
  const buffers = { x: a.x, ln: a.ln, out: a.out, stats: a.stats };
  const d = useSubgroups(ctx, a.variant)
    ? new Dispatch(ctx, label, LAYERNORM_FORWARD_SUBGROUP, 'layernorm_forward_subgroup', buffers, subgroupGrid(ctx, a.rows))
    : new Dispatch(ctx, label, LAYERNORM_FORWARD, 'layernorm_forward', buffers, grid1d(a.rows));
  return d.set('rows', a.rows).set('C', a.C);
}

/** dx += LayerNorm'(dout). */
export function layernormBackward(
  ctx: GpuContext,
  a: { dout: Bindable; x: Bindable; stats: Bindable; ln: Bindable; dx: Bindable; rows: number; C: number; variant?: RowVariant },
  label = 'layernorm_backward',
): DispatchOf<typeof LAYERNORM_BACKWARD> {
  const buffers = { dout: a.dout, bx: a.x, bstats: a.stats, bln: a.ln, dx: a.dx };
  const d = useSubgroups(ctx, a.variant)
    ? new Dispatch(ctx, label, LAYERNORM_BACKWARD_SUBGROUP, 'layernorm_backward_subgroup', buffers, subgroupGrid(ctx, a.rows))
    : new Dispatch(ctx, label, LAYERNORM_BACKWARD, 'layernorm_backward', buffers, grid1d(a.rows));
  return d.set('rows', a.rows).set('C', a.C);
}

/** dln = [sum dout * xhat ; sum dout] (written). 'tree' for GPUs, 'direct' (no barriers) for software adapters. */
export function layernormBackwardParams(
  ctx: GpuContext,
  a: { dout: Bindable; x: Bindable; stats: Bindable; dln: Bindable; rows: number; C: number; variant?: 'tree' | 'direct' },
  label = 'layernorm_backward_params',
): DispatchOf<typeof LAYERNORM_BACKWARD_PARAMS> {
  const direct = (a.variant ?? (ctx.softwareAdapter ? 'direct' : 'tree')) === 'direct';
  const buffers = { pdout: a.dout, px: a.x, pstats: a.stats, dln: a.dln };
  const entryPoint = direct ? 'layernorm_backward_params_direct' : 'layernorm_backward_params';
  const d = new Dispatch(ctx, label, LAYERNORM_BACKWARD_PARAMS, entryPoint, buffers, direct ? [Math.ceil(a.C / 64), 1, 1] : [Math.ceil(a.C / 16), 1, 1]);
  return d.set('rows', a.rows).set('C', a.C);
}
