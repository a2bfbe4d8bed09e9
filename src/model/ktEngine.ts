/**
 * The knowledge-tracing model on the WGSL engine: parameters, AdamW state
 * and the graph (ktGraph.ts) allocated once; a step uploads the batch, sets
 * the dropout keys and the loss normaliser, and replays the prepared
 * launches. Same API shape as GpuEngine; its float64 twin is
 * reference/ktModel.ts.
 */
import type { BufferSlice, GpuContext } from '../gpu/context';
import { adamw, type AdamWDispatch } from '../kernels/adamw';
import { DEFAULT_OPTIMIZER, type KtConfig, type OptimizerConfig } from './config';
import { setDropouts } from './dropout';
import { initParameters } from './init';
import { prepareKtBatch, type KtBatch } from './ktBatch';
import { KtGraph } from './ktGraph';
import { ktParameterLayout } from './ktParameters';
import type { ParameterLayout } from './parameters';
import { tensorSlice } from './engine';

export interface KtEngineOptions {
  /** Rows per batch (B); shorter batches are padded with empty rows by ktBatch. */
  batchSize: number;
  seed?: number;
  optimizer?: Partial<OptimizerConfig>;
  /** Start from these parameters instead of the seeded initialisation. */
  params?: Float32Array;
  /** 'gemm' (batched products, the default) or 'fused' attention kernels. */
  attention?: 'fused' | 'gemm';
}

export class KtEngine {
  readonly layout: ParameterLayout;
  readonly batchSize: number;
  readonly attentionPath: 'fused' | 'gemm';
  seed: number;
  opt: OptimizerConfig;
  stepCount = 0;
  /** (total) parameters, gradients and AdamW moments, flat as ktParameters.ts lays them out. */
  readonly params: GPUBuffer;
  readonly grads: GPUBuffer;
  private readonly m: GPUBuffer;
  private readonly v: GPUBuffer;
  private readonly graph: KtGraph;
  private readonly adam: AdamWDispatch;
  private lastForward: { nValid: number; step: number } | null = null;

  private constructor(
    readonly ctx: GpuContext,
    readonly cfg: KtConfig,
    opts: KtEngineOptions,
  ) {
    if (!Number.isInteger(opts.batchSize) || opts.batchSize < 1) throw new Error(`kt engine: batchSize must be a positive integer, got ${opts.batchSize}`);
    this.layout = ktParameterLayout(cfg);
    this.batchSize = opts.batchSize;
    this.attentionPath = opts.attention ?? 'gemm';
    this.seed = opts.seed ?? 1;
    this.opt = { ...DEFAULT_OPTIMIZER, ...opts.optimizer };
    const total = this.layout.total;
    this.params = ctx.storage(total, 'kt.params');
    this.grads = ctx.storage(total, 'kt.grads');
    this.m = ctx.storage(total, 'kt.adam.m');
    this.v = ctx.storage(total, 'kt.adam.v');
    ctx.write(this.params, opts.params ?? initParameters(cfg, this.layout, this.seed));
    this.graph = new KtGraph(this, this.batchSize);
    this.adam = adamw(ctx, { params: this.params, grads: this.grads, m: this.m, v: this.v, n: total, decayEnd: this.layout.decayEnd });
  }

  static async create(ctx: GpuContext, cfg: KtConfig, opts: KtEngineOptions): Promise<KtEngine> {
    return ctx.checkErrors(() => new KtEngine(ctx, cfg, opts));
  }

  paramSlice(name: string): BufferSlice {
    return tensorSlice(this.params, this.layout, name);
  }
  gradSlice(name: string): BufferSlice {
    return tensorSlice(this.grads, this.layout, name);
  }

  private upload(batch: KtBatch, training: boolean): number {
    const prepared = prepareKtBatch(this.cfg, batch, this.batchSize);
    this.graph.upload(prepared);
    setDropouts(this.graph.dropouts, this.seed, this.stepCount, this.cfg.dropout, training);
    return prepared.nValid;
  }

  private encode(enc: GPUCommandEncoder, forward: boolean, backward: boolean, step: boolean): void {
    if (backward) {
      enc.clearBuffer(this.grads);
      for (const b of this.graph.cleared) enc.clearBuffer(b);
    }
    const pass = enc.beginComputePass();
    if (forward) for (const d of this.graph.forward) d.encode(pass);
    if (backward) for (const d of this.graph.backward) d.encode(pass);
    if (step) {
      this.stepCount++;
      this.adam.setStep(this.stepCount, this.opt);
      this.adam.encode(pass);
    }
    pass.end();
  }

  private submit(forward: boolean, backward: boolean, step: boolean): void {
    const enc = this.ctx.device.createCommandEncoder();
    this.encode(enc, forward, backward, step);
    this.ctx.device.queue.submit([enc.finish()]);
  }

  private async readLoss(nValid: number): Promise<number> {
    const losses = await this.ctx.readF32(this.graph.losses, this.batchSize * this.cfg.maxlen);
    let s = 0;
    for (let i = 0; i < losses.length; i++) s += losses[i];
    return nValid > 0 ? s / nValid : 0;
  }

  /** The mean loss over the batch's labelled positions (dropout on unless training is false). */
  async forward(batch: KtBatch, options: { training?: boolean } = {}): Promise<number> {
    const nValid = this.upload(batch, options.training ?? true);
    this.submit(true, false, false);
    this.lastForward = { nValid, step: this.stepCount };
    return this.readLoss(nValid);
  }

  /** Gradients of the last forward's loss (overwrites the gradient buffer). */
  backward(): void {
    if (!this.lastForward || this.lastForward.step !== this.stepCount) throw new Error('kt engine: backward() needs a forward() since the last step()');
    this.submit(false, true, false);
  }

  step(): void {
    this.submit(false, false, true);
    this.lastForward = null;
  }

  /** forward + backward + AdamW in one submission; the loss, or NaN with readLoss false (nothing waits). */
  async trainStep(batch: KtBatch, readLoss = true): Promise<number> {
    const nValid = this.upload(batch, true);
    this.submit(true, true, true);
    this.lastForward = null;
    return readLoss ? this.readLoss(nValid) : NaN;
  }

  /** Every position's logit (B*T), dropout off. */
  async predict(batch: KtBatch): Promise<Float32Array> {
    this.upload(batch, false);
    this.submit(true, false, false);
    this.lastForward = null;
    return this.ctx.readF32(this.graph.z, this.batchSize * this.cfg.maxlen);
  }

  /** The logits of the last forward (B*T). */
  readLogits(): Promise<Float32Array> {
    return this.ctx.readF32(this.graph.z, this.batchSize * this.cfg.maxlen);
  }
  readParameters(): Promise<Float32Array> {
    return this.ctx.readF32(this.params, this.layout.total);
  }
  readGradients(): Promise<Float32Array> {
    return this.ctx.readF32(this.grads, this.layout.total);
  }
  /** Start again from `params`: AdamW's moments and step count cleared (the app retrains from scratch on new data). */
  reset(params: Float32Array): void {
    this.ctx.write(this.params, params);
    const zeros = new Float32Array(this.layout.total);
    this.ctx.write(this.m, zeros);
    this.ctx.write(this.v, zeros);
    this.stepCount = 0;
    this.lastForward = null;
  }
  /** Replace every parameter (e.g. the best epoch's, kept on the CPU). */
  writeParameters(params: Float32Array): void {
    this.ctx.write(this.params, params);
  }
}
