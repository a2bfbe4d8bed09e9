import type { Bindable, GpuContext } from '../gpu/context';
import { Dispatch, grid1d, kernelLayout, type DispatchOf } from '../gpu/dispatch';

/** The uniform every elementwise.wgsl entry point reads: n, and the dropout key, threshold and scale. */
const uniform = { name: 'dims', binding: 0, struct: 'EwDims', fields: { n: 'u32', key: 'u32', threshold: 'u32', scale: 'f32' } } as const;

export const GELU_FORWARD = kernelLayout({ file: 'elementwise.wgsl', entryPoints: ['gelu_forward'], uniform, storage: { gx: 1, gout: 2 } });
export const GELU_BACKWARD = kernelLayout({ file: 'elementwise.wgsl', entryPoints: ['gelu_backward'], uniform, storage: { gdout: 3, bx: 4, gdx: 5 } });
export const RESIDUAL_DROPOUT_FORWARD = kernelLayout({
  file: 'elementwise.wgsl',
  entryPoints: ['residual_dropout_forward'],
  uniform,
  storage: { rx: 6, ry: 7, rout: 8 },
});
export const DROPOUT_BACKWARD = kernelLayout({ file: 'elementwise.wgsl', entryPoints: ['dropout_backward'], uniform, storage: { ddout: 9, ddy: 10 } });

export function geluForward(ctx: GpuContext, a: { x: Bindable; out: Bindable; n: number }, label = 'gelu_forward'): DispatchOf<typeof GELU_FORWARD> {
  return new Dispatch(ctx, label, GELU_FORWARD, 'gelu_forward', { gx: a.x, gout: a.out }, grid1d(a.n)).set('n', a.n);
}

export function geluBackward(
  ctx: GpuContext,
  a: { dout: Bindable; x: Bindable; dx: Bindable; n: number },
  label = 'gelu_backward',
): DispatchOf<typeof GELU_BACKWARD> {
  return new Dispatch(ctx, label, GELU_BACKWARD, 'gelu_backward', { gdout: a.dout, bx: a.x, gdx: a.dx }, grid1d(a.n)).set('n', a.n);
}

/** A launch that applies dropout: the key, keep threshold and scale of this step. */
export class DropoutDispatch<Storage extends string = string> extends Dispatch<Storage, keyof typeof uniform.fields> {
  setDropout(key: number, threshold: number, scale: number): this {
    return this.set('key', key).set('threshold', threshold).set('scale', scale);
  }
}

/** out = x + dropout(y). */
export function residualDropoutForward(
  ctx: GpuContext,
  a: { x: Bindable; y: Bindable; out: Bindable; n: number },
  label = 'residual_dropout_forward',
): DropoutDispatch {
  const d = new DropoutDispatch(ctx, label, RESIDUAL_DROPOUT_FORWARD, 'residual_dropout_forward', { rx: a.x, ry: a.y, rout: a.out }, grid1d(a.n));
  return d.set('n', a.n);
}

/** dy = dropout'(dout). */
export function dropoutBackward(ctx: GpuContext, a: { dout: Bindable; dy: Bindable; n: number }, label = 'dropout_backward'): DropoutDispatch {
  const d = new DropoutDispatch(ctx, label, DROPOUT_BACKWARD, 'dropout_backward', { ddout: a.dout, ddy: a.dy }, grid1d(a.n));
  return d.set('n', a.n);
}
