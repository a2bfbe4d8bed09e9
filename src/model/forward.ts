/**
 * The forward graph: activations and the prepared forward launches for one
 * batch size, from item ids to the final LayerNorm's hidden states. The engine
 * builds one for training (B = batch size) and one for inference (B = 1).
 * Shapes: B rows of T positions, C = dim, F = ffnDim, H = heads, BT = B * T.
 */
import type { BufferSlice, GpuContext } from '../gpu/context';
import type { Dispatch } from '../gpu/dispatch';
import { attentionForward, attentionForwardGemm } from '../kernels/attention';
import { geluForward, residualDropoutForward } from '../kernels/elementwise';
import { embedForward, type SegmentSumDispatch } from '../kernels/embedding';
import { layernormForward } from '../kernels/layernorm';
import { matmul } from '../kernels/matmul';
import type { Batch } from './batch';
import type { ModelConfig } from './config';
import { dropoutSite, setDropouts, type DropoutUse } from './dropout';

/** What a graph reads from the engine: the device, the config, the parameters and the composed item table. */
export interface GraphSource {
  readonly ctx: GpuContext;
  readonly cfg: ModelConfig;
  readonly attentionPath: 'fused' | 'gemm';
  /** Composed item table (items + 1, C). */
  readonly E: GPUBuffer;
  /** Adds the content-token embeddings into E, when the model has content. */
  readonly contentForward: SegmentSumDispatch | null;
  paramSlice(name: string): BufferSlice;
}

/** One transformer block's activations, kept for the backward pass. */
export interface BlockBuffers {
  /** (BT, C) LayerNorm 1 of the block input. */
  ln1: GPUBuffer;
  /** (BT, 2) mean and rstd per row of LayerNorm 1. */
  stats1: GPUBuffer;
  /** (BT, 3C) queries, keys and values. */
  qkv: GPUBuffer;
  /** (B, H, T, T) attention weights. */
  att: GPUBuffer;
  /** (BT, C) attention output, heads side by side. */
  atty: GPUBuffer;
  /** (BT, C) output projection. */
  proj: GPUBuffer;
  /** (BT, C) input + dropout(proj). */
  resMid: GPUBuffer;
  /** (BT, C) LayerNorm 2 of resMid. */
  ln2: GPUBuffer;
  /** (BT, 2) mean and rstd per row of LayerNorm 2. */
  stats2: GPUBuffer;
  /** (BT, F) first feed-forward layer, before GELU. */
  fc1: GPUBuffer;
  /** (BT, F) GELU(fc1). */
  act: GPUBuffer;
  /** (BT, C) second feed-forward layer. */
  fc2: GPUBuffer;
  /** (BT, C) resMid + dropout(fc2): the block output. */
  resOut: GPUBuffer;
}

export class ForwardGraph {
  /** (B, T) item ids, left-padded with 0. */
  readonly ids: GPUBuffer;
  /** (BT, features) per-event features, when the model has any. */
  readonly feats: GPUBuffer | null;
  /** (BT, C) projected event features, when the model has any. */
  readonly featProj: GPUBuffer | null;
  /** (BT, C) dropout(E[id] + pos[t] (+ featProj)): block 0's input. */
  readonly emb: GPUBuffer;
  readonly blocks: BlockBuffers[] = [];
  /** (BT, C) final LayerNorm: the hidden states the loss and scoring read. */
  readonly hf: GPUBuffer;
  /** (BT, 2) mean and rstd per row of the final LayerNorm. */
  readonly statsf: GPUBuffer;
  readonly dispatches: Dispatch[] = [];
  readonly dropouts: DropoutUse[] = [];

  constructor(
    private readonly src: GraphSource,
    readonly B: number,
    label: string,
  ) {
    const { ctx, cfg } = src;
    const T = cfg.maxlen;
    const C = cfg.dim;
    const F = cfg.ffnDim;
    const H = cfg.heads;
    const BT = B * T;
    const p = (name: string) => src.paramSlice(name);
    this.ids = ctx.storage(BT, `${label}.ids`);
    this.feats = cfg.features > 0 ? ctx.storage(BT * cfg.features, `${label}.feats`) : null;
    this.featProj = cfg.features > 0 ? ctx.storage(BT * C, `${label}.featProj`) : null;
    this.emb = ctx.storage(BT * C, `${label}.emb`);
    const d = this.dispatches;
    if (src.contentForward) d.push(src.contentForward);
    if (this.feats && this.featProj) {
      d.push(matmul(ctx, { a: this.feats, b: p('feat_w'), bias: p('feat_b'), out: this.featProj, M: BT, N: C, K: cfg.features }, 'feat_proj'));
    }
    const embed = embedForward(ctx, { ids: this.ids, E: src.E, pos: p('pos_emb'), featProj: this.featProj, out: this.emb, rows: BT, T, C });
    d.push(embed);
    this.dropouts.push({ d: embed, site: dropoutSite.embedding });
    let x = this.emb;
    for (let l = 0; l < cfg.blocks; l++) {
      const s = (n: number, name: string) => ctx.storage(n, `${label}.b${l}.${name}`);
      const b: BlockBuffers = {
        ln1: s(BT * C, 'ln1'),
        stats1: s(2 * BT, 'stats1'),
        qkv: s(BT * 3 * C, 'qkv'),
        att: s(B * H * T * T, 'att'),
        atty: s(BT * C, 'atty'),
        proj: s(BT * C, 'proj'),
        resMid: s(BT * C, 'resMid'),
        ln2: s(BT * C, 'ln2'),
        stats2: s(2 * BT, 'stats2'),
        fc1: s(BT * F, 'fc1'),
        act: s(BT * F, 'act'),
        fc2: s(BT * C, 'fc2'),
        resOut: s(BT * C, 'resOut'),
      };
      const w = (n: string) => p(`b${l}.${n}`);
      d.push(layernormForward(ctx, { x, ln: w('ln1'), out: b.ln1, stats: b.stats1, rows: BT, C }));
      d.push(matmul(ctx, { a: b.ln1, b: w('qkv_w'), bias: w('qkv_b'), out: b.qkv, M: BT, N: 3 * C, K: C }, `b${l}.qkv`));
      const attArgs = { qkv: b.qkv, ids: this.ids, out: b.atty, att: b.att, B, T, C, H };
      if (src.attentionPath === 'gemm') d.push(...attentionForwardGemm(ctx, attArgs));
      else d.push(attentionForward(ctx, attArgs));
      d.push(matmul(ctx, { a: b.atty, b: w('proj_w'), bias: w('proj_b'), out: b.proj, M: BT, N: C, K: C }, `b${l}.proj`));
      const r1 = residualDropoutForward(ctx, { x, y: b.proj, out: b.resMid, n: BT * C });
      d.push(r1);
      this.dropouts.push({ d: r1, site: dropoutSite.attention(l) });
      d.push(layernormForward(ctx, { x: b.resMid, ln: w('ln2'), out: b.ln2, stats: b.stats2, rows: BT, C }));
      d.push(matmul(ctx, { a: b.ln2, b: w('fc1_w'), bias: w('fc1_b'), out: b.fc1, M: BT, N: F, K: C }, `b${l}.fc1`));
      d.push(geluForward(ctx, { x: b.fc1, out: b.act, n: BT * F }));
      d.push(matmul(ctx, { a: b.act, b: w('fc2_w'), bias: w('fc2_b'), out: b.fc2, M: BT, N: C, K: F }, `b${l}.fc2`));
      const r2 = residualDropoutForward(ctx, { x: b.resMid, y: b.fc2, out: b.resOut, n: BT * C });
      d.push(r2);
      this.dropouts.push({ d: r2, site: dropoutSite.ffn(l) });
      this.blocks.push(b);
      x = b.resOut;
    }
    this.hf = ctx.storage(BT * C, `${label}.hf`);
    this.statsf = ctx.storage(2 * BT, `${label}.statsf`);
    d.push(layernormForward(ctx, { x, ln: p('ln_f'), out: this.hf, stats: this.statsf, rows: BT, C }));
  }

  /** Input of block l (the embedding for block 0), (BT, C). */
  resIn(l: number): GPUBuffer {
    return l === 0 ? this.emb : this.blocks[l - 1].resOut;
  }
  /** Output of the last block, (BT, C). */
  get resOut(): GPUBuffer {
    return this.blocks.length ? this.blocks[this.blocks.length - 1].resOut : this.emb;
  }

  setDropout(training: boolean, seed: number, step: number): void {
    setDropouts(this.dropouts, seed, step, this.src.cfg.dropout, training);
  }

  uploadInputs(batch: Batch): void {
    this.src.ctx.write(this.ids, batch.inputs);
    if (this.feats) this.src.ctx.write(this.feats, batch.features!);
  }
}
