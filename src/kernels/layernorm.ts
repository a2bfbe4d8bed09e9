import { Dispatch, grid1d, type Bindable, type GpuContext } from '../gpu/context';

/** out = LayerNorm(x) with ln = [gamma; beta]; stats (2 * rows) gets (mean, rstd) per row. */
export function layernormForward(ctx: GpuContext, a: { x: Bindable; ln: Bindable; out: Bindable; stats: Bindable; rows: number; C: number }, label = 'layernorm_forward'): Dispatch {
  const d = new Dispatch(ctx, label, ctx.pipeline('layernorm.wgsl', 'layernorm_forward'), 4, 0, [
    [1, a.x], [2, a.ln], [3, a.out], [4, a.stats],
  ], grid1d(a.rows));
  d.setU32(0, a.rows).setU32(1, a.C);
  return d;
}

/** dx += LayerNorm'(dout). */
export function layernormBackward(ctx: GpuContext, a: { dout: Bindable; x: Bindable; stats: Bindable; ln: Bindable; dx: Bindable; rows: number; C: number }, label = 'layernorm_backward'): Dispatch {
  const d = new Dispatch(ctx, label, ctx.pipeline('layernorm.wgsl', 'layernorm_backward'), 4, 0, [
    [5, a.dout], [6, a.x], [7, a.stats], [8, a.ln], [9, a.dx],
  ], grid1d(a.rows));
  d.setU32(0, a.rows).setU32(1, a.C);
  return d;
}

/** dln = [sum dout * xhat ; sum dout] (written). 'tree' for GPUs, 'direct' (no barriers) for software adapters. */
export function layernormBackwardParams(ctx: GpuContext, a: { dout: Bindable; x: Bindable; stats: Bindable; dln: Bindable; rows: number; C: number; variant?: 'tree' | 'direct' }, label = 'layernorm_backward_params'): Dispatch {
  const direct = (a.variant ?? (ctx.softwareAdapter ? 'direct' : 'tree')) === 'direct';
  const d = new Dispatch(ctx, label, ctx.pipeline('layernorm.wgsl', direct ? 'layernorm_backward_params_direct' : 'layernorm_backward_params'), 4, 0, [
    [10, a.dout], [11, a.x], [12, a.stats], [13, a.dln],
  ], direct ? [Math.ceil(a.C / 64), 1, 1] : [Math.ceil(a.C / 16), 1, 1]);
  d.setU32(0, a.rows).setU32(1, a.C);
  return d;
}
