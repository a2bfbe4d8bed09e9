/**
 * The WGSL training engine: the self-attentive sequence model run entirely by
 * the shaders in shaders/. Every buffer is allocated once at create() and every
 * kernel launch is prepared once; a step only uploads the batch, updates a few
 * uniforms (dropout keys, loss normaliser, segment counts) and replays the
 * recorded dispatches.
 *
 * This file: the graphs, the step's orchestration and the public API. The
 * state it runs on (parameters, optimizer moments, the item table, save and
 * load): engineState.ts. The graphs: forward.ts (activations, forward launches), loss.ts
 * (loss head), backward.ts (gradients), scoring.ts (one history's scores).
 * Shapes: B = batch size, T = maxlen, C = dim, rows = items + 1.
 */
import type { GpuContext } from '../gpu/context';
import type { Dispatch } from '../gpu/dispatch';
import { adamw, type AdamWDispatch } from '../kernels/adamw';
import { BackwardGraph } from './backward';
import { historyBatch, prepareBatch, type Batch, type ItemContent, type PreparedBatch } from './batch';
import type { ModelConfig, OptimizerConfig } from './config';
import { setDropouts } from './dropout';
import { EngineState } from './engineState';
import { ForwardGraph } from './forward';
import { LossHead } from './loss';
import { LeaveOneOut, type LeaveOneOutColumns, type LeaveOneOutScores } from './occlusion';
import { tensor } from './parameters';
import { Scorer, type Recommendation } from './scoring';

export { tensorSlice } from './engineState';

export interface EngineOptions {
  /** Rows per batch (B). Shorter batches are padded with empty rows by the caller. */
  batchSize: number;
  seed?: number;
  /** Hashed content tokens per item; required when config.contentBuckets > 0. */
  content?: ItemContent;
  optimizer?: Partial<OptimizerConfig>;
  /** Softmax CE: the most candidates a batch may carry (default: every item). */
  maxCandidates?: number;
  /**
   * Softmax CE over every item, this many items at a time (model/fullSoftmax.ts;
   * FULL_SOFTMAX.chunkItems in config.ts), instead of one (B*T, candidates) logits
   * matrix; batches then carry no sampled candidates. Default 0: the candidate head.
   */
  ceChunkItems?: number;
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

/** The options, once batchSize is known to be usable. */
function checked(opts: EngineOptions): EngineOptions {
  if (!Number.isInteger(opts.batchSize) || opts.batchSize < 1) throw new Error(`engine: batchSize must be a positive integer, got ${opts.batchSize}`);
  return opts;
}

export class GpuEngine extends EngineState {
  readonly batchSize: number;
  readonly attentionPath: 'fused' | 'gemm';

  /** The training graph (B = batchSize) and, on first use, the inference graph (B = 1). */
  private readonly train: ForwardGraph;
  private infer: ForwardGraph | null = null;
  private readonly head: LossHead;
  private readonly back: BackwardGraph;
  private readonly adam: AdamWDispatch;
  private readonly scorer: Scorer;
  private readonly loo: LeaveOneOut;
  private lastForward: { prepared: PreparedBatch; training: boolean; step: number } | null = null;

  private constructor(ctx: GpuContext, cfg: ModelConfig, opts: EngineOptions) {
    super(ctx, cfg, checked(opts));
    this.batchSize = opts.batchSize;
    this.attentionPath = opts.attention ?? 'gemm';
    const total = this.layout.total;
    this.train = new ForwardGraph(this, this.batchSize, 'train');
    this.head = new LossHead(this, this.train, opts.maxCandidates, opts.ceChunkItems);
    this.back = new BackwardGraph(this, this.train, this.head);
    this.adam = adamw(ctx, { params: this.params, grads: this.grads, m: this.m, v: this.v, n: total, decayEnd: this.layout.decayEnd });
    this.scorer = new Scorer(this);
    this.loo = new LeaveOneOut(this);
  }

  /** Create an engine on a device (see acquireDevice / GpuContext.create). */
  static async create(ctx: GpuContext, cfg: ModelConfig, opts: EngineOptions): Promise<GpuEngine> {
    return ctx.checkErrors(() => new GpuEngine(ctx, cfg, opts));
  }

  /** The inference graph (B = 1), built on first use. */
  inferGraph(): ForwardGraph {
    if (!this.infer) this.infer = new ForwardGraph(this, 1, 'infer');
    return this.infer;
  }

  private uploadBatch(prepared: PreparedBatch, training: boolean): void {
    this.train.uploadInputs(prepared.batch);
    this.train.setDropout(training, this.seed, this.stepCount);
    setDropouts(this.back.dropouts, this.seed, this.stepCount, this.cfg.dropout, training);
    this.head.upload(prepared, this.batchSize * this.cfg.maxlen);
    this.back.upload(prepared);
  }

  private readLoss(nValid: number): Promise<number> {
    return this.head.read(nValid, this.batchSize * this.cfg.maxlen);
  }

  private encodeForward(enc: GPUCommandEncoder): void {
    this.composeCopy(enc);
    const pass = enc.beginComputePass();
    for (const d of this.train.dispatches) d.encode(pass);
    for (const d of this.head.forward) d.encode(pass);
    pass.end();
  }

  private encodeBackward(enc: GPUCommandEncoder): void {
    enc.clearBuffer(this.grads);
    enc.clearBuffer(this.dE);
    enc.clearBuffer(this.back.dx);
    const pass = enc.beginComputePass();
    for (const d of this.back.dispatches) d.encode(pass);
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
    for (const d of [...this.train.dispatches, ...this.head.forward]) await time(d.label, one(d));
    await time('clear gradients', (enc) => {
      enc.clearBuffer(this.grads);
      enc.clearBuffer(this.dE);
      enc.clearBuffer(this.back.dx);
    });
    for (const d of this.back.dispatches) await time(d.label, one(d));
    await time('adamw', (enc) => this.encodeStep(enc));
    return out;
  }

  /** Wait until the GPU has finished everything submitted. */
  async sync(): Promise<void> {
    await this.ctx.sync();
  }

  /** Final hidden states (B*T, C) of the last training-graph forward. */
  async readHidden(): Promise<Float32Array> {
    return this.ctx.readF32(this.train.hf, this.batchSize * this.cfg.maxlen * this.cfg.dim);
  }

  /** Restore a blob from save(); the model config must match. */
  override load(blob: Uint8Array): void {
    super.load(blob);
    this.lastForward = null;
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

  /** Score of every item (index = item id; id 0 and excluded ids are -inf) after a history. */
  scoreAll(history: ArrayLike<number>, opts: { features?: Float32Array; exclude?: ArrayLike<number> } = {}): Promise<Float32Array> {
    return this.scorer.scoreAll(history, opts);
  }

  /** The k best items after a history (k <= 64), computed on the GPU. */
  recommend(history: ArrayLike<number>, k: number, opts: { features?: Float32Array; exclude?: ArrayLike<number> } = {}): Promise<Recommendation> {
    return this.scorer.recommend(history, k, opts);
  }

  /** Attention weights of every layer for one history: per layer (H, T, T). */
  historyAttention(history: ArrayLike<number>, features?: Float32Array): Promise<Float32Array[]> {
    return this.scorer.historyAttention(history, features);
  }

  /** Every item's score after the history and after it without each window event (occlusion.ts), one batched forward pass. */
  leaveOneOut(history: ArrayLike<number>, features?: Float32Array): Promise<LeaveOneOutScores> {
    return this.loo.run(history, features);
  }

  /** The same pass, reading back only `items`' scores in each row and each row's log-sum-exp (occlusion.ts). */
  leaveOneOutColumns(history: ArrayLike<number>, features: Float32Array | undefined, items: number[]): Promise<LeaveOneOutColumns> {
    return this.loo.columns(history, features, items);
  }

  destroy(): void {
    this.ctx.destroy();
  }
}
