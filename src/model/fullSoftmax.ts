/**
 * Softmax cross-entropy over the whole catalog without materialising the
 * (BT, items) logits: the catalog is cut into chunks of W items and only one
 * chunk's logits (BT, W) exist at a time.
 *
 *   forward, per chunk:  logits = hf . E[chunk]^T; softmax_ce_chunk folds them
 *                        into each row's online log-sum-exp (the last chunk writes
 *                        the loss and keeps lse).
 *   backward, per chunk: the same logits again; softmax_ce_chunk_grad turns them
 *                        into (softmax - onehot) / nValid; dhf (+)= G . E[chunk]
 *                        and dE[chunk] += G^T . hf.
 *
 * So the gradients go straight into the hidden states and the item table, and
 * the price of not keeping (BT, items) is one more matrix product per chunk
 * (the logits are computed twice). Shapes: BT rows, C = dim, W = chunk width.
 */
import type { GpuContext } from '../gpu/context';
import type { Dispatch } from '../gpu/dispatch';
import { softmaxCeChunk, softmaxCeChunkGrad, type LossDispatch } from '../kernels/loss';
import { matmul, type Strided } from '../kernels/matmul';

export interface FullSoftmaxArgs {
  /** (BT, C) final hidden states. */
  hf: GPUBuffer;
  /** (items + 1, C) the item table; row 0 is padding and never a class. */
  E: GPUBuffer;
  /** (items + 1, C) its gradient (accumulated into). */
  dE: GPUBuffer;
  /** (BT) target item ids, 0 = no loss. */
  targets: GPUBuffer;
  /** (BT) loss per position (written). */
  losses: GPUBuffer;
  /** (BT, C) gradient with respect to hf (written). */
  dhf: GPUBuffer;
  BT: number;
  C: number;
  items: number;
  /** Items per chunk W (capped so (BT, W) fits in one storage binding). */
  chunk: number;
}

/** The widest chunk whose (BT, W) logits fit in one storage binding of this device. */
function chunkWidth(ctx: GpuContext, BT: number, want: number, items: number): number {
  const fit = Math.floor(ctx.device.limits.maxStorageBufferBindingSize / (4 * BT));
  return Math.max(1, Math.min(want, fit, items));
}

/** A plain product with explicit strides and element offsets. */
function strided(lda: number, ldb: number, ldc: number, offA: number, offB: number, offC: number): Strided {
  return {
    batch: 1,
    inner: 1,
    lda,
    ldb,
    ldc,
    a: { off: offA, outer: 0, inner: 0 },
    b: { off: offB, outer: 0, inner: 0 },
    c: { off: offC, outer: 0, inner: 0 },
  };
}

export class FullSoftmaxHead {
  readonly forward: Dispatch[] = [];
  readonly backward: Dispatch[] = [];
  /** Chunk width W and count. */
  readonly width: number;
  readonly chunks: number;
  private readonly lossDispatches: LossDispatch[] = [];
  private readonly grid = new Map<Dispatch, [number, number, number]>();

  constructor(ctx: GpuContext, a: FullSoftmaxArgs) {
    const { BT, C, items } = a;
    const W = chunkWidth(ctx, BT, a.chunk, items);
    this.width = W;
    this.chunks = Math.ceil(items / W);
    /** (BT, W) one chunk's logits, then their gradients. */
    const logits = ctx.storage(BT * W, 'fullce.logits');
    /** (BT, 3) each row's running max, running sum and target logit; then its log-sum-exp. */
    const state = ctx.storage(BT * 3, 'fullce.state');
    for (let k = 0; k < this.chunks; k++) {
      const first = 1 + k * W;
      const M = Math.min(W, items - k * W);
      const tag = `fullce.${k}`;
      const lg = matmul(ctx, { a: a.hf, b: a.E, out: logits, M: BT, N: M, K: C, transB: true, strided: strided(C, C, W, 0, first * C, 0) }, `${tag}.logits`);
      const chunkArgs = { logits, targets: a.targets, state, R: BT, M, ldl: W, first };
      const stats = softmaxCeChunk(ctx, { ...chunkArgs, losses: a.losses, isFirst: k === 0, isLast: k === this.chunks - 1 }, `${tag}.lse`);
      const grad = softmaxCeChunkGrad(ctx, chunkArgs, `${tag}.grad`);
      const dh = matmul(ctx, { a: logits, b: a.E, out: a.dhf, M: BT, N: C, K: M, accumulate: k > 0, strided: strided(W, C, C, 0, first * C, 0) }, `${tag}.dh`);
      const de = matmul(
        ctx,
        { a: logits, b: a.hf, out: a.dE, M, N: C, K: BT, transA: true, accumulate: true, strided: strided(W, C, C, 0, 0, first * C) },
        `${tag}.dE`,
      );
      this.forward.push(lg, stats);
      this.backward.push(lg, grad, dh, de);
      this.lossDispatches.push(stats, grad);
    }
    for (const d of this.forward) this.grid.set(d, d.workgroups);
  }

  /**
   * Size the loss to this batch. A batch with no target (encoding histories for
   * evaluation) skips the forward chunks; the backward still runs and, every row
   * being without a target, writes zero gradients.
   */
  setValid(nValid: number): void {
    for (const d of this.lossDispatches) d.setValid(nValid);
    for (const d of this.forward) d.workgroups = nValid > 0 ? this.grid.get(d)! : [0, 0, 0];
  }
}
