import { Dispatch, grid1d, type Bindable, type GpuContext } from '../gpu/context';

export function geluForward(ctx: GpuContext, a: { x: Bindable; out: Bindable; n: number }, label = 'gelu_forward'): Dispatch {
  const d = new Dispatch(ctx, label, ctx.pipeline('elementwise.wgsl', 'gelu_forward'), 4, 0, [[1, a.x], [2, a.out]], grid1d(a.n));
  d.setU32(0, a.n);
  return d;
}

export function geluBackward(ctx: GpuContext, a: { dout: Bindable; x: Bindable; dx: Bindable; n: number }, label = 'gelu_backward'): Dispatch {
  const d = new Dispatch(ctx, label, ctx.pipeline('elementwise.wgsl', 'gelu_backward'), 4, 0, [[3, a.dout], [4, a.x], [5, a.dx]], grid1d(a.n));
  d.setU32(0, a.n);
  return d;
}

/** Dropout parameters live in uniform words 1 (key), 2 (threshold), 3 (scale). */
export class DropoutDispatch extends Dispatch {
  setDropout(key: number, threshold: number, scale: number): this {
    return this.setU32(1, key).setU32(2, threshold).setF32(3, scale);
  }
}

/** out = x + dropout(y). */
export function residualDropoutForward(ctx: GpuContext, a: { x: Bindable; y: Bindable; out: Bindable; n: number }, label = 'residual_dropout_forward'): DropoutDispatch {
  const d = new DropoutDispatch(ctx, label, ctx.pipeline('elementwise.wgsl', 'residual_dropout_forward'), 4, 0, [[6, a.x], [7, a.y], [8, a.out]], grid1d(a.n));
  d.setU32(0, a.n);
  return d;
}

/** dy = dropout'(dout). */
export function dropoutBackward(ctx: GpuContext, a: { dout: Bindable; dy: Bindable; n: number }, label = 'dropout_backward'): DropoutDispatch {
  const d = new DropoutDispatch(ctx, label, ctx.pipeline('elementwise.wgsl', 'dropout_backward'), 4, 0, [[9, a.dout], [10, a.dy]], grid1d(a.n));
  d.setU32(0, a.n);
  return d;
}
