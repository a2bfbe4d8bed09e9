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
 * (the logits are computed twice). Only the rows that carry a target enter the
 * products: their hidden states are gathered into a compact (nValid, C) block
 * first and their gradients scattered back last, since most of a left-padded
 * batch is padding (Games at maxlen 50: 88% of positions).
 * Shapes: BT rows, nValid of them with a target, C = dim, W = chunk width.
 */
import type { GpuContext } from '../gpu/context';
import type { Dispatch } from '../gpu/dispatch';
import { SegmentBuffer, segmentSum, type SegmentSumDispatch } from '../kernels/embedding';
import { softmaxCeChunk, softmaxCeChunkGrad, type LossDispatch } from '../kernels/loss';
import { matmul, type MatmulDispatch, type Strided } from '../kernels/matmul';
import { NO_SCALE } from '../kernels/segments';

export interface FullSoftmaxArgs {
  /** (BT, C) final hidden states. */
  hf: GPUBuffer;
  /** (items + 1, C) the item table; row 0 is padding and never a class. */
  E: GPUBuffer;
  /** (items + 1, C) its gradient (accumulated into). */
  dE: GPUBuffer;
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
  /** (BT) the targets of the rows that have one, first (compact order), then 0. */
  private readonly targets: GPUBuffer;
  private readonly targetsHost: Int32Array;
  private readonly gatherSeg: SegmentBuffer;
  private readonly scatterSeg: SegmentBuffer;
  private readonly gather: SegmentSumDispatch;
  private readonly scatter: SegmentSumDispatch;
  /** Hidden size. */
  private readonly C: number;
  private readonly parts: { M: number; logits: MatmulDispatch; stats: LossDispatch; grad: LossDispatch; dh: MatmulDispatch; de: MatmulDispatch }[] = [];

  constructor(ctx: GpuContext, a: FullSoftmaxArgs) {
    const { BT, C, items } = a;
    const W = chunkWidth(ctx, BT, a.chunk, items);
    this.width = W;
    this.chunks = Math.ceil(items / W);
    this.C = C;
    this.targets = ctx.storage(BT, 'fullce.targets');
    this.targetsHost = new Int32Array(BT);
    /** (BT, C) the hidden states of the rows with a target, compact; (BT, C) their gradient. */
    const hc = ctx.storage(BT * C, 'fullce.h');
    const dhc = ctx.storage(BT * C, 'fullce.dh');
    /** (BT, W) one chunk's logits, then their gradients; rows past nValid unused. */
    const logits = ctx.storage(BT * W, 'fullce.logits');
    /** (BT, 3) each row's running max, running sum and target logit; then its log-sum-exp. */
    const state = ctx.storage(BT * 3, 'fullce.state');
    this.gatherSeg = new SegmentBuffer(ctx, BT, BT, 'fullce.gatherSeg');
    this.scatterSeg = new SegmentBuffer(ctx, BT, BT, 'fullce.scatterSeg');
    this.gather = segmentSum(ctx, { seg: this.gatherSeg, src: a.hf, dst: hc, C, accumulate: false }, 'fullce.gather');
    this.scatter = segmentSum(ctx, { seg: this.scatterSeg, src: dhc, dst: a.dhf, C, accumulate: false }, 'fullce.scatter');
    this.forward.push(this.gather);
    for (let k = 0; k < this.chunks; k++) {
      const first = 1 + k * W;
      const M = Math.min(W, items - k * W);
      const tag = `fullce.${k}`;
      const lg = matmul(ctx, { a: hc, b: a.E, out: logits, M: BT, N: M, K: C, transB: true, strided: strided(C, C, W, 0, first * C, 0) }, `${tag}.logits`);
      const chunkArgs = { logits, targets: this.targets, state, R: BT, M, ldl: W, first };
      // Over all BT rows: the rows past nValid have target 0 and cost nothing, and their loss is written 0.
      const stats = softmaxCeChunk(ctx, { ...chunkArgs, losses: a.losses, isFirst: k === 0, isLast: k === this.chunks - 1 }, `${tag}.lse`);
      const grad = softmaxCeChunkGrad(ctx, chunkArgs, `${tag}.grad`);
      const dh = matmul(ctx, { a: logits, b: a.E, out: dhc, M: BT, N: C, K: M, accumulate: k > 0, strided: strided(W, C, C, 0, first * C, 0) }, `${tag}.dh`);
      const de = matmul(
        ctx,
        { a: logits, b: hc, out: a.dE, M, N: C, K: BT, transA: true, accumulate: true, strided: strided(W, C, C, 0, 0, first * C) },
        `${tag}.dE`,
      );
      this.forward.push(lg, stats);
      this.backward.push(lg, grad, dh, de);
      this.parts.push({ M, logits: lg, stats, grad, dh, de });
    }
    this.backward.push(this.scatter);
  }

  /**
   * This batch's targets (BT; 0 = no loss): only the nValid rows that have one
   * enter the products (their hidden states gathered, their gradients scattered
   * back, every other row of dhf written 0). No target at all costs nothing.
   */
  upload(ctx: GpuContext, targets: Int32Array, nValid: number): void {
    const BT = targets.length;
    const rows = new Uint32Array(BT);
    const seq = new Uint32Array(BT + 1);
    const offsets = new Uint32Array(BT + 1);
    const noScale = new Uint32Array(BT).fill(NO_SCALE);
    this.targetsHost.fill(0);
    let n = 0;
    for (let r = 0; r < BT; r++) {
      seq[r] = r;
      offsets[r] = n;
      if (targets[r] > 0) {
        rows[n] = r;
        this.targetsHost[n++] = targets[r];
      }
    }
    seq[BT] = BT;
    offsets[BT] = n;
    if (n !== nValid) throw new Error(`full softmax: ${n} targets, but the batch says ${nValid}`);
    ctx.write(this.targets, this.targetsHost);
    // gather: compact row u <- hf[rows[u]]; scatter: dhf[r] <- dhc[its compact index], or 0.
    this.gatherSeg.upload({ rows: seq.subarray(0, n), offsets: seq.subarray(0, n + 1), entrySrc: rows.subarray(0, n), entryScale: noScale.subarray(0, n) });
    this.scatterSeg.upload({ rows: seq.subarray(0, BT), offsets, entrySrc: seq.subarray(0, n), entryScale: noScale.subarray(0, n) });
    this.gather.setRows(n);
    this.scatter.setRows(BT);
    const C = this.C;
    for (const p of this.parts) {
      p.stats.setValid(n);
      p.grad.setValid(n).set('R', n);
      p.grad.workgroups = [Math.ceil(p.M / 64), n, 1];
      p.logits.setShape(n, p.M, C);
      p.dh.setShape(n, C, p.M);
      p.de.setShape(p.M, C, n);
    }
  }
}
