/**
 * The whole model on the CPU in float64: the oracle for every GPU test and
 * the trainer's fallback where WebGPU is missing. It mirrors the GPU engine's
 * API (forward / backward / step / parameters / save / load); its graph is
 * modelGraph.ts.
 */
import { DEFAULT_OPTIMIZER, type ModelConfig, type OptimizerConfig } from '../model/config';
import { parameterLayout, tensor, type ParameterLayout } from '../model/parameters';
import { contentSegments, historyBatch, withoutEach, type Batch, type ItemContent } from '../model/batch';
import { initParameters } from '../model/init';
import { decodeCheckpoint, encodeCheckpoint, sameConfig } from '../model/checkpoint';
import { backwardActs, forwardActs, type Acts, type ReferenceSource } from './modelGraph';
import * as op from './ops';

export interface ForwardOptions {
  /** Dropout on (default true). */
  training?: boolean;
}

export interface ForwardResult {
  loss: number;
  /** Per layer, (B, H, T, T) attention weights. */
  attention: Float64Array[];
}

export class ReferenceModel {
  readonly cfg: ModelConfig;
  readonly layout: ParameterLayout;
  readonly batchSize: number;
  readonly params: Float64Array;
  readonly grads: Float64Array;
  readonly m: Float64Array;
  readonly v: Float64Array;
  opt: OptimizerConfig;
  seed: number;
  /** AdamW steps taken. */
  stepCount = 0;
  readonly content: ReferenceSource['content'] = null;
  private acts: Acts | null = null;

  constructor(
    cfg: ModelConfig,
    opts: { batchSize: number; seed?: number; content?: ItemContent; optimizer?: Partial<OptimizerConfig>; params?: Float32Array },
  ) {
    this.cfg = cfg;
    this.layout = parameterLayout(cfg);
    this.batchSize = opts.batchSize;
    this.seed = opts.seed ?? 1;
    this.opt = { ...DEFAULT_OPTIMIZER, ...opts.optimizer };
    const init = opts.params ?? initParameters(cfg, this.layout, this.seed);
    this.params = Float64Array.from(init);
    this.grads = new Float64Array(this.layout.total);
    this.m = new Float64Array(this.layout.total);
    this.v = new Float64Array(this.layout.total);
    if (cfg.contentBuckets > 0) {
      if (!opts.content) throw new Error('model config has contentBuckets > 0 but no item content was given');
      this.content = contentSegments(opts.content, cfg.items, cfg.contentBuckets);
    }
  }

  view(name: string): Float64Array {
    const t = tensor(this.layout, name);
    return this.params.subarray(t.offset, t.offset + t.size);
  }
  gradView(name: string): Float64Array {
    const t = tensor(this.layout, name);
    return this.grads.subarray(t.offset, t.offset + t.size);
  }

  /** The item table the model scores with: item_emb (+ mean of content token embeddings). */
  composeItems(): Float64Array {
    const C = this.cfg.dim;
    const E = Float64Array.from(this.view('item_emb'));
    if (this.content) {
      op.segmentSum(this.content.forward, this.view('content_emb'), this.content.invCount, C, E, true);
    }
    return E;
  }

  forward(batch: Batch, options: ForwardOptions = {}): ForwardResult {
    this.acts = forwardActs(this, batch, options.training ?? true);
    return { loss: this.acts.loss, attention: this.acts.blocks.map((b) => b.att) };
  }

  /** Gradients of the last forward's loss into `grads` (overwritten). */
  backward(): void {
    if (!this.acts) throw new Error('backward() needs a forward() first');
    backwardActs(this, this.acts);
  }

  /** forward + backward + step, like GpuEngine.trainStep; returns the loss. */
  trainStep(batch: Batch): number {
    const loss = this.forward(batch).loss;
    this.backward();
    this.step();
    return loss;
  }

  /** One AdamW step on the gradients from backward(). */
  step(): void {
    this.stepCount++;
    op.adamw(this.params, this.grads, this.m, this.v, this.stepCount, this.opt, this.layout.decayEnd);
  }

  /** Scores of every item (index = id; id 0 and the excluded ids = -inf) after the given history. */
  scoreAll(history: ArrayLike<number>, exclude?: ArrayLike<number>, features?: Float32Array): Float64Array {
    const h = this.encodeHistories([history], [features]);
    const E = this.composeItems();
    const out = new Float64Array(this.cfg.items + 1);
    let mask: Uint8Array | null = null;
    if (exclude) {
      mask = new Uint8Array(this.cfg.items + 1);
      for (let i = 0; i < exclude.length; i++) if (exclude[i] >= 0 && exclude[i] <= this.cfg.items) mask[exclude[i]] = 1;
    }
    op.scoreItems(h, E, this.cfg.items + 1, this.cfg.dim, mask, out);
    return out;
  }

  recommend(history: ArrayLike<number>, k: number, exclude?: ArrayLike<number>): number[] {
    return op.topK(this.scoreAll(history, exclude), k);
  }

  /** Attention weights of every layer for one history (dropout off): per layer (H, T, T), as the GPU engine's historyAttention. */
  historyAttention(history: ArrayLike<number>, features?: Float32Array): Float64Array[] {
    const { heads: H, maxlen: T } = this.cfg;
    const r = this.forward(historyBatch(this.cfg, [Array.from(history).slice(-T)], this.batchSize, [features]), { training: false });
    return r.attention.map((a) => a.slice(0, H * T * T));
  }

  /** The same versioned checkpoint blob as GpuEngine.save(), so either engine resumes the other's training. */
  save(): Uint8Array {
    return encodeCheckpoint({
      config: this.cfg,
      optimizer: this.opt,
      seed: this.seed,
      step: this.stepCount,
      params: Float32Array.from(this.params),
      m: Float32Array.from(this.m),
      v: Float32Array.from(this.v),
    });
  }

  load(blob: Uint8Array): void {
    const c = decodeCheckpoint(blob);
    if (!sameConfig(c.config, this.cfg))
      throw new Error(`checkpoint: its model config ${JSON.stringify(c.config)} differs from this model's ${JSON.stringify(this.cfg)}`);
    this.params.set(c.params);
    this.m.set(c.m);
    this.v.set(c.v);
    this.opt = { ...c.optimizer };
    this.stepCount = c.step;
    this.seed = c.seed;
    this.acts = null;
  }

  /** Final hidden state after each history, (n, C), dropout off; features[i] optional per history. */
  encodeHistories(histories: ArrayLike<number>[], features?: (Float32Array | undefined)[]): Float64Array {
    const cfg = this.cfg;
    const T = cfg.maxlen;
    const C = cfg.dim;
    const B = this.batchSize;
    const out = new Float64Array(histories.length * C);
    for (let s = 0; s < histories.length; s += B) {
      const n = Math.min(B, histories.length - s);
      this.forward(historyBatch(cfg, histories.slice(s, s + n), B, features?.slice(s, s + n)), { training: false });
      const hf = this.acts!.hf;
      for (let b = 0; b < n; b++) out.set(hf.subarray((b * T + T - 1) * C, (b * T + T) * C), (s + b) * C);
    }
    return out;
  }

  /** As GpuEngine.leaveOneOut: (L + 1, items + 1) scores after the history and after it without each window event (model/occlusion.ts). */
  leaveOneOut(history: ArrayLike<number>, features?: Float32Array): { window: number; cols: number; scores: Float64Array } {
    const { rows, feats } = withoutEach(history, features, this.cfg.maxlen, this.cfg.features);
    const cols = this.cfg.items + 1;
    const h = this.encodeHistories(rows, feats);
    const scores = new Float64Array(rows.length * cols);
    const E = this.composeItems();
    const C = this.cfg.dim;
    for (let r = 0; r < rows.length; r++) {
      for (let i = 0; i < cols; i++) {
        let s = 0;
        for (let c = 0; c < C; c++) s += h[r * C + c] * E[i * C + c];
        scores[r * cols + i] = s;
      }
    }
    return { window: rows.length - 1, cols, scores };
  }

  /** Rows of the per-position final hidden states of the last forward, for tests. */
  lastHidden(): Float64Array {
    if (!this.acts) throw new Error('no forward yet');
    return this.acts.hf;
  }
}
