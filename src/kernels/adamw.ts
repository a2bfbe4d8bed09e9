import type { Bindable, GpuContext } from '../gpu/context';
import { Dispatch, grid1d, kernelLayout } from '../gpu/dispatch';

/** AdamW's hyperparameters, as adamw.wgsl reads them (the model's OptimizerConfig). */
export interface AdamWHyperparameters {
  lr: number;
  beta1: number;
  beta2: number;
  eps: number;
  weightDecay: number;
}

export const ADAMW_STEP = kernelLayout({
  file: 'adamw.wgsl',
  entryPoints: ['adamw_step'],
  uniform: {
    name: 'dims',
    binding: 0,
    struct: 'AdamDims',
    fields: {
      n: 'u32',
      decay_end: 'u32',
      lr: 'f32',
      beta1: 'f32',
      beta2: 'f32',
      eps: 'f32',
      weight_decay: 'f32',
      bc1: 'f32',
      bc2: 'f32',
      _pad0: 'u32',
      _pad1: 'u32',
      _pad2: 'u32',
    },
  },
  storage: { params: 1, grads: 2, m: 3, v: 4 },
});

export class AdamWDispatch extends Dispatch<keyof typeof ADAMW_STEP.storage, keyof typeof ADAMW_STEP.offsets> {
  /** Hyper-parameters for optimizer step t (counting from 1). */
  setStep(t: number, h: AdamWHyperparameters): this {
    return this.set('lr', h.lr)
      .set('beta1', h.beta1)
      .set('beta2', h.beta2)
      .set('eps', h.eps)
      .set('weight_decay', h.weightDecay)
      .set('bc1', 1 - Math.pow(h.beta1, t))
      .set('bc2', 1 - Math.pow(h.beta2, t));
  }
}

/** One AdamW step over n parameters; weight decay applies to the first decayEnd of them. */
export function adamw(
  ctx: GpuContext,
  a: { params: Bindable; grads: Bindable; m: Bindable; v: Bindable; n: number; decayEnd: number },
  label = 'adamw_step',
): AdamWDispatch {
  const d = new AdamWDispatch(ctx, label, ADAMW_STEP, 'adamw_step', { params: a.params, grads: a.grads, m: a.m, v: a.v }, grid1d(a.n));
  return d.set('n', a.n).set('decay_end', a.decayEnd);
}
