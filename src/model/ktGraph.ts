/**
 * The knowledge-tracing model's graph on the GPU: activations, and the
 * prepared forward and backward launches, all built from the engine's
 * kernels (embedding gather, strided matmul, causal attention, LayerNorm,
 * GELU, dropout, segment_sum) plus bce_logits_loss. The model is written out
 * in reference/ktModel.ts. Shapes: BT = B * T rows, C = dim, F = ffnDim,
 * H = heads.
 */
import type { BufferSlice, GpuContext } from '../gpu/context';
import type { Dispatch } from '../gpu/dispatch';
import { attentionBackward, attentionBackwardGemm, attentionForward, attentionForwardGemm } from '../kernels/attention';
import { dropoutBackward, geluBackward, geluForward, residualDropoutForward } from '../kernels/elementwise';
import { SegmentBuffer, embedBackward, embedForward, segmentSum, type SegmentSumDispatch } from '../kernels/embedding';
import { layernormBackward, layernormBackwardParams, layernormForward } from '../kernels/layernorm';
import { bceLogitsLoss, type LossDispatch } from '../kernels/loss';
import { colsum, matmul, type Strided } from '../kernels/matmul';
import type { KtConfig } from './config';
import type { DropoutUse } from './dropout';
import type { PreparedKtBatch } from './ktBatch';
import { ktDropoutSite } from './ktParameters';
import { interactionTableParts, queryTableParts, type TableParts } from './ktTokenParts';

export interface KtGraphSource {
  readonly ctx: GpuContext;
  readonly cfg: KtConfig;
  readonly attentionPath: 'fused' | 'gemm';
  paramSlice(name: string): BufferSlice;
  gradSlice(name: string): BufferSlice;
}

/** One dense product over column ranges of wider matrices: rows lda / ldb / ldc apart, starting at these offsets. */
function columns(lda: number, ldb: number, ldc: number, offA: number, offB: number, offC: number): Strided {
  const at = (off: number) => ({ off, outer: 0, inner: 0 });
  return { batch: 1, inner: 1, lda, ldb, ldc, a: at(offA), b: at(offB), c: at(offC) };
}

export class KtGraph {
  /** (BT) query skill ids. */
  readonly queries: GPUBuffer;
  /** (BT) key/value interaction ids; 0 masks the key. */
  readonly interactions: GPUBuffer;
  /** (BT) 0 / 1, or -1 for no loss. */
  readonly labels: GPUBuffer;
  /** (BT) one logit per position. */
  readonly z: GPUBuffer;
  /** (BT) loss per position. */
  readonly losses: GPUBuffer;
  /** Buffers the backward pass accumulates into, cleared before it. */
  readonly cleared: GPUBuffer[];
  readonly forward: Dispatch[] = [];
  readonly backward: Dispatch[] = [];
  readonly dropouts: DropoutUse[] = [];
  private readonly loss: LossDispatch;
  private readonly qSeg: SegmentBuffer;
  private readonly kvSeg: SegmentBuffer;
  private readonly qScatter: SegmentSumDispatch;
  private readonly kvScatter: SegmentSumDispatch;

  constructor(
    private readonly src: KtGraphSource,
    readonly B: number,
  ) {
    const { ctx, cfg } = src;
    const T = cfg.maxlen;
    const C = cfg.dim;
    const F = cfg.ffnDim;
    const H = cfg.heads;
    const BT = B * T;
    const s = (n: number, name: string) => ctx.storage(n, `kt.${name}`);
    const p = (n: string) => src.paramSlice(n);
    const gr = (n: string) => src.gradSlice(n);
    this.queries = s(BT, 'queries');
    this.interactions = s(BT, 'interactions');
    this.labels = s(BT, 'labels');
    /** (BT, C) query and key/value embeddings. */
    const q = s(BT * C, 'q');
    const kv = s(BT * C, 'kv');
    /** (BT, 3C) [q . q_w | kv . kv_w]. */
    const qkv = s(BT * 3 * C, 'qkv');
    /** (B, H, T, T) attention weights. */
    const att = s(B * H * T * T, 'att');
    /** (BT, C) */
    const atty = s(BT * C, 'atty');
    const proj = s(BT * C, 'proj');
    const h1 = s(BT * C, 'h1');
    const n1 = s(BT * C, 'n1');
    const stats1 = s(2 * BT, 'stats1');
    /** (BT, F) */
    const fc1 = s(BT * F, 'fc1');
    const act = s(BT * F, 'act');
    const fc2 = s(BT * C, 'fc2');
    const h2 = s(BT * C, 'h2');
    const n2 = s(BT * C, 'n2');
    const stats2 = s(2 * BT, 'stats2');
    this.z = s(BT, 'z');
    this.losses = s(BT, 'losses');
    /** (BT) dloss / dz, divided by the labelled positions. */
    const dz = s(BT, 'dz');

    const f = this.forward;
    // With token parts, the two embedding tables are composed from their parameter rows first (ktTokenParts.ts).
    const composed = cfg.tokenParts
      ? { q: this.composedTable(queryTableParts(cfg), 'skill_emb'), kv: this.composedTable(interactionTableParts(cfg), 'inter_emb') }
      : null;
    const eq = embedForward(ctx, { ids: this.queries, E: composed?.q.table ?? p('skill_emb'), pos: p('qpos_emb'), out: q, rows: BT, T, C }, 'kt.embed_query');
    const ekv = embedForward(
      ctx,
      { ids: this.interactions, E: composed?.kv.table ?? p('inter_emb'), pos: p('kvpos_emb'), out: kv, rows: BT, T, C },
      'kt.embed_kv',
    );
    f.push(eq, ekv);
    this.dropouts.push({ d: eq, site: ktDropoutSite.query }, { d: ekv, site: ktDropoutSite.interaction });
    f.push(matmul(ctx, { a: q, b: p('q_w'), out: qkv, M: BT, N: C, K: C, strided: columns(C, C, 3 * C, 0, 0, 0) }, 'kt.q'));
    f.push(matmul(ctx, { a: kv, b: p('kv_w'), out: qkv, M: BT, N: 2 * C, K: C, strided: columns(C, 2 * C, 3 * C, 0, 0, C) }, 'kt.kv'));
    const attArgs = { qkv, ids: this.interactions, out: atty, att, B, T, C, H };
    if (src.attentionPath === 'gemm') f.push(...attentionForwardGemm(ctx, attArgs, 'kt.attention'));
    else f.push(attentionForward(ctx, attArgs, 'kt.attention'));
    f.push(matmul(ctx, { a: atty, b: p('proj_w'), bias: p('proj_b'), out: proj, M: BT, N: C, K: C }, 'kt.proj'));
    const r1 = residualDropoutForward(ctx, { x: q, y: proj, out: h1, n: BT * C }, 'kt.residual_attention');
    f.push(r1);
    this.dropouts.push({ d: r1, site: ktDropoutSite.attention });
    f.push(layernormForward(ctx, { x: h1, ln: p('ln1'), out: n1, stats: stats1, rows: BT, C }, 'kt.ln1'));
    f.push(matmul(ctx, { a: n1, b: p('fc1_w'), bias: p('fc1_b'), out: fc1, M: BT, N: F, K: C }, 'kt.fc1'));
    f.push(geluForward(ctx, { x: fc1, out: act, n: BT * F }, 'kt.gelu'));
    f.push(matmul(ctx, { a: act, b: p('fc2_w'), bias: p('fc2_b'), out: fc2, M: BT, N: C, K: F }, 'kt.fc2'));
    const r2 = residualDropoutForward(ctx, { x: n1, y: fc2, out: h2, n: BT * C }, 'kt.residual_ffn');
    f.push(r2);
    this.dropouts.push({ d: r2, site: ktDropoutSite.ffn });
    f.push(layernormForward(ctx, { x: h2, ln: p('ln2'), out: n2, stats: stats2, rows: BT, C }, 'kt.ln2'));
    f.push(matmul(ctx, { a: n2, b: p('out_w'), bias: p('out_b'), out: this.z, M: BT, N: 1, K: C }, 'kt.out'));
    this.loss = bceLogitsLoss(ctx, { z: this.z, labels: this.labels, losses: this.losses, dz, R: BT }, 'kt.loss');
    f.push(this.loss);

    // Backward. dh2 and dh1 gather LayerNorm input gradients (accumulated, so cleared first).
    const dn2 = s(BT * C, 'dn2');
    const dh2 = s(BT * C, 'dh2');
    const dh1 = s(BT * C, 'dh1');
    const dbranch = s(BT * C, 'dbranch');
    const dact = s(BT * F, 'dact');
    const dfc1 = s(BT * F, 'dfc1');
    const datty = s(BT * C, 'datty');
    const dqkv = s(BT * 3 * C, 'dqkv');
    const dS = s(B * H * T * T, 'dS');
    const dkv = s(BT * C, 'dkv');
    const dembQ = s(BT * C, 'dembQ');
    const dembKV = s(BT * C, 'dembKV');
    this.cleared = [dh2, dh1];
    if (composed) this.cleared.push(composed.q.dtable, composed.kv.dtable);
    const d = this.backward;
    /** y = x . W + b with x (BT, inDim): dW = x^T . dy, db = sum dy, dx (+)= dy . W^T. */
    const linearBackward = (x: GPUBuffer, dy: GPUBuffer, layer: string, dx: GPUBuffer, inDim: number, outDim: number, accumulate = false) => {
      d.push(matmul(ctx, { a: x, b: dy, out: gr(`${layer}_w`), M: inDim, N: outDim, K: BT, transA: true }, `kt.${layer}.dW`));
      d.push(colsum(ctx, { x: dy, out: gr(`${layer}_b`), rows: BT, cols: outDim }, `kt.${layer}.db`));
      d.push(matmul(ctx, { a: dy, b: p(`${layer}_w`), out: dx, M: BT, N: inDim, K: outDim, transB: true, accumulate }, `kt.${layer}.dX`));
    };
    const branchGrad = (dout: GPUBuffer, site: number) => {
      if (cfg.dropout === 0) return dout;
      const dr = dropoutBackward(ctx, { dout, dy: dbranch, n: BT * C }, 'kt.dropout_backward');
      this.dropouts.push({ d: dr, site });
      d.push(dr);
      return dbranch;
    };
    linearBackward(n2, dz, 'out', dn2, C, 1);
    d.push(layernormBackward(ctx, { dout: dn2, x: h2, stats: stats2, ln: p('ln2'), dx: dh2, rows: BT, C }, 'kt.ln2.dX'));
    d.push(layernormBackwardParams(ctx, { dout: dn2, x: h2, stats: stats2, dln: gr('ln2'), rows: BT, C }, 'kt.ln2.dln'));
    linearBackward(act, branchGrad(dh2, ktDropoutSite.ffn), 'fc2', dact, F, C);
    d.push(geluBackward(ctx, { dout: dact, x: fc1, dx: dfc1, n: BT * F }, 'kt.gelu_backward'));
    linearBackward(n1, dfc1, 'fc1', dh2, C, F, true); // dh2 becomes dn1: the residual's gradient plus the branch's
    d.push(layernormBackward(ctx, { dout: dh2, x: h1, stats: stats1, ln: p('ln1'), dx: dh1, rows: BT, C }, 'kt.ln1.dX'));
    d.push(layernormBackwardParams(ctx, { dout: dh2, x: h1, stats: stats1, dln: gr('ln1'), rows: BT, C }, 'kt.ln1.dln'));
    linearBackward(atty, branchGrad(dh1, ktDropoutSite.attention), 'proj', datty, C, C);
    const attBack = { dout: datty, qkv, att, dS, dqkv, B, T, C, H };
    d.push(
      ...(src.attentionPath === 'gemm'
        ? attentionBackwardGemm(ctx, attBack, 'kt.attention_backward')
        : attentionBackward(ctx, attBack, 'kt.attention_backward')),
    );
    d.push(matmul(ctx, { a: q, b: dqkv, out: gr('q_w'), M: C, N: C, K: BT, transA: true, strided: columns(C, 3 * C, C, 0, 0, 0) }, 'kt.q.dW'));
    d.push(matmul(ctx, { a: kv, b: dqkv, out: gr('kv_w'), M: C, N: 2 * C, K: BT, transA: true, strided: columns(C, 3 * C, 2 * C, 0, C, 0) }, 'kt.kv.dW'));
    // dh1 becomes dq: the residual's gradient plus the query projection's.
    d.push(
      matmul(ctx, { a: dqkv, b: p('q_w'), out: dh1, M: BT, N: C, K: C, transB: true, accumulate: true, strided: columns(3 * C, C, C, 0, 0, 0) }, 'kt.q.dX'),
    );
    d.push(matmul(ctx, { a: dqkv, b: p('kv_w'), out: dkv, M: BT, N: C, K: 2 * C, transB: true, strided: columns(3 * C, 2 * C, C, C, 0, 0) }, 'kt.kv.dX'));
    const ebq = embedBackward(ctx, { dout: dh1, ids: this.queries, demb: dembQ, rows: BT, T, C }, 'kt.embed_query_backward');
    const ebkv = embedBackward(ctx, { dout: dkv, ids: this.interactions, demb: dembKV, rows: BT, T, C }, 'kt.embed_kv_backward');
    this.dropouts.push({ d: ebq, site: ktDropoutSite.query }, { d: ebkv, site: ktDropoutSite.interaction });
    this.qSeg = new SegmentBuffer(ctx, BT, BT, 'kt.qSeg');
    this.kvSeg = new SegmentBuffer(ctx, BT, BT, 'kt.kvSeg');
    const qDst = composed?.q.dtable ?? gr('skill_emb');
    const kvDst = composed?.kv.dtable ?? gr('inter_emb');
    this.qScatter = segmentSum(ctx, { seg: this.qSeg, src: dembQ, dst: qDst, C, accumulate: false }, 'kt.skill_scatter');
    this.kvScatter = segmentSum(ctx, { seg: this.kvSeg, src: dembKV, dst: kvDst, C, accumulate: false }, 'kt.inter_scatter');
    d.push(ebq, colsum(ctx, { x: dembQ, out: gr('qpos_emb'), rows: B, cols: T * C }, 'kt.dqpos'), this.qScatter);
    d.push(ebkv, colsum(ctx, { x: dembKV, out: gr('kvpos_emb'), rows: B, cols: T * C }, 'kt.dkvpos'), this.kvScatter);
    if (composed) d.push(composed.q.backward, composed.kv.backward);
  }

  /**
   * A table composed from the parameter `name` on every forward pass, its
   * gradient (tableRows, C), and the launch that takes that gradient back to
   * the parameter's rows. The segment lists are fixed: uploaded once.
   */
  private composedTable(parts: TableParts, name: string): { table: GPUBuffer; dtable: GPUBuffer; backward: SegmentSumDispatch } {
    const { ctx, cfg } = this.src;
    const C = cfg.dim;
    const entries = parts.compose.entrySrc.length;
    /** (tableRows, C) */
    const table = ctx.storage(parts.tableRows * C, `kt.${name}.table`);
    const dtable = ctx.storage(parts.tableRows * C, `kt.${name}.dtable`);
    const composeSeg = new SegmentBuffer(ctx, parts.tableRows, entries, `kt.${name}.compose`);
    composeSeg.upload(parts.compose);
    const decomposeSeg = new SegmentBuffer(ctx, parts.paramRows, entries, `kt.${name}.decompose`);
    decomposeSeg.upload(parts.decompose);
    this.forward.push(segmentSum(ctx, { seg: composeSeg, src: this.src.paramSlice(name), dst: table, C, accumulate: false }, `kt.${name}.compose`));
    const backward = segmentSum(ctx, { seg: decomposeSeg, src: dtable, dst: this.src.gradSlice(name), C, accumulate: false }, `kt.${name}.decompose`);
    return { table, dtable, backward };
  }

  /** Upload a batch and size the scatters and the loss to it. */
  upload(prepared: PreparedKtBatch): void {
    const { ctx } = this.src;
    const b = prepared.batch;
    ctx.write(this.queries, b.queries);
    ctx.write(this.interactions, b.interactions);
    ctx.write(this.labels, b.labels);
    this.loss.setValid(prepared.nValid);
    this.qSeg.upload(prepared.querySegments);
    this.kvSeg.upload(prepared.interactionSegments);
    this.qScatter.setRows(this.qSeg.nRows);
    this.kvScatter.setRows(this.kvSeg.nRows);
  }
}
