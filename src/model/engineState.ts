/**
 * The engine's state on the GPU: the flat parameter buffer and its gradients,
 * AdamW's moments, the composed item table and the content-token launches,
 * plus reading, saving and restoring them. GpuEngine (engine.ts) builds the
 * graphs and the step on top of it.
 * Shapes: C = dim, rows = items + 1, total = every parameter.
 */
import { slice, type BufferSlice, type GpuContext } from '../gpu/context';
import { SegmentBuffer, segmentSum, type SegmentSumDispatch } from '../kernels/embedding';
import { contentSegments, type ItemContent } from './batch';
import { decodeCheckpoint, encodeCheckpoint, sameConfig } from './checkpoint';
import { DEFAULT_OPTIMIZER, validateConfig, type ModelConfig, type OptimizerConfig } from './config';
import { initParameters } from './init';
import { parameterLayout, tensor, type ParameterLayout } from './parameters';

/** One named tensor's slice of a flat buffer laid out by `layout` (parameters, gradients): both engines read theirs so. */
export function tensorSlice(buffer: GPUBuffer, layout: ParameterLayout, name: string): BufferSlice {
  const t = tensor(layout, name);
  return slice(buffer, t.offset, t.size);
}

/** What the state needs from the engine's options. */
interface StateOptions {
  seed?: number;
  content?: ItemContent;
  optimizer?: Partial<OptimizerConfig>;
  params?: Float32Array;
}

export class EngineState {
  readonly layout: ParameterLayout;
  /** Dropout seed (restored by load(), so a resumed run repeats exactly). */
  seed: number;
  opt: OptimizerConfig;
  /** AdamW steps taken. */
  stepCount = 0;

  /** (total) every parameter, flat, as parameters.ts lays them out. */
  readonly params: GPUBuffer;
  /** (total) their gradients. */
  readonly grads: GPUBuffer;
  /** (total) AdamW's first and second moments. */
  readonly m: GPUBuffer;
  readonly v: GPUBuffer;
  /** Composed item table (rows, C): item_emb + mean of content-token embeddings. */
  readonly E: GPUBuffer;
  /** (rows, C) gradient with respect to E. */
  readonly dE: GPUBuffer;
  /** The item content the engine was built with, if any. */
  readonly content: ItemContent | undefined;
  readonly contentForward: SegmentSumDispatch | null = null;
  readonly contentBackward: SegmentSumDispatch | null = null;

  protected constructor(
    readonly ctx: GpuContext,
    readonly cfg: ModelConfig,
    opts: StateOptions,
  ) {
    validateConfig(cfg);
    this.layout = parameterLayout(cfg);
    this.seed = opts.seed ?? 1;
    this.opt = { ...DEFAULT_OPTIMIZER, ...opts.optimizer };
    const C = cfg.dim;
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
      /** (items + 1) 1 / number of content tokens per item. */
      const invCount = ctx.upload(cs.invCount, 'content.invCount');
      const fwd = new SegmentBuffer(ctx, cs.forward.rows.length, cs.forward.entrySrc.length, 'content.fwdSeg');
      fwd.upload(cs.forward);
      const bwd = new SegmentBuffer(ctx, cs.backward.rows.length, cs.backward.entrySrc.length, 'content.bwdSeg');
      bwd.upload(cs.backward);
      this.contentForward = segmentSum(
        ctx,
        { seg: fwd, scales: invCount, src: this.paramSlice('content_emb'), dst: this.E, C, accumulate: true },
        'content_compose',
      );
      this.contentBackward = segmentSum(
        ctx,
        { seg: bwd, scales: invCount, src: this.dE, dst: this.gradSlice('content_emb'), C, accumulate: false },
        'content_backward',
      );
    }
  }

  paramSlice(name: string): BufferSlice {
    return tensorSlice(this.params, this.layout, name);
  }
  gradSlice(name: string): BufferSlice {
    return tensorSlice(this.grads, this.layout, name);
  }

  /** Copy the item embeddings into E; the graphs' first launch adds the content embeddings. */
  composeCopy(enc: GPUCommandEncoder): void {
    const t = tensor(this.layout, 'item_emb');
    enc.copyBufferToBuffer(this.params, t.offset * 4, this.E, 0, t.size * 4);
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
  /** All parameters and optimizer state as a versioned binary blob. */
  async save(): Promise<Uint8Array> {
    const [params, m, v] = await Promise.all([this.readParameters(), this.ctx.readF32(this.m, this.layout.total), this.ctx.readF32(this.v, this.layout.total)]);
    return encodeCheckpoint({ config: this.cfg, optimizer: this.opt, seed: this.seed, step: this.stepCount, params, m, v });
  }

  /** Restore a blob from save(); the model config must match. */
  load(blob: Uint8Array): void {
    const c = decodeCheckpoint(blob);
    if (!sameConfig(c.config, this.cfg))
      throw new Error(`checkpoint: its model config ${JSON.stringify(c.config)} differs from this engine's ${JSON.stringify(this.cfg)}`);
    this.ctx.write(this.params, c.params);
    this.ctx.write(this.m, c.m);
    this.ctx.write(this.v, c.v);
    this.opt = { ...c.optimizer };
    this.stepCount = c.step;
    this.seed = c.seed;
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
}
