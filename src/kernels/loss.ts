import { Dispatch, grid1d, type Bindable, type GpuContext } from '../gpu/context';

export class LossDispatch extends Dispatch {
  setValid(nValid: number): this {
    return this.setF32(2, nValid > 0 ? 1 / nValid : 0);
  }
}

/** BCE with one negative per position: losses (R), dlogits (2R), dh (R, C). */
export function bceLoss(ctx: GpuContext, a: { h: Bindable; E: Bindable; targets: Bindable; negatives: Bindable; losses: Bindable; dlogits: Bindable; dh: Bindable; R: number; C: number }, label = 'bce_loss'): LossDispatch {
  const d = new LossDispatch(ctx, label, ctx.pipeline('loss.wgsl', 'bce_loss'), 4, 0, [
    [1, a.h], [2, a.E], [3, a.targets], [4, a.negatives], [5, a.losses], [6, a.dlogits], [7, a.dh],
  ], [Math.ceil(a.R / 64), 1, 1]);
  d.setU32(0, a.R).setU32(1, a.C);
  return d;
}

export class CeDispatch extends LossDispatch {
  setCandidates(M: number): this {
    return this.setU32(1, M);
  }
}

/** Softmax cross-entropy over M candidates per row; logits (R, M) become dlogits. */
export function softmaxCrossEntropy(ctx: GpuContext, a: { logits: Bindable; targetIndex: Bindable; losses: Bindable; R: number; M: number }, label = 'softmax_ce_loss'): CeDispatch {
  const d = new CeDispatch(ctx, label, ctx.pipeline('loss.wgsl', 'softmax_ce_loss'), 4, 8, [
    [9, a.logits], [10, a.targetIndex], [11, a.losses],
  ], grid1d(a.R, 1));
  d.setU32(0, a.R).setU32(1, a.M);
  return d;
}
