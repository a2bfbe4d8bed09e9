/**
 * The WGSL training engine: the self-attentive sequence model run entirely by
 * the shaders in shaders/. Every buffer is allocated once at create() and every
 * kernel launch is prepared once; a step only uploads the batch, updates a few
 * uniforms (dropout keys, loss normaliser, segment counts) and replays the
 * recorded dispatches.
 */
import { GpuContext, slice, type Bindable, type BufferSlice } from '../gpu/context';
import { submit, type Dispatch } from '../gpu/dispatch';
import { adamw, type AdamWDispatch } from '../kernels/adamw';
import { attentionBackward, attentionBackwardGemm, attentionForward, attentionForwardGemm } from '../kernels/attention';
import { dropoutBackward, geluBackward, geluForward, residualDropoutForward, type DropoutDispatch } from '../kernels/elementwise';
import { SegmentBuffer, embedBackward, embedForward, segmentSum, type EmbedDispatch, type SegmentSumDispatch } from '../kernels/embedding';
import { layernormBackward, layernormBackwardParams, layernormForward } from '../kernels/layernorm';
import { bceLoss, softmaxCrossEntropy, type CeDispatch, type LossDispatch } from '../kernels/loss';
import { colsum, matmul, type MatmulDispatch } from '../kernels/matmul';
import { scoreItems, topk } from '../kernels/score';
import { contentSegments, historyBatch, prepareBatch, type Batch, type ItemContent, type PreparedBatch } from './batch';
import { NO_SCALE, type SegmentList } from '../kernels/segments';
import { decodeCheckpoint, encodeCheckpoint, sameConfig } from './checkpoint';
import { DEFAULT_OPTIMIZER, validateConfig, type ModelConfig, type OptimizerConfig } from './config';
import { parameterLayout, tensor, type ParameterLayout } from './parameters';
import { initParameters } from './init';
import { dropoutKey, dropoutThreshold } from './random';

export interface EngineOptions {
  /** Rows per batch (B). Shorter batches are padded with empty rows by the caller. */
  batchSize: number;
  seed?: number;
  /** Hashed content tokens per item; required when config.contentBuckets > 0. */
  content?: ItemContent;
  optimizer?: Partial<OptimizerConfig>;
  /** Softmax CE: the most candidates a batch may carry (default: every item). */
  maxCandidates?: number;
  /** Start from these parameters instead of the seeded initialisation. */
  params?: Float32Array;
  /**
   * How attention runs: 'fused' (one invocation per query row, shaders/attention.wgsl)
   * or 'gemm' (batched matrix products plus an in-place softmax). Default: 'gemm'.
   */
  attention?: 'fused' | 'gemm';
}

export interface ForwardOptions {
  /** Dropout on (default true). */
  training?: boolean;
  /** Read the loss back (default true); false leaves it NaN and never waits on the GPU. */
  readLoss?: boolean;
  /** Read every layer's attention weights back, each (B, H, T, T). */
  readAttention?: boolean;
}

export interface ForwardResult {
  loss: number;
  attention?: Float32Array[];
}

export interface Recommendation {
  items: number[];
  scores: number[];
}

const DROP_EMB = 0;
const dropAttn = (l: number) => 1 + 2 * l;
const dropFfn = (l: number) => 2 + 2 * l;

interface BlockBuffers {
  ln1: GPUBuffer; stats1: GPUBuffer; qkv: GPUBuffer; att: GPUBuffer; atty: GPUBuffer; proj: GPUBuffer;
  resMid: GPUBuffer; ln2: GPUBuffer; stats2: GPUBuffer; fc1: GPUBuffer; act: GPUBuffer; fc2: GPUBuffer; resOut: GPUBuffer;
}

/** Activations and the forward dispatch list for one batch size. */
class ForwardGraph {
  readonly ids: GPUBuffer;
  readonly feats: GPUBuffer | null;
  readonly blocks: BlockBuffers[] = [];
  readonly hf: GPUBuffer;
  readonly statsf: GPUBuffer;
  readonly emb: GPUBuffer;
  readonly dispatches: Dispatch[] = [];
  readonly dropouts: { d: DropoutDispatch | EmbedDispatch; site: number }[] = [];
  readonly featProj: GPUBuffer | null;

  constructor(readonly eng: GpuEngine, readonly B: number, label: string) {
    const { ctx, cfg } = eng;
    const T = cfg.maxlen;
    const C = cfg.dim;
    const F = cfg.ffnDim;
    const H = cfg.heads;
    const BT = B * T;
    const p = (name: string) => eng.paramSlice(name);
    this.ids = ctx.storage(BT, `${label}.ids`);
    this.feats = cfg.features > 0 ? ctx.storage(BT * cfg.features, `${label}.feats`) : null;
    this.featProj = cfg.features > 0 ? ctx.storage(BT * C, `${label}.featProj`) : null;
    this.emb = ctx.storage(BT * C, `${label}.emb`);
    const d = this.dispatches;
    if (eng.contentForward) d.push(eng.contentForward);
    if (this.feats && this.featProj) {
      d.push(matmul(ctx, { a: this.feats, b: p('feat_w'), bias: p('feat_b'), out: this.featProj, M: BT, N: C, K: cfg.features }, 'feat_proj'));
    }
    const embed = embedForward(ctx, { ids: this.ids, E: eng.E, pos: p('pos_emb'), featProj: this.featProj, out: this.emb, rows: BT, T, C });
    d.push(embed);
    this.dropouts.push({ d: embed, site: DROP_EMB });
    let x = this.emb;
    for (let l = 0; l < cfg.blocks; l++) {
      const s = (n: number, name: string) => ctx.storage(n, `${label}.b${l}.${name}`);
      const b: BlockBuffers = {
        ln1: s(BT * C, 'ln1'), stats1: s(2 * BT, 'stats1'), qkv: s(BT * 3 * C, 'qkv'), att: s(B * H * T * T, 'att'),
        atty: s(BT * C, 'atty'), proj: s(BT * C, 'proj'), resMid: s(BT * C, 'resMid'), ln2: s(BT * C, 'ln2'),
        stats2: s(2 * BT, 'stats2'), fc1: s(BT * F, 'fc1'), act: s(BT * F, 'act'), fc2: s(BT * C, 'fc2'), resOut: s(BT * C, 'resOut'),
      };
      const w = (n: string) => p(`b${l}.${n}`);
      d.push(layernormForward(ctx, { x, ln: w('ln1'), out: b.ln1, stats: b.stats1, rows: BT, C }));
      d.push(matmul(ctx, { a: b.ln1, b: w('qkv_w'), bias: w('qkv_b'), out: b.qkv, M: BT, N: 3 * C, K: C }, `b${l}.qkv`));
      const attArgs = { qkv: b.qkv, ids: this.ids, out: b.atty, att: b.att, B, T, C, H };
      if (eng.attentionPath === 'gemm') d.push(...attentionForwardGemm(ctx, attArgs));
      else d.push(attentionForward(ctx, attArgs));
      d.push(matmul(ctx, { a: b.atty, b: w('proj_w'), bias: w('proj_b'), out: b.proj, M: BT, N: C, K: C }, `b${l}.proj`));
      const r1 = residualDropoutForward(ctx, { x, y: b.proj, out: b.resMid, n: BT * C });
      d.push(r1);
      this.dropouts.push({ d: r1, site: dropAttn(l) });
      d.push(layernormForward(ctx, { x: b.resMid, ln: w('ln2'), out: b.ln2, stats: b.stats2, rows: BT, C }));
      d.push(matmul(ctx, { a: b.ln2, b: w('fc1_w'), bias: w('fc1_b'), out: b.fc1, M: BT, N: F, K: C }, `b${l}.fc1`));
      d.push(geluForward(ctx, { x: b.fc1, out: b.act, n: BT * F }));
      d.push(matmul(ctx, { a: b.act, b: w('fc2_w'), bias: w('fc2_b'), out: b.fc2, M: BT, N: C, K: F }, `b${l}.fc2`));
      const r2 = residualDropoutForward(ctx, { x: b.resMid, y: b.fc2, out: b.resOut, n: BT * C });
      d.push(r2);
      this.dropouts.push({ d: r2, site: dropFfn(l) });
      this.blocks.push(b);
      x = b.resOut;
    }
    this.hf = ctx.storage(BT * C, `${label}.hf`);
    this.statsf = ctx.storage(2 * BT, `${label}.statsf`);
    d.push(layernormForward(ctx, { x, ln: p('ln_f'), out: this.hf, stats: this.statsf, rows: BT, C }));
  }

  /** Input of block l (the embedding for block 0). */
  resIn(l: number): GPUBuffer {
    return l === 0 ? this.emb : this.blocks[l - 1].resOut;
  }
  get resOut(): GPUBuffer {
    return this.blocks.length ? this.blocks[this.blocks.length - 1].resOut : this.emb;
  }

  setDropout(training: boolean, step: number): void {
    const cfg = this.eng.cfg;
    const thr = training ? dropoutThreshold(cfg.dropout) : 0;
    const scale = 1 / (1 - cfg.dropout);
    for (const { d, site } of this.dropouts) d.setDropout(dropoutKey(this.eng.seed, step, site), thr, scale);
  }

  uploadInputs(batch: Batch): void {
    this.eng.ctx.write(this.ids, batch.inputs);
    if (this.feats) this.eng.ctx.write(this.feats, batch.features!);
  }
}

export class GpuEngine {
  readonly layout: ParameterLayout;
  readonly batchSize: number;
  readonly attentionPath: 'fused' | 'gemm';
  /** Dropout seed (restored by load(), so a resumed run repeats exactly). */
  seed: number;
  opt: OptimizerConfig;
  /** AdamW steps taken. */
  stepCount = 0;

  readonly params: GPUBuffer;
  readonly grads: GPUBuffer;
  readonly m: GPUBuffer;
  readonly v: GPUBuffer;
  /** Composed item table (items + 1, C): item_emb + mean of content-token embeddings. */
  readonly E: GPUBuffer;
  /** Gradient with respect to E. */
  readonly dE: GPUBuffer;
  /** The item content the engine was built with, if any. */
  readonly content: ItemContent | undefined;
  readonly contentForward: SegmentSumDispatch | null = null;
  private readonly contentBackward: SegmentSumDispatch | null = null;

  private readonly train: ForwardGraph;
  private infer: ForwardGraph | null = null;
  private readonly targets: GPUBuffer;
  private readonly negatives: GPUBuffer | null = null;
  private readonly losses: GPUBuffer;
  private readonly dlogits: GPUBuffer;
  private readonly dhf: GPUBuffer;
  private readonly lossDispatches: Dispatch[] = [];
  private readonly lossDispatch: LossDispatch;
  private readonly backwardDispatches: Dispatch[] = [];
  private readonly backwardDropouts: { d: DropoutDispatch | EmbedDispatch; site: number }[] = [];
  private readonly inputSeg: SegmentBuffer;
  private readonly inputScatter: SegmentSumDispatch;
  private readonly targetSeg: SegmentBuffer | null = null;
  private readonly targetScatter: SegmentSumDispatch | null = null;
  private readonly ce: {
    maxM: number; targetIndex: GPUBuffer; ecand: GPUBuffer; decand: GPUBuffer;
    gatherSeg: SegmentBuffer; scatterSeg: SegmentBuffer; gather: SegmentSumDispatch; scatter: SegmentSumDispatch;
    logits: MatmulDispatch; loss: CeDispatch; dh: MatmulDispatch; de: MatmulDispatch;
  } | null = null;
  private readonly adam: AdamWDispatch;
  /** Gradient of the residual stream, accumulated through the blocks. */
  private readonly dx: GPUBuffer;
  private lastForward: { prepared: PreparedBatch; training: boolean; step: number } | null = null;
  private scoring: { h: GPUBuffer; scores: GPUBuffer; exclude: GPUBuffer; partialScore: GPUBuffer; partialIndex: GPUBuffer; topIndex: GPUBuffer; topScore: GPUBuffer; score: Dispatch; scoreExcl: Dispatch; topk: Map<number, Dispatch> } | null = null;

  private constructor(readonly ctx: GpuContext, readonly cfg: ModelConfig, opts: EngineOptions) {
    validateConfig(cfg);
    if (!Number.isInteger(opts.batchSize) || opts.batchSize < 1) throw new Error(`engine: batchSize must be a positive integer, got ${opts.batchSize}`);
    this.layout = parameterLayout(cfg);
    this.batchSize = opts.batchSize;
    this.attentionPath = opts.attention ?? 'gemm';
    this.seed = opts.seed ?? 1;
    this.opt = { ...DEFAULT_OPTIMIZER, ...opts.optimizer };
    const B = this.batchSize;
    const T = cfg.maxlen;
    const C = cfg.dim;
    const F = cfg.ffnDim;
    const H = cfg.heads;
    const BT = B * T;
    const rows = cfg.items + 1;
    const total = this.layout.total;

    this.params = ctx.storage(total, 'params');
    this.grads = ctx.storage(total, 'grads');
    this.m = ctx.storage(total, 'adam.m');
    this.v = ctx.storage(total, 'adam.v');
    ctx.write(this.params, opts.params ?? initParameters(cfg, this.layout, this.seed));
    this.E = ctx.storage(rows * C, 'E');
    this.dE = ctx.storage(rows * C, 'dE');

    this.content = opts.content;
    if (cfg.contentBuckets > 0) {
      if (!opts.content) throw new Error('engine: config has contentBuckets > 0 but no item content was given');
      const cs = contentSegments(opts.content, cfg.items, cfg.contentBuckets);
      const invCount = ctx.upload(cs.invCount, 'content.invCount');
      const fwd = new SegmentBuffer(ctx, cs.forward.rows.length, cs.forward.entrySrc.length, 'content.fwdSeg');
      fwd.upload(cs.forward);
      const bwd = new SegmentBuffer(ctx, cs.backward.rows.length, cs.backward.entrySrc.length, 'content.bwdSeg');
      bwd.upload(cs.backward);
      this.contentForward = segmentSum(ctx, { seg: fwd, scales: invCount, src: this.paramSlice('content_emb'), dst: this.E, C, accumulate: true }, 'content_compose');
      this.contentBackward = segmentSum(ctx, { seg: bwd, scales: invCount, src: this.dE, dst: this.gradSlice('content_emb'), C, accumulate: false }, 'content_backward');
    }

    this.train = new ForwardGraph(this, B, 'train');
    const g = this.train;

    // ---- loss ----
    this.targets = ctx.storage(BT, 'targets');
    this.losses = ctx.storage(BT, 'losses');
    this.dhf = ctx.storage(BT * C, 'dhf');
    if (cfg.loss === 'bce') {
      this.negatives = ctx.storage(BT, 'negatives');
      this.dlogits = ctx.storage(2 * BT, 'dlogits');
      this.lossDispatch = bceLoss(ctx, { h: g.hf, E: this.E, targets: this.targets, negatives: this.negatives, losses: this.losses, dlogits: this.dlogits, dh: this.dhf, R: BT, C });
      this.lossDispatches.push(this.lossDispatch);
      this.targetSeg = new SegmentBuffer(ctx, 2 * BT, 2 * BT, 'targetSeg');
      this.targetScatter = segmentSum(ctx, { seg: this.targetSeg, scales: this.dlogits, src: g.hf, dst: this.dE, C, accumulate: true }, 'target_scatter');
    } else {
      const maxM = Math.min(cfg.items, opts.maxCandidates ?? cfg.items);
      this.dlogits = ctx.storage(BT * maxM, 'logits');
      const targetIndex = ctx.storage(BT, 'targetIndex');
      const ecand = ctx.storage(maxM * C, 'ecand');
      const decand = ctx.storage(maxM * C, 'decand');
      const gatherSeg = new SegmentBuffer(ctx, maxM, maxM, 'candGatherSeg');
      const scatterSeg = new SegmentBuffer(ctx, maxM, maxM, 'candScatterSeg');
      const gather = segmentSum(ctx, { seg: gatherSeg, src: this.E, dst: ecand, C, accumulate: false }, 'cand_gather');
      const logits = matmul(ctx, { a: g.hf, b: ecand, out: this.dlogits, M: BT, N: maxM, K: C, transB: true }, 'cand_logits');
      const loss = softmaxCrossEntropy(ctx, { logits: this.dlogits, targetIndex, losses: this.losses, R: BT, M: maxM });
      const dh = matmul(ctx, { a: this.dlogits, b: ecand, out: this.dhf, M: BT, N: C, K: maxM }, 'cand_dh');
      const de = matmul(ctx, { a: this.dlogits, b: g.hf, out: decand, M: maxM, N: C, K: BT, transA: true }, 'cand_de');
      const scatter = segmentSum(ctx, { seg: scatterSeg, src: decand, dst: this.dE, C, accumulate: true }, 'cand_scatter');
      this.ce = { maxM, targetIndex, ecand, decand, gatherSeg, scatterSeg, gather, scatter, logits, loss, dh, de };
      this.lossDispatch = loss;
      this.lossDispatches.push(gather, logits, loss);
    }

    // ---- backward ----
    const d = this.backwardDispatches;
    const dx = ctx.storage(BT * C, 'dx');
    const dbranch = ctx.storage(BT * C, 'dbranch');
    const dact = ctx.storage(BT * F, 'dact');
    const dfc1 = ctx.storage(BT * F, 'dfc1');
    const dln = ctx.storage(BT * C, 'dln');
    const datty = ctx.storage(BT * C, 'datty');
    const dqkv = ctx.storage(BT * 3 * C, 'dqkv');
    const dS = ctx.storage(B * H * T * T, 'dS');
    const demb = ctx.storage(BT * C, 'demb');
    this.dx = dx;
    const p = (n: string) => this.paramSlice(n);
    const gr = (n: string) => this.gradSlice(n);
    /** Backward of y = x.W + b with x (BT, inDim): dW = x^T.dy, db = sum dy, dx = dy.W^T. */
    const linearBackward = (x: Bindable, dy: Bindable, layer: string, dxOut: Bindable, inDim: number, outDim: number) => {
      d.push(matmul(ctx, { a: x, b: dy, out: gr(`${layer}_w`), M: inDim, N: outDim, K: BT, transA: true }, `${layer}.dW`));
      d.push(colsum(ctx, { x: dy, out: gr(`${layer}_b`), rows: BT, cols: outDim }, `${layer}.db`));
      d.push(matmul(ctx, { a: dy, b: p(`${layer}_w`), out: dxOut, M: BT, N: inDim, K: outDim, transB: true }, `${layer}.dX`));
    };
    if (this.ce) d.push(this.ce.dh, this.ce.de, this.ce.scatter);
    else d.push(this.targetScatter!);
    d.push(layernormBackward(ctx, { dout: this.dhf, x: g.resOut, stats: g.statsf, ln: p('ln_f'), dx, rows: BT, C }));
    d.push(layernormBackwardParams(ctx, { dout: this.dhf, x: g.resOut, stats: g.statsf, dln: gr('ln_f'), rows: BT, C }));
    for (let l = cfg.blocks - 1; l >= 0; l--) {
      const b = g.blocks[l];
      const w = (n: string) => p(`b${l}.${n}`);
      const gw = (n: string) => gr(`b${l}.${n}`);
      // Through the dropout on the branch; with dropout off the branch gradient is dx itself.
      const branchGrad = (site: number) => {
        if (cfg.dropout === 0) return dx;
        const dr = dropoutBackward(ctx, { dout: dx, dy: dbranch, n: BT * C });
        this.backwardDropouts.push({ d: dr, site });
        d.push(dr);
        return dbranch;
      };
      linearBackward(b.act, branchGrad(dropFfn(l)), `b${l}.fc2`, dact, F, C);
      d.push(geluBackward(ctx, { dout: dact, x: b.fc1, dx: dfc1, n: BT * F }));
      linearBackward(b.ln2, dfc1, `b${l}.fc1`, dln, C, F);
      d.push(layernormBackward(ctx, { dout: dln, x: b.resMid, stats: b.stats2, ln: w('ln2'), dx, rows: BT, C }));
      d.push(layernormBackwardParams(ctx, { dout: dln, x: b.resMid, stats: b.stats2, dln: gw('ln2'), rows: BT, C }));
      linearBackward(b.atty, branchGrad(dropAttn(l)), `b${l}.proj`, datty, C, C);
      const attArgs = { dout: datty, qkv: b.qkv, att: b.att, dS, dqkv, B, T, C, H };
      d.push(...(this.attentionPath === 'gemm' ? attentionBackwardGemm(ctx, attArgs) : attentionBackward(ctx, attArgs)));
      linearBackward(b.ln1, dqkv, `b${l}.qkv`, dln, C, 3 * C);
      d.push(layernormBackward(ctx, { dout: dln, x: g.resIn(l), stats: b.stats1, ln: w('ln1'), dx, rows: BT, C }));
      d.push(layernormBackwardParams(ctx, { dout: dln, x: g.resIn(l), stats: b.stats1, dln: gw('ln1'), rows: BT, C }));
    }
    const eb = embedBackward(ctx, { dout: dx, ids: g.ids, demb, rows: BT, T, C });
    this.backwardDropouts.push({ d: eb, site: DROP_EMB });
    d.push(eb);
    d.push(colsum(ctx, { x: demb, out: gr('pos_emb'), rows: B, cols: T * C }, 'dpos'));
    if (g.feats) {
      d.push(matmul(ctx, { a: g.feats, b: demb, out: gr('feat_w'), M: cfg.features, N: C, K: BT, transA: true }, 'dfeat_w'));
      d.push(colsum(ctx, { x: demb, out: gr('feat_b'), rows: BT, cols: C }));
    }
    this.inputSeg = new SegmentBuffer(ctx, BT, BT, 'inputSeg');
    this.inputScatter = segmentSum(ctx, { seg: this.inputSeg, src: demb, dst: this.dE, C, accumulate: true }, 'input_scatter');
    d.push(this.inputScatter);
    if (this.contentBackward) d.push(this.contentBackward);

    this.adam = adamw(ctx, { params: this.params, grads: this.grads, m: this.m, v: this.v, n: total, decayEnd: this.layout.decayEnd });
  }

  /** Create an engine on a device (see acquireDevice / GpuContext.create). */
  static async create(ctx: GpuContext, cfg: ModelConfig, opts: EngineOptions): Promise<GpuEngine> {
    return ctx.checkErrors(() => new GpuEngine(ctx, cfg, opts));
  }

  paramSlice(name: string): BufferSlice {
    const t = tensor(this.layout, name);
    return slice(this.params, t.offset, t.size);
  }
  gradSlice(name: string): BufferSlice {
    const t = tensor(this.layout, name);
    return slice(this.grads, t.offset, t.size);
  }

  private composeCopy(enc: GPUCommandEncoder): void {
    const t = tensor(this.layout, 'item_emb');
    enc.copyBufferToBuffer(this.params, t.offset * 4, this.E, 0, t.size * 4);
  }

  private uploadBatch(prepared: PreparedBatch, training: boolean): void {
    const { ctx } = this;
    const batch = prepared.batch;
    this.train.uploadInputs(batch);
    ctx.write(this.targets, batch.targets);
    this.train.setDropout(training, this.stepCount);
    for (const { d, site } of this.backwardDropouts) {
      d.setDropout(dropoutKey(this.seed, this.stepCount, site), training ? dropoutThreshold(this.cfg.dropout) : 0, 1 / (1 - this.cfg.dropout));
    }
    this.lossDispatch.setValid(prepared.nValid);
    this.inputSeg.upload(prepared.inputSegments);
    this.inputScatter.setRows(this.inputSeg.nRows);
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
      const BT = this.batchSize * this.cfg.maxlen;
      const C = this.cfg.dim;
      this.ce.logits.setShape(BT, M, C);
      this.ce.loss.setCandidates(M);
      this.ce.dh.setShape(BT, C, M);
      this.ce.de.setShape(M, C, BT);
    }
  }

  private encodeForward(enc: GPUCommandEncoder): void {
    this.composeCopy(enc);
    const pass = enc.beginComputePass();
    for (const d of this.train.dispatches) d.encode(pass);
    for (const d of this.lossDispatches) d.encode(pass);
    pass.end();
  }

  private encodeBackward(enc: GPUCommandEncoder): void {
    enc.clearBuffer(this.grads);
    enc.clearBuffer(this.dE);
    enc.clearBuffer(this.dx);
    const pass = enc.beginComputePass();
    for (const d of this.backwardDispatches) d.encode(pass);
    pass.end();
    const t = tensor(this.layout, 'item_emb');
    enc.copyBufferToBuffer(this.dE, 0, this.grads, t.offset * 4, t.size * 4);
  }

  private encodeStep(enc: GPUCommandEncoder): void {
    this.stepCount++;
    this.adam.setStep(this.stepCount, this.opt);
    const pass = enc.beginComputePass();
    this.adam.encode(pass);
    pass.end();
  }

  private async readLoss(nValid: number): Promise<number> {
    const losses = await this.ctx.readF32(this.losses, this.batchSize * this.cfg.maxlen);
    let s = 0;
    for (let i = 0; i < losses.length; i++) s += losses[i];
    return nValid > 0 ? s / nValid : 0;
  }

  /** Run the model on a batch: the loss and, on request, every layer's attention weights. */
  async forward(batch: Batch, options: ForwardOptions = {}): Promise<ForwardResult> {
    const training = options.training ?? true;
    const prepared = prepareBatch(this.cfg, batch, this.batchSize);
    this.uploadBatch(prepared, training);
    const enc = this.ctx.device.createCommandEncoder();
    this.encodeForward(enc);
    this.ctx.device.queue.submit([enc.finish()]);
    this.lastForward = { prepared, training, step: this.stepCount };
    const result: ForwardResult = { loss: NaN };
    if (options.readLoss ?? true) result.loss = await this.readLoss(prepared.nValid);
    if (options.readAttention) {
      const n = this.batchSize * this.cfg.heads * this.cfg.maxlen * this.cfg.maxlen;
      result.attention = await Promise.all(this.train.blocks.map((b) => this.ctx.readF32(b.att, n)));
    }
    return result;
  }

  /** Gradients of the last forward's loss (overwrites the gradient buffer). */
  backward(): void {
    if (!this.lastForward) throw new Error('backward() needs a forward() first');
    if (this.lastForward.step !== this.stepCount) throw new Error('backward(): a step() ran since the last forward()');
    const enc = this.ctx.device.createCommandEncoder();
    this.encodeBackward(enc);
    this.ctx.device.queue.submit([enc.finish()]);
  }

  /** One AdamW step with the current gradients. */
  step(): void {
    const enc = this.ctx.device.createCommandEncoder();
    this.encodeStep(enc);
    this.ctx.device.queue.submit([enc.finish()]);
    this.lastForward = null;
  }

  /**
   * forward + backward + step in a single submission. Returns the loss, or NaN
   * with readLoss false (then nothing waits on the GPU).
   */
  async trainStep(batch: Batch, readLoss = true): Promise<number> {
    const prepared = prepareBatch(this.cfg, batch, this.batchSize);
    this.uploadBatch(prepared, true);
    const enc = this.ctx.device.createCommandEncoder();
    this.encodeForward(enc);
    this.encodeBackward(enc);
    this.encodeStep(enc);
    this.ctx.device.queue.submit([enc.finish()]);
    this.lastForward = null;
    return readLoss ? this.readLoss(prepared.nValid) : NaN;
  }

  /**
   * Time every dispatch of one training step separately (each submitted alone
   * and waited for). Slow; for finding hot spots, not for measuring steps.
   */
  async profileStep(batch: Batch): Promise<{ label: string; ms: number }[]> {
    const prepared = prepareBatch(this.cfg, batch, this.batchSize);
    this.uploadBatch(prepared, true);
    const out: { label: string; ms: number }[] = [];
    const time = async (label: string, encode: (enc: GPUCommandEncoder) => void) => {
      await this.ctx.sync();
      const t0 = performance.now();
      const enc = this.ctx.device.createCommandEncoder();
      encode(enc);
      this.ctx.device.queue.submit([enc.finish()]);
      await this.ctx.sync();
      out.push({ label, ms: performance.now() - t0 });
    };
    const one = (d: Dispatch) => (enc: GPUCommandEncoder) => {
      const pass = enc.beginComputePass();
      d.encode(pass);
      pass.end();
    };
    await time('compose item table (copy)', (enc) => this.composeCopy(enc));
    for (const d of [...this.train.dispatches, ...this.lossDispatches]) await time(d.label, one(d));
    await time('clear gradients', (enc) => {
      enc.clearBuffer(this.grads);
      enc.clearBuffer(this.dE);
      enc.clearBuffer(this.dx);
    });
    for (const d of this.backwardDispatches) await time(d.label, one(d));
    await time('adamw', (enc) => this.encodeStep(enc));
    return out;
  }

  /** Wait until the GPU has finished everything submitted. */
  async sync(): Promise<void> {
    await this.ctx.sync();
  }

  async readParameters(): Promise<Float32Array> {
    return this.ctx.readF32(this.params, this.layout.total);
  }
  async readGradients(): Promise<Float32Array> {
    return this.ctx.readF32(this.grads, this.layout.total);
  }
  async readTensor(name: string): Promise<Float32Array> {
    return this.ctx.readF32(this.paramSlice(name), tensor(this.layout, name).size);
  }
  /** Final hidden states (B*T, C) of the last training-graph forward. */
  async readHidden(): Promise<Float32Array> {
    return this.ctx.readF32(this.train.hf, this.batchSize * this.cfg.maxlen * this.cfg.dim);
  }

  /** All parameters and optimizer state as a versioned binary blob. */
  async save(): Promise<Uint8Array> {
    const [params, m, v] = await Promise.all([this.readParameters(), this.ctx.readF32(this.m, this.layout.total), this.ctx.readF32(this.v, this.layout.total)]);
    return encodeCheckpoint({ config: this.cfg, optimizer: this.opt, seed: this.seed, step: this.stepCount, params, m, v });
  }

  /** Restore a blob from save(); the model config must match. */
  load(blob: Uint8Array): void {
    const c = decodeCheckpoint(blob);
    if (!sameConfig(c.config, this.cfg)) throw new Error(`checkpoint: its model config ${JSON.stringify(c.config)} differs from this engine's ${JSON.stringify(this.cfg)}`);
    this.ctx.write(this.params, c.params);
    this.ctx.write(this.m, c.m);
    this.ctx.write(this.v, c.v);
    this.opt = { ...c.optimizer };
    this.stepCount = c.step;
    this.seed = c.seed;
    this.lastForward = null;
  }

  private inferGraph(): ForwardGraph {
    if (!this.infer) this.infer = new ForwardGraph(this, 1, 'infer');
    return this.infer;
  }

  private scoringState() {
    if (!this.scoring) {
      const { ctx, cfg } = this;
      const g = this.inferGraph();
      const C = cfg.dim;
      const rows = cfg.items + 1;
      const h = g.hf;
      const hAt = (cfg.maxlen - 1) * C; // a uniform offset: binding offsets must be 256-byte aligned
      const scores = ctx.storage(rows, 'scores');
      const exclude = ctx.storage(rows, 'exclude');
      this.scoring = {
        h, scores, exclude,
        partialScore: ctx.storage(256 * 64, 'topk.partialScore'),
        partialIndex: ctx.storage(256 * 64, 'topk.partialIndex'),
        topIndex: ctx.storage(64, 'topk.index'),
        topScore: ctx.storage(64, 'topk.score'),
        score: scoreItems(ctx, { h, hAt, E: this.E, scores, rows, C }),
        scoreExcl: scoreItems(ctx, { h, hAt, E: this.E, scores, exclude, rows, C }, 'score_items_excluding'),
        topk: new Map(),
      };
    }
    return this.scoring;
  }

  private runHistory(history: ArrayLike<number>, features: Float32Array | undefined, exclude: ArrayLike<number> | undefined, extra: Dispatch[]): void {
    const { cfg, ctx } = this;
    const T = cfg.maxlen;
    const g = this.inferGraph();
    const hist = Array.from(history).slice(-T);
    for (const id of hist) if (!Number.isInteger(id) || id < 1 || id > cfg.items) throw new Error(`history: ${id} is not an item id in 1..${cfg.items}`);
    g.uploadInputs(historyBatch(cfg, [hist], 1, [features]));
    g.setDropout(false, this.stepCount);
    const s = this.scoringState();
    if (exclude) {
      const mask = new Uint32Array(cfg.items + 1);
      for (let i = 0; i < exclude.length; i++) {
        const id = exclude[i];
        if (id >= 0 && id <= cfg.items) mask[id] = 1;
      }
      ctx.write(s.exclude, mask);
    }
    submit(ctx, [...g.dispatches, exclude ? s.scoreExcl : s.score, ...extra], undefined, (enc) => this.composeCopy(enc));
  }

  /** Score of every item (index = item id; id 0 and excluded ids are -inf) after a history. */
  async scoreAll(history: ArrayLike<number>, opts: { features?: Float32Array; exclude?: ArrayLike<number> } = {}): Promise<Float32Array> {
    this.runHistory(history, opts.features, opts.exclude, []);
    const s = await this.ctx.readF32(this.scoring!.scores, this.cfg.items + 1);
    for (let i = 0; i < s.length; i++) if (s[i] <= -3.4e38) s[i] = -Infinity;
    return s;
  }

  /** The k best items after a history (k <= 64), computed on the GPU. */
  async recommend(history: ArrayLike<number>, k: number, opts: { features?: Float32Array; exclude?: ArrayLike<number> } = {}): Promise<Recommendation> {
    const s = this.scoringState();
    let tk = s.topk.get(k);
    if (!tk) {
      tk = topk(this.ctx, { scores: s.scores, partialScore: s.partialScore, partialIndex: s.partialIndex, topIndex: s.topIndex, topScore: s.topScore, rows: this.cfg.items + 1, k });
      s.topk.set(k, tk);
    }
    this.runHistory(history, opts.features, opts.exclude, [tk]);
    const [idx, sc] = await Promise.all([this.ctx.read(s.topIndex, k * 4), this.ctx.readF32(s.topScore, k)]);
    const items: number[] = [];
    const scores: number[] = [];
    const ix = new Uint32Array(idx);
    for (let i = 0; i < k; i++) {
      if (ix[i] === 0xffffffff) break;
      items.push(ix[i]);
      scores.push(sc[i]);
    }
    return { items, scores };
  }

  /**
   * Final hidden state after each history (newest maxlen items), (n, C), in
   * batches through the training graph with dropout off. For evaluation.
   */
  async encodeHistories(histories: ArrayLike<number>[], features?: (Float32Array | undefined)[]): Promise<Float32Array> {
    const { cfg } = this;
    const T = cfg.maxlen;
    const C = cfg.dim;
    const B = this.batchSize;
    const out = new Float32Array(histories.length * C);
    for (let s = 0; s < histories.length; s += B) {
      const n = Math.min(B, histories.length - s);
      await this.forward(historyBatch(cfg, histories.slice(s, s + n), B, features?.slice(s, s + n)), { training: false, readLoss: false });
      const hf = await this.readHidden();
      for (let b = 0; b < n; b++) out.set(hf.subarray((b * T + T - 1) * C, (b * T + T) * C), (s + b) * C);
    }
    return out;
  }

  /** The composed item table (items + 1, C) the model scores with. */
  async readItemTable(): Promise<Float32Array> {
    const enc = this.ctx.device.createCommandEncoder();
    this.composeCopy(enc);
    const pass = enc.beginComputePass();
    this.contentForward?.encode(pass);
    pass.end();
    this.ctx.device.queue.submit([enc.finish()]);
    return this.ctx.readF32(this.E, (this.cfg.items + 1) * this.cfg.dim);
  }

  /** Attention weights of every layer for one history: per layer (H, T, T). */
  async historyAttention(history: ArrayLike<number>, features?: Float32Array): Promise<Float32Array[]> {
    this.runHistory(history, features, undefined, []);
    const n = this.cfg.heads * this.cfg.maxlen * this.cfg.maxlen;
    return Promise.all(this.inferGraph().blocks.map((b) => this.ctx.readF32(b.att, n)));
  }

  destroy(): void {
    this.ctx.destroy();
  }
}

