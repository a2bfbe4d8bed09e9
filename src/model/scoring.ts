/**
 * Scoring one history through the inference graph (B = 1, dropout off): every
 * item's score, the top k on the GPU, and the attention maps. Buffers are
 * allocated on first use. Shapes: C = dim, rows = items + 1 (row 0 is padding).
 */
import type { Dispatch } from '../gpu/dispatch';
import { submit } from '../gpu/dispatch';
import { MAX_TOPK, scoreItems, topk } from '../kernels/score';
import { historyBatch } from './batch';
import type { ForwardGraph, GraphSource } from './forward';

export interface Recommendation {
  items: number[];
  scores: number[];
}

/** What scoring reads from the engine: its step (for dropout keys), the item table and the inference graph. */
export interface ScoringSource extends GraphSource {
  readonly seed: number;
  readonly stepCount: number;
  /** Copy the item embeddings into E (content is added by the graph's first launch). */
  composeCopy(enc: GPUCommandEncoder): void;
  inferGraph(): ForwardGraph;
}

interface ScoringBuffers {
  /** (T, C) the inference graph's final hidden states; the last row scores. */
  h: GPUBuffer;
  /** (rows) score of every item. */
  scores: GPUBuffer;
  /** (rows) 1 = excluded from scoring. */
  exclude: GPUBuffer;
  /** (256, MAX_TOPK) per-workgroup partial top-k. */
  partialScore: GPUBuffer;
  partialIndex: GPUBuffer;
  /** (MAX_TOPK) the top k, best first. */
  topIndex: GPUBuffer;
  topScore: GPUBuffer;
  score: Dispatch;
  scoreExcl: Dispatch;
  /** One top-k launch per k asked for. */
  topk: Map<number, Dispatch>;
}

export class Scorer {
  private buffers: ScoringBuffers | null = null;

  constructor(private readonly src: ScoringSource) {}

  private state(): ScoringBuffers {
    if (!this.buffers) {
      const { ctx, cfg } = this.src;
      const g = this.src.inferGraph();
      const C = cfg.dim;
      const rows = cfg.items + 1;
      const h = g.hf;
      const hAt = (cfg.maxlen - 1) * C; // a uniform offset: binding offsets must be 256-byte aligned
      const scores = ctx.storage(rows, 'scores');
      const exclude = ctx.storage(rows, 'exclude');
      this.buffers = {
        h,
        scores,
        exclude,
        partialScore: ctx.storage(256 * MAX_TOPK, 'topk.partialScore'),
        partialIndex: ctx.storage(256 * MAX_TOPK, 'topk.partialIndex'),
        topIndex: ctx.storage(MAX_TOPK, 'topk.index'),
        topScore: ctx.storage(MAX_TOPK, 'topk.score'),
        score: scoreItems(ctx, { h, hAt, E: this.src.E, scores, rows, C }),
        scoreExcl: scoreItems(ctx, { h, hAt, E: this.src.E, scores, exclude, rows, C }, 'score_items_excluding'),
        topk: new Map(),
      };
    }
    return this.buffers;
  }

  private runHistory(history: ArrayLike<number>, features: Float32Array | undefined, exclude: ArrayLike<number> | undefined, extra: Dispatch[]): void {
    const { cfg, ctx } = this.src;
    const T = cfg.maxlen;
    const g = this.src.inferGraph();
    const hist = Array.from(history).slice(-T);
    for (const id of hist) if (!Number.isInteger(id) || id < 1 || id > cfg.items) throw new Error(`history: ${id} is not an item id in 1..${cfg.items}`);
    g.uploadInputs(historyBatch(cfg, [hist], 1, [features]));
    g.setDropout(false, this.src.seed, this.src.stepCount);
    const s = this.state();
    if (exclude) {
      const mask = new Uint32Array(cfg.items + 1);
      for (let i = 0; i < exclude.length; i++) {
        const id = exclude[i];
        if (id >= 0 && id <= cfg.items) mask[id] = 1;
      }
      ctx.write(s.exclude, mask);
    }
    submit(ctx, [...g.dispatches, exclude ? s.scoreExcl : s.score, ...extra], undefined, (enc) => this.src.composeCopy(enc));
  }

  /** Score of every item (index = item id; id 0 and excluded ids are -inf) after a history. */
  async scoreAll(history: ArrayLike<number>, opts: { features?: Float32Array; exclude?: ArrayLike<number> } = {}): Promise<Float32Array> {
    this.runHistory(history, opts.features, opts.exclude, []);
    const s = await this.src.ctx.readF32(this.buffers!.scores, this.src.cfg.items + 1);
    for (let i = 0; i < s.length; i++) if (s[i] <= -3.4e38) s[i] = -Infinity;
    return s;
  }

  /** The k best items after a history (k <= 64), computed on the GPU. */
  async recommend(history: ArrayLike<number>, k: number, opts: { features?: Float32Array; exclude?: ArrayLike<number> } = {}): Promise<Recommendation> {
    const { ctx, cfg } = this.src;
    const s = this.state();
    let tk = s.topk.get(k);
    if (!tk) {
      tk = topk(ctx, {
        scores: s.scores,
        partialScore: s.partialScore,
        partialIndex: s.partialIndex,
        topIndex: s.topIndex,
        topScore: s.topScore,
        rows: cfg.items + 1,
        k,
      });
      s.topk.set(k, tk);
    }
    this.runHistory(history, opts.features, opts.exclude, [tk]);
    const [idx, sc] = await Promise.all([ctx.read(s.topIndex, k * 4), ctx.readF32(s.topScore, k)]);
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

  /** Attention weights of every layer for one history: per layer (H, T, T). */
  async historyAttention(history: ArrayLike<number>, features?: Float32Array): Promise<Float32Array[]> {
    this.runHistory(history, features, undefined, []);
    const { cfg, ctx } = this.src;
    const n = cfg.heads * cfg.maxlen * cfg.maxlen;
    return Promise.all(this.src.inferGraph().blocks.map((b) => ctx.readF32(b.att, n)));
  }
}
