import type { Bindable, GpuContext } from '../gpu/context';
import { Dispatch, grid1d, kernelLayout } from '../gpu/dispatch';

export const BCE_LOSS = kernelLayout({
  file: 'loss.wgsl',
  entryPoints: ['bce_loss'],
  uniform: { name: 'bdims', binding: 0, struct: 'BceDims', fields: { R: 'u32', C: 'u32', inv_valid: 'f32', _pad: 'u32' } },
  storage: { h: 1, E: 2, targets: 3, negatives: 4, losses: 5, dlogits: 6, dh: 7 },
});

export const SOFTMAX_CE_LOSS = kernelLayout({
  file: 'loss.wgsl',
  entryPoints: ['softmax_ce_loss'],
  uniform: { name: 'cdims', binding: 8, struct: 'CeDims', fields: { R: 'u32', M: 'u32', inv_valid: 'f32', _pad: 'u32' } },
  storage: { logits: 9, target_index: 10, ce_losses: 11 },
});

export const BCE_LOGITS_LOSS = kernelLayout({
  file: 'loss.wgsl',
  entryPoints: ['bce_logits_loss'],
  uniform: { name: 'zdims', binding: 12, struct: 'BceLogitDims', fields: { R: 'u32', inv_valid: 'f32', _pad0: 'u32', _pad1: 'u32' } },
  storage: { z: 13, labels: 14, z_losses: 15, dz: 16 },
});

/** A loss launch: the mean is over the positions that have a target this step. */
export class LossDispatch<Storage extends string = string, Field extends string = string> extends Dispatch<Storage, Field | 'inv_valid'> {
  setValid(nValid: number): this {
    return this.set('inv_valid', nValid > 0 ? 1 / nValid : 0);
  }
}

/** BCE with one negative per position: losses (R), dlogits (2R), dh (R, C). */
export function bceLoss(
  ctx: GpuContext,
  a: { h: Bindable; E: Bindable; targets: Bindable; negatives: Bindable; losses: Bindable; dlogits: Bindable; dh: Bindable; R: number; C: number },
  label = 'bce_loss',
): LossDispatch {
  const buffers = { h: a.h, E: a.E, targets: a.targets, negatives: a.negatives, losses: a.losses, dlogits: a.dlogits, dh: a.dh };
  const d = new LossDispatch(ctx, label, BCE_LOSS, 'bce_loss', buffers, [Math.ceil(a.R / 64), 1, 1]);
  return d.set('R', a.R).set('C', a.C);
}

export class CeDispatch extends LossDispatch<keyof typeof SOFTMAX_CE_LOSS.storage, keyof typeof SOFTMAX_CE_LOSS.offsets> {
  setCandidates(M: number): this {
    return this.set('M', M);
  }
}

/** Softmax cross-entropy over M candidates per row; logits (R, M) become dlogits. */
export function softmaxCrossEntropy(
  ctx: GpuContext,
  a: { logits: Bindable; targetIndex: Bindable; losses: Bindable; R: number; M: number },
  label = 'softmax_ce_loss',
): CeDispatch {
  const d = new CeDispatch(
    ctx,
    label,
    SOFTMAX_CE_LOSS,
    'softmax_ce_loss',
    { logits: a.logits, target_index: a.targetIndex, ce_losses: a.losses },
    grid1d(a.R, 1),
  );
  return d.set('R', a.R).set('M', a.M);
}

/**
 * Binary cross-entropy on one logit per position (knowledge tracing): labels (R)
 * are 0 or 1, or -1 where there is no loss; writes losses (R) and dz (R), divided by nValid.
 */
export function bceLogitsLoss(
  ctx: GpuContext,
  a: { z: Bindable; labels: Bindable; losses: Bindable; dz: Bindable; R: number },
  label = 'bce_logits_loss',
): LossDispatch {
  const buffers = { z: a.z, labels: a.labels, z_losses: a.losses, dz: a.dz };
  const d = new LossDispatch(ctx, label, BCE_LOGITS_LOSS, 'bce_logits_loss', buffers, [Math.ceil(a.R / 64), 1, 1]);
  return d.set('R', a.R);
}

const CE_CHUNK_DIMS = {
  name: 'kdims',
  binding: 17,
  struct: 'CeChunkDims',
  fields: { R: 'u32', M: 'u32', ldl: 'u32', first: 'u32', flags: 'u32', inv_valid: 'f32', _pad0: 'u32', _pad1: 'u32' },
} as const;

export const SOFTMAX_CE_CHUNK = kernelLayout({
  file: 'loss.wgsl',
  entryPoints: ['softmax_ce_chunk'],
  uniform: CE_CHUNK_DIMS,
  storage: { chunk_logits: 18, ce_targets: 19, ce_state: 20, chunk_losses: 21 },
});

export const SOFTMAX_CE_CHUNK_GRAD = kernelLayout({
  file: 'loss.wgsl',
  entryPoints: ['softmax_ce_chunk_grad'],
  uniform: CE_CHUNK_DIMS,
  storage: { chunk_logits: 18, ce_targets: 19, ce_state: 20 },
});

/** One chunk of the catalog: logits (R, M) with row stride ldl for items first .. first + M - 1. */
export interface CeChunkArgs {
  logits: Bindable;
  /** (R) the target item id of each row; 0 = no loss. */
  targets: Bindable;
  /** (R, 3) running max, running sum, target logit; after the last chunk, [r * 3] holds the row's log-sum-exp. */
  state: Bindable;
  R: number;
  M: number;
  ldl: number;
  first: number;
}

/**
 * Online log-sum-exp over one chunk of item logits (softmax cross-entropy over
 * the whole catalog, a chunk at a time): `isFirst` starts each row's state, `isLast`
 * writes losses (R) = lse - target logit.
 */
export function softmaxCeChunk(
  ctx: GpuContext,
  a: CeChunkArgs & { losses: Bindable; isFirst: boolean; isLast: boolean },
  label = 'softmax_ce_chunk',
): LossDispatch {
  const buffers = { chunk_logits: a.logits, ce_targets: a.targets, ce_state: a.state, chunk_losses: a.losses };
  const d = new LossDispatch(ctx, label, SOFTMAX_CE_CHUNK, 'softmax_ce_chunk', buffers, grid1d(a.R, 1));
  return d
    .set('R', a.R)
    .set('M', a.M)
    .set('ldl', a.ldl)
    .set('first', a.first)
    .set('flags', (a.isFirst ? 1 : 0) | (a.isLast ? 2 : 0));
}

/** The chunk's logits (computed again) become (softmax - onehot) / nValid, from the log-sum-exp in state. */
export function softmaxCeChunkGrad(ctx: GpuContext, a: CeChunkArgs, label = 'softmax_ce_chunk_grad'): LossDispatch {
  if (a.R > 65535) throw new Error(`softmax_ce_chunk_grad: ${a.R} rows exceed one dispatch's 65535 workgroups in y`);
  const buffers = { chunk_logits: a.logits, ce_targets: a.targets, ce_state: a.state };
  const d = new LossDispatch(ctx, label, SOFTMAX_CE_CHUNK_GRAD, 'softmax_ce_chunk_grad', buffers, [Math.ceil(a.M / 64), a.R, 1]);
  return d.set('R', a.R).set('M', a.M).set('ldl', a.ldl).set('first', a.first);
}
