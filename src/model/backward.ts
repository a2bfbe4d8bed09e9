/**
 * The backward graph: from the loss head's gradients (dhf, dE) back through
 * the final LayerNorm, every block in reverse and the embedding, into the
 * flat gradient buffer. Buffers are scratch reused by every block.
 * Shapes: BT = B * T rows, C = dim, F = ffnDim, H = heads.
 */
import type { Bindable, BufferSlice } from '../gpu/context';
import type { Dispatch } from '../gpu/dispatch';
import { attentionBackward, attentionBackwardGemm } from '../kernels/attention';
import { dropoutBackward, geluBackward } from '../kernels/elementwise';
import { SegmentBuffer, embedBackward, segmentSum, type SegmentSumDispatch } from '../kernels/embedding';
import { layernormBackward, layernormBackwardParams } from '../kernels/layernorm';
import { colsum, matmul } from '../kernels/matmul';
import type { PreparedBatch } from './batch';
import { dropoutSite, type DropoutUse } from './dropout';
import type { ForwardGraph } from './forward';
import type { LossHead, LossSource } from './loss';

/** What the backward graph writes besides its scratch: gradients by parameter name. */
export interface BackwardSource extends LossSource {
  /** Content-token gradients from dE, when the model has content. */
  readonly contentBackward: SegmentSumDispatch | null;
  gradSlice(name: string): BufferSlice;
}

export class BackwardGraph {
  /** (BT, C) gradient of the residual stream, accumulated through the blocks (cleared every step). */
  readonly dx: GPUBuffer;
  readonly dispatches: Dispatch[] = [];
  readonly dropouts: DropoutUse[] = [];
  /** Where the input ids' embedding gradients scatter into dE. */
  private readonly inputSeg: SegmentBuffer;
  private readonly inputScatter: SegmentSumDispatch;

  constructor(src: BackwardSource, g: ForwardGraph, head: LossHead) {
    const { ctx, cfg } = src;
    const B = g.B;
    const T = cfg.maxlen;
    const C = cfg.dim;
    const F = cfg.ffnDim;
    const H = cfg.heads;
    const BT = B * T;
    const d = this.dispatches;
    /** (BT, C) */
    const dx = ctx.storage(BT * C, 'dx');
    /** (BT, C) gradient of a branch through its dropout. */
    const dbranch = ctx.storage(BT * C, 'dbranch');
    /** (BT, F) */
    const dact = ctx.storage(BT * F, 'dact');
    /** (BT, F) */
    const dfc1 = ctx.storage(BT * F, 'dfc1');
    /** (BT, C) gradient into a LayerNorm's output. */
    const dln = ctx.storage(BT * C, 'dln');
    /** (BT, C) */
    const datty = ctx.storage(BT * C, 'datty');
    /** (BT, 3C) */
    const dqkv = ctx.storage(BT * 3 * C, 'dqkv');
    /** (B, H, T, T) attention scratch. */
    const dS = ctx.storage(B * H * T * T, 'dS');
    /** (BT, C) gradient of the embedding sum (before dropout). */
    const demb = ctx.storage(BT * C, 'demb');
    this.dx = dx;
    const p = (n: string) => src.paramSlice(n);
    const gr = (n: string) => src.gradSlice(n);
    /** Backward of y = x.W + b with x (BT, inDim): dW = x^T.dy, db = sum dy, dx = dy.W^T. */
    const linearBackward = (x: Bindable, dy: Bindable, layer: string, dxOut: Bindable, inDim: number, outDim: number) => {
      d.push(matmul(ctx, { a: x, b: dy, out: gr(`${layer}_w`), M: inDim, N: outDim, K: BT, transA: true }, `${layer}.dW`));
      d.push(colsum(ctx, { x: dy, out: gr(`${layer}_b`), rows: BT, cols: outDim }, `${layer}.db`));
      d.push(matmul(ctx, { a: dy, b: p(`${layer}_w`), out: dxOut, M: BT, N: inDim, K: outDim, transB: true }, `${layer}.dX`));
    };
    d.push(...head.backward);
    d.push(layernormBackward(ctx, { dout: head.dhf, x: g.resOut, stats: g.statsf, ln: p('ln_f'), dx, rows: BT, C }));
    d.push(layernormBackwardParams(ctx, { dout: head.dhf, x: g.resOut, stats: g.statsf, dln: gr('ln_f'), rows: BT, C }));
    for (let l = cfg.blocks - 1; l >= 0; l--) {
      const b = g.blocks[l];
      const w = (n: string) => p(`b${l}.${n}`);
      const gw = (n: string) => gr(`b${l}.${n}`);
      // Through the dropout on the branch; with dropout off the branch gradient is dx itself.
      const branchGrad = (site: number) => {
        if (cfg.dropout === 0) return dx;
        const dr = dropoutBackward(ctx, { dout: dx, dy: dbranch, n: BT * C });
        this.dropouts.push({ d: dr, site });
        d.push(dr);
        return dbranch;
      };
      linearBackward(b.act, branchGrad(dropoutSite.ffn(l)), `b${l}.fc2`, dact, F, C);
      d.push(geluBackward(ctx, { dout: dact, x: b.fc1, dx: dfc1, n: BT * F }));
      linearBackward(b.ln2, dfc1, `b${l}.fc1`, dln, C, F);
      d.push(layernormBackward(ctx, { dout: dln, x: b.resMid, stats: b.stats2, ln: w('ln2'), dx, rows: BT, C }));
      d.push(layernormBackwardParams(ctx, { dout: dln, x: b.resMid, stats: b.stats2, dln: gw('ln2'), rows: BT, C }));
      linearBackward(b.atty, branchGrad(dropoutSite.attention(l)), `b${l}.proj`, datty, C, C);
      const attArgs = { dout: datty, qkv: b.qkv, att: b.att, dS, dqkv, B, T, C, H };
      d.push(...(src.attentionPath === 'gemm' ? attentionBackwardGemm(ctx, attArgs) : attentionBackward(ctx, attArgs)));
      linearBackward(b.ln1, dqkv, `b${l}.qkv`, dln, C, 3 * C);
      d.push(layernormBackward(ctx, { dout: dln, x: g.resIn(l), stats: b.stats1, ln: w('ln1'), dx, rows: BT, C }));
      d.push(layernormBackwardParams(ctx, { dout: dln, x: g.resIn(l), stats: b.stats1, dln: gw('ln1'), rows: BT, C }));
    }
    const eb = embedBackward(ctx, { dout: dx, ids: g.ids, demb, rows: BT, T, C });
    this.dropouts.push({ d: eb, site: dropoutSite.embedding });
    d.push(eb);
    d.push(colsum(ctx, { x: demb, out: gr('pos_emb'), rows: B, cols: T * C }, 'dpos'));
    if (g.feats) {
      d.push(matmul(ctx, { a: g.feats, b: demb, out: gr('feat_w'), M: cfg.features, N: C, K: BT, transA: true }, 'dfeat_w'));
      d.push(colsum(ctx, { x: demb, out: gr('feat_b'), rows: BT, cols: C }));
    }
    this.inputSeg = new SegmentBuffer(ctx, BT, BT, 'inputSeg');
    this.inputScatter = segmentSum(ctx, { seg: this.inputSeg, src: demb, dst: src.dE, C, accumulate: true }, 'input_scatter');
    d.push(this.inputScatter);
    if (src.contentBackward) d.push(src.contentBackward);
  }

  /** Upload where this batch's input ids scatter their embedding gradients. */
  upload(prepared: PreparedBatch): void {
    this.inputSeg.upload(prepared.inputSegments);
    this.inputScatter.setRows(this.inputSeg.nRows);
  }
}
