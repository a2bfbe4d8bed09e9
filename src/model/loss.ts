/**
 * The loss head on the forward graph's hidden states, and the first launches
 * of the backward pass (the gradient with respect to the hidden states and to
 * the item table). 'bce': one sampled negative per position. 'ce': softmax
 * cross-entropy over the batch's candidate set (up to maxM items), or over
 * every item a chunk at a time (fullSoftmax.ts) when the engine is given a chunk width.
 * Shapes: BT = B * T rows, C = dim, M = candidates this batch.
 */
import type { Dispatch } from '../gpu/dispatch';
import { SegmentBuffer, segmentSum, type SegmentSumDispatch } from '../kernels/embedding';
import { bceLoss, softmaxCrossEntropy, type CeDispatch, type LossDispatch } from '../kernels/loss';
import { matmul, type MatmulDispatch } from '../kernels/matmul';
import { NO_SCALE, type SegmentList } from '../kernels/segments';
import type { PreparedBatch } from './batch';
import type { ForwardGraph, GraphSource } from './forward';
import { FullSoftmaxHead } from './fullSoftmax';

/** What the loss head reads and writes besides the forward graph. */
export interface LossSource extends GraphSource {
  /** Gradient with respect to the item table, (items + 1, C). */
  readonly dE: GPUBuffer;
}

interface CandidateHead {
  /** The most candidates a batch may carry. */
  maxM: number;
  /** (BT) index of each position's target among the candidates. */
  targetIndex: GPUBuffer;
  /** (maxM, C) the candidates' rows of E. */
  ecand: GPUBuffer;
  /** (maxM, C) gradient with respect to ecand. */
  decand: GPUBuffer;
  gatherSeg: SegmentBuffer;
  scatterSeg: SegmentBuffer;
  gather: SegmentSumDispatch;
  scatter: SegmentSumDispatch;
  logits: MatmulDispatch;
  loss: CeDispatch;
  dh: MatmulDispatch;
  de: MatmulDispatch;
}

export class LossHead {
  /** (BT) the next item at each position; 0 = no loss here. */
  readonly targets: GPUBuffer;
  /** (BT) loss per position. */
  readonly losses: GPUBuffer;
  /** (BT, C) gradient with respect to the final hidden states. */
  readonly dhf: GPUBuffer;
  /** (BT) one sampled negative per position ('bce' only). */
  private readonly negatives: GPUBuffer | null = null;
  /** Launches after the forward graph: the loss (and for 'ce' the candidate gather and logits). */
  readonly forward: Dispatch[] = [];
  /** The first backward launches: into dhf and dE. */
  readonly backward: Dispatch[] = [];
  /** Where this step's loss normaliser goes (1 / positions with a target). */
  private readonly lossDispatch: LossDispatch | null = null;
  private readonly targetSeg: SegmentBuffer | null = null;
  private readonly targetScatter: SegmentSumDispatch | null = null;
  private readonly ce: CandidateHead | null = null;
  /** 'ce' over every item, a chunk at a time. */
  private readonly full: FullSoftmaxHead | null = null;

  constructor(
    private readonly src: LossSource,
    g: ForwardGraph,
    maxCandidates: number | undefined,
    /** 'ce' only: items per chunk of the full softmax; 0 or undefined = the candidate head. */
    chunkItems?: number,
  ) {
    const { ctx, cfg } = src;
    const BT = g.B * cfg.maxlen;
    const C = cfg.dim;
    this.targets = ctx.storage(BT, 'targets');
    this.losses = ctx.storage(BT, 'losses');
    this.dhf = ctx.storage(BT * C, 'dhf');
    if (cfg.loss === 'bce') {
      this.negatives = ctx.storage(BT, 'negatives');
      /** (2, BT) logit gradients of the targets, then of the negatives. */
      const dlogits = ctx.storage(2 * BT, 'dlogits');
      const bce = bceLoss(ctx, { h: g.hf, E: src.E, targets: this.targets, negatives: this.negatives, losses: this.losses, dlogits, dh: this.dhf, R: BT, C });
      this.lossDispatch = bce;
      this.forward.push(bce);
      this.targetSeg = new SegmentBuffer(ctx, 2 * BT, 2 * BT, 'targetSeg');
      this.targetScatter = segmentSum(ctx, { seg: this.targetSeg, scales: dlogits, src: g.hf, dst: src.dE, C, accumulate: true }, 'target_scatter');
      this.backward.push(this.targetScatter);
    } else if (chunkItems) {
      const args = { hf: g.hf, E: src.E, dE: src.dE, losses: this.losses, dhf: this.dhf, BT, C, items: cfg.items, chunk: chunkItems };
      this.full = new FullSoftmaxHead(ctx, args);
      this.forward.push(...this.full.forward);
      this.backward.push(...this.full.backward);
    } else {
      const maxM = Math.min(cfg.items, maxCandidates ?? cfg.items);
      /** (BT, maxM) logits, then their gradients. */
      const dlogits = ctx.storage(BT * maxM, 'logits');
      const targetIndex = ctx.storage(BT, 'targetIndex');
      const ecand = ctx.storage(maxM * C, 'ecand');
      const decand = ctx.storage(maxM * C, 'decand');
      const gatherSeg = new SegmentBuffer(ctx, maxM, maxM, 'candGatherSeg');
      const scatterSeg = new SegmentBuffer(ctx, maxM, maxM, 'candScatterSeg');
      const gather = segmentSum(ctx, { seg: gatherSeg, src: src.E, dst: ecand, C, accumulate: false }, 'cand_gather');
      const logits = matmul(ctx, { a: g.hf, b: ecand, out: dlogits, M: BT, N: maxM, K: C, transB: true }, 'cand_logits');
      const loss = softmaxCrossEntropy(ctx, { logits: dlogits, targetIndex, losses: this.losses, R: BT, M: maxM });
      const dh = matmul(ctx, { a: dlogits, b: ecand, out: this.dhf, M: BT, N: C, K: maxM }, 'cand_dh');
      const de = matmul(ctx, { a: dlogits, b: g.hf, out: decand, M: maxM, N: C, K: BT, transA: true }, 'cand_de');
      const scatter = segmentSum(ctx, { seg: scatterSeg, src: decand, dst: src.dE, C, accumulate: true }, 'cand_scatter');
      this.ce = { maxM, targetIndex, ecand, decand, gatherSeg, scatterSeg, gather, scatter, logits, loss, dh, de };
      this.lossDispatch = loss;
      this.forward.push(gather, logits, loss);
      this.backward.push(dh, de, scatter);
    }
  }

  /** Upload a batch's targets (and negatives or candidates) and size the launches to it. */
  upload(prepared: PreparedBatch, BT: number): void {
    const { ctx, cfg } = this.src;
    const batch = prepared.batch;
    ctx.write(this.targets, batch.targets);
    // (historyBatch's single placeholder candidate comes with no target: nothing to refuse.)
    if (this.full && batch.candidates && prepared.nValid > 0)
      throw new Error('batch: this engine computes softmax over every item; a batch must not carry sampled candidates');
    this.lossDispatch?.setValid(prepared.nValid);
    this.full?.upload(ctx, batch.targets, prepared.nValid);
    if (this.negatives) {
      ctx.write(this.negatives, batch.negatives!);
      this.targetSeg!.upload(prepared.targetSegments!);
      this.targetScatter!.setRows(this.targetSeg!.nRows);
    }
    if (this.ce) {
      const cand = prepared.candidates!;
      const M = cand.length;
      if (M > this.ce.maxM) throw new Error(`batch: ${M} candidates exceed the engine's maxCandidates ${this.ce.maxM}`);
      ctx.write(this.ce.targetIndex, prepared.targetIndex!);
      const seq = new Uint32Array(M + 1);
      for (let i = 0; i <= M; i++) seq[i] = i;
      const noScale = new Uint32Array(M).fill(NO_SCALE);
      const ids = Uint32Array.from(cand);
      const gatherList: SegmentList = { rows: seq.subarray(0, M), offsets: seq, entrySrc: ids, entryScale: noScale };
      const scatterList: SegmentList = { rows: ids, offsets: seq, entrySrc: seq.subarray(0, M), entryScale: noScale };
      this.ce.gatherSeg.upload(gatherList);
      this.ce.scatterSeg.upload(scatterList);
      this.ce.gather.setRows(M);
      this.ce.scatter.setRows(M);
      const C = cfg.dim;
      this.ce.logits.setShape(BT, M, C);
      this.ce.loss.setCandidates(M);
      this.ce.dh.setShape(BT, C, M);
      this.ce.de.setShape(M, C, BT);
    }
  }

  /** The mean loss over the nValid positions that had a target (reads back from the GPU). */
  async read(nValid: number, BT: number): Promise<number> {
    const losses = await this.src.ctx.readF32(this.losses, BT);
    let s = 0;
    for (let i = 0; i < losses.length; i++) s += losses[i];
    return nValid > 0 ? s / nValid : 0;
  }
}
