/**
 * Exact leave-one-out over a history, as one batched forward pass: what each
 * past event does to every item's score.
 *
 * "Removed" is defined here, once, for the app and the benchmark: the history
 * with that one event (and its features) deleted, then the newest maxlen
 * events taken and left-padded as every other history is. So an event older
 * than the window slides in when a window event is removed, exactly as if the
 * learner had never had that session. Only the window's events (the newest
 * L = min(len, maxlen)) can change a score, so only they get a row.
 *
 * Rows of the batch: row 0 = the history itself, row 1 + i = the history
 * without the window's i-th event (oldest first); rows past L + 1 are empty.
 * Shapes: R = maxlen + 1 rows of T positions, C = dim, items + 1 columns.
 */
import { submit, type Dispatch } from '../gpu/dispatch';
import { matmul } from '../kernels/matmul';
import { historyBatch, withoutEach } from './batch';
import { ForwardGraph } from './forward';
import type { ScoringSource } from './scoring';

export interface LeaveOneOutScores {
  /** Events in the window (L): row 1 + i removes the window's i-th event, oldest first. */
  window: number;
  /** Columns per row: items + 1 (column 0 is padding, not an item). */
  cols: number;
  /** (L + 1, items + 1) score of every item after each row's history. */
  scores: Float32Array;
}

/** The batched graph (R = maxlen + 1 rows) and the score product, built on first use. */
export class LeaveOneOut {
  private graph: ForwardGraph | null = null;
  /** (R, items + 1) every item's score after each row's last position. */
  private scores: GPUBuffer | null = null;
  private product: Dispatch | null = null;

  constructor(private readonly src: ScoringSource) {}

  private prepare(): { g: ForwardGraph; scores: GPUBuffer; product: Dispatch } {
    if (!this.graph) {
      const { ctx, cfg } = this.src;
      const T = cfg.maxlen;
      const C = cfg.dim;
      const R = T + 1;
      const cols = cfg.items + 1;
      this.graph = new ForwardGraph(this.src, R, 'loo');
      this.scores = ctx.storage(R * cols, 'loo.scores');
      // scores (R, cols) = hf[r * T + T - 1] (R, C; row stride T * C) . E^T (E is (cols, C)).
      const strided = {
        batch: 1,
        inner: 1,
        lda: T * C,
        ldb: C,
        ldc: cols,
        a: { off: (T - 1) * C, outer: 0, inner: 0 },
        b: { off: 0, outer: 0, inner: 0 },
        c: { off: 0, outer: 0, inner: 0 },
      };
      this.product = matmul(ctx, { a: this.graph.hf, b: this.src.E, out: this.scores, M: R, N: cols, K: C, transB: true, strided }, 'loo.scores');
    }
    return { g: this.graph, scores: this.scores!, product: this.product! };
  }

  /** Every item's score after the history and after it without each window event, in one submission. */
  async run(history: ArrayLike<number>, features?: Float32Array): Promise<LeaveOneOutScores> {
    const { cfg, ctx } = this.src;
    const T = cfg.maxlen;
    for (const id of Array.from(history))
      if (!Number.isInteger(id) || id < 1 || id > cfg.items) throw new Error(`history: ${id} is not an item id in 1..${cfg.items}`);
    const { g, scores, product } = this.prepare();
    const { rows, feats } = withoutEach(history, features, T, cfg.features);
    g.uploadInputs(historyBatch(cfg, rows, T + 1, feats));
    g.setDropout(false, this.src.seed, this.src.stepCount);
    submit(ctx, [...g.dispatches, product], undefined, (enc) => this.src.composeCopy(enc));
    const cols = cfg.items + 1;
    return { window: rows.length - 1, cols, scores: await ctx.readF32(scores, rows.length * cols) };
  }
}
