import { Dispatch, grid1d, type Bindable, type GpuContext } from '../gpu/context';

/** AdamW's hyperparameters, as adamw.wgsl reads them (the model's OptimizerConfig). */
export interface AdamWHyperparameters {
  lr: number;
  beta1: number;
  beta2: number;
  eps: number;
  weightDecay: number;
}

export class AdamWDispatch extends Dispatch {
  /** Hyper-parameters for optimizer step t (counting from 1). */
  setStep(t: number, h: AdamWHyperparameters): this {
    return this.setF32(2, h.lr).setF32(3, h.beta1).setF32(4, h.beta2).setF32(5, h.eps).setF32(6, h.weightDecay)
      .setF32(7, 1 - Math.pow(h.beta1, t)).setF32(8, 1 - Math.pow(h.beta2, t));
  }
}

export function adamw(ctx: GpuContext, a: { params: Bindable; grads: Bindable; m: Bindable; v: Bindable; n: number; decayEnd: number }, label = 'adamw_step'): AdamWDispatch {
  const d = new AdamWDispatch(ctx, label, ctx.pipeline('adamw.wgsl', 'adamw_step'), 12, 0, [
    [1, a.params], [2, a.grads], [3, a.m], [4, a.v],
  ], grid1d(a.n));
  d.setU32(0, a.n).setU32(1, a.decayEnd);
  return d;
}
