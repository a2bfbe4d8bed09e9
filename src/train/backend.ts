/**
 * One interface over the two engines the trainer can run: the WGSL engine on
 * WebGPU, and the float64 CPU reference where WebGPU is missing or the device
 * was lost. Both read and write the same checkpoint blobs, so training moves
 * from one to the other without starting over.
 */
import { GpuContext } from '../gpu/context';
import type { Batch, ItemContent } from '../model/batch';
import type { ModelConfig } from '../model/config';
import { GpuEngine } from '../model/engine';
import { columnsOf, type LeaveOneOutColumns, type LeaveOneOutScores } from '../model/occlusion';
import { ReferenceModel } from '../reference/model';

export interface BackendOptions {
  batchSize: number;
  seed: number;
  content: ItemContent;
  lr: number;
}

export interface ModelBackend {
  readonly kind: 'webgpu' | 'cpu';
  /** The adapter's name, or the CPU reference. */
  readonly label: string;
  trainStep(batch: Batch): Promise<number>;
  /** Scores of every item (index = item id) after a history with its features. */
  scores(history: number[], features: Float32Array): Promise<Float32Array>;
  /** Every layer's attention for one history, each (H, T, T). */
  attention(history: number[], features: Float32Array): Promise<Float32Array[]>;
  /** Every item's score after the history and after it without each of its newest maxlen events (model/occlusion.ts). */
  leaveOneOut(history: number[], features: Float32Array): Promise<LeaveOneOutScores>;
  /** The same for `items` only: their scores in each row and each row's log-sum-exp over every item. */
  leaveOneOutColumns(history: number[], features: Float32Array, items: number[]): Promise<LeaveOneOutColumns>;
  save(): Promise<Uint8Array>;
  load(blob: Uint8Array): void;
  /** Why the GPU device was lost, once it has been. */
  lostReason(): string | null;
  destroy(): void;
}

const yieldToEvents = () => new Promise<void>((resolve) => setTimeout(resolve, 0));

export class GpuBackend implements ModelBackend {
  readonly kind = 'webgpu';
  private constructor(
    readonly ctx: GpuContext,
    readonly engine: GpuEngine,
  ) {}

  static async create(cfg: ModelConfig, o: BackendOptions, gpu?: GPU): Promise<GpuBackend> {
    const ctx = await GpuContext.create(gpu);
    try {
      const engine = await GpuEngine.create(ctx, cfg, { batchSize: o.batchSize, seed: o.seed, content: o.content, optimizer: { lr: o.lr } });
      return new GpuBackend(ctx, engine);
    } catch (e) {
      ctx.destroy();
      throw e;
    }
  }
  get label(): string {
    return `WebGPU (${this.ctx.adapterName}${this.ctx.softwareAdapter ? ', a software adapter' : ''})`;
  }
  trainStep(batch: Batch): Promise<number> {
    return this.engine.trainStep(batch);
  }
  scores(history: number[], features: Float32Array): Promise<Float32Array> {
    return this.engine.scoreAll(history, { features });
  }
  attention(history: number[], features: Float32Array): Promise<Float32Array[]> {
    return this.engine.historyAttention(history, features);
  }
  leaveOneOut(history: number[], features: Float32Array): Promise<LeaveOneOutScores> {
    return this.engine.leaveOneOut(history, features);
  }
  leaveOneOutColumns(history: number[], features: Float32Array, items: number[]): Promise<LeaveOneOutColumns> {
    return this.engine.leaveOneOutColumns(history, features, items);
  }
  save(): Promise<Uint8Array> {
    return this.engine.save();
  }
  load(blob: Uint8Array): void {
    this.engine.load(blob);
  }
  lostReason(): string | null {
    return this.ctx.lost;
  }
  destroy(): void {
    this.engine.destroy();
  }
}

export class CpuBackend implements ModelBackend {
  readonly kind = 'cpu';
  readonly label = 'CPU (the float64 reference model)';
  readonly model: ReferenceModel;
  constructor(cfg: ModelConfig, o: BackendOptions) {
    this.model = new ReferenceModel(cfg, { batchSize: o.batchSize, seed: o.seed, content: o.content, optimizer: { lr: o.lr } });
  }
  async trainStep(batch: Batch): Promise<number> {
    const loss = this.model.trainStep(batch);
    await yieldToEvents(); // let pause/cancel messages in between steps
    return loss;
  }
  async scores(history: number[], features: Float32Array): Promise<Float32Array> {
    return Float32Array.from(this.model.scoreAll(history, undefined, features));
  }
  async attention(history: number[], features: Float32Array): Promise<Float32Array[]> {
    return this.model.historyAttention(history, features).map((a) => Float32Array.from(a));
  }
  async leaveOneOut(history: number[], features: Float32Array): Promise<LeaveOneOutScores> {
    const r = this.model.leaveOneOut(history, features);
    return { ...r, scores: Float32Array.from(r.scores) };
  }
  async leaveOneOutColumns(history: number[], features: Float32Array, items: number[]): Promise<LeaveOneOutColumns> {
    return columnsOf(await this.leaveOneOut(history, features), items);
  }
  async save(): Promise<Uint8Array> {
    return this.model.save();
  }
  load(blob: Uint8Array): void {
    this.model.load(blob);
  }
  lostReason(): string | null {
    return null;
  }
  destroy(): void {}
}

/**
 * The WGSL engine where WebGPU works, otherwise the CPU reference with the
 * reason why (shown to the learner).
 */
export async function createBackend(
  cfg: ModelConfig,
  o: BackendOptions,
  prefer: 'auto' | 'cpu' = 'auto',
  gpu?: GPU,
): Promise<{ backend: ModelBackend; fallback: string | null }> {
  if (prefer === 'cpu') return { backend: new CpuBackend(cfg, o), fallback: 'the CPU was chosen in the settings' };
  try {
    return { backend: await GpuBackend.create(cfg, o, gpu), fallback: null };
  } catch (e) {
    return { backend: new CpuBackend(cfg, o), fallback: e instanceof Error ? e.message : String(e) };
  }
}
