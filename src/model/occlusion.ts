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
import { grid1d, submit, type Dispatch } from '../gpu/dispatch';
import { matmul, type MatmulDispatch } from '../kernels/matmul';
import { gatherColumns, rowLogSumExp } from '../kernels/score';
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
  /** (L + 1) each row's log-sum-exp over the item columns (1..items), where the engine computed it (the GPU). */
  lse?: Float64Array;
}

/** Most items columns() reads in one pass (more are read in several). */
export const MAX_COLUMNS = 64;

/** Leave-one-out for a few items only: what the app explains (its recommendations), and all it reads back. */
export interface LeaveOneOutColumns {
  /** Events in the window (L), as in LeaveOneOutScores. */
  window: number;
  /** The items asked about (ids 1..items). */
  items: number[];
  /** (L + 1, items.length) each item's score in each row. */
  columns: Float32Array;
  /** (L + 1) each row's log-sum-exp over every item. */
  lse: Float64Array;
}

/** log Σ exp over one row's item scores (columns 1..; column 0 is padding), in float64 on the CPU. */
function itemLogSumExp(row: ArrayLike<number>): number {
  let max = -Infinity;
  for (let i = 1; i < row.length; i++) max = Math.max(max, row[i]);
  let z = 0;
  for (let i = 1; i < row.length; i++) z += Math.exp(row[i] - max);
  return max + Math.log(z);
}

/**
 * Each row's log-sum-exp over its item scores, (L + 1): as the engine computed it (loo.lse, on the GPU), else
 * summed here (the CPU model).
 */
export function rowNormalisers(loo: LeaveOneOutScores): Float64Array {
  if (loo.lse) return loo.lse;
  const { cols, scores } = loo;
  return Float64Array.from({ length: loo.window + 1 }, (_, r) => itemLogSumExp(scores.subarray(r * cols, (r + 1) * cols)));
}

/** `items`' columns of full leave-one-out scores, with each row's log-sum-exp. */
export function columnsOf(loo: LeaveOneOutScores, items: number[]): LeaveOneOutColumns {
  const R = loo.window + 1;
  const columns = new Float32Array(R * items.length);
  for (let r = 0; r < R; r++) items.forEach((id, j) => (columns[r * items.length + j] = loo.scores[r * loo.cols + id]));
  return { window: loo.window, items, columns, lse: rowNormalisers(loo) };
}

/** The batched graph (R = maxlen + 1 rows) and the score product, built on first use. */
export class LeaveOneOut {
  private graph: ForwardGraph | null = null;
  /** (R, items + 1) every item's score after each row's last position. */
  private scores: GPUBuffer | null = null;
  private product: MatmulDispatch | null = null;
  /** (R) each row's log-sum-exp over the items: the softmax's normaliser, summed where the scores are. */
  private lse: GPUBuffer | null = null;
  private normaliser: Dispatch | null = null;
  /** (MAX_COLUMNS) item ids and (R, MAX_COLUMNS) their scores per row, for columns(). */
  private ids: GPUBuffer | null = null;
  private gathered: GPUBuffer | null = null;
  private gather: Dispatch | null = null;

  constructor(private readonly src: ScoringSource) {}

  private prepare(): { g: ForwardGraph; scores: GPUBuffer; product: MatmulDispatch; lse: GPUBuffer; normaliser: Dispatch } {
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
      this.lse = ctx.storage(R, 'loo.lse');
      this.normaliser = rowLogSumExp(ctx, { scores: this.scores, lse: this.lse, rows: R, cols }, 'loo.lse');
      this.ids = ctx.storage(MAX_COLUMNS, 'loo.ids');
      this.gathered = ctx.storage(R * MAX_COLUMNS, 'loo.columns');
      this.gather = gatherColumns(ctx, { scores: this.scores, ids: this.ids, out: this.gathered, rows: R, cols, k: MAX_COLUMNS }, 'loo.columns');
    }
    return { g: this.graph, scores: this.scores!, product: this.product!, lse: this.lse!, normaliser: this.normaliser! };
  }

  /** Runs the history and each one-removed variant, then `extra(rows used)`, in one submission; the rows used (L + 1). */
  private submitRows(history: ArrayLike<number>, features: Float32Array | undefined, extra: (n: number) => Dispatch[]): number {
    const { cfg, ctx } = this.src;
    const T = cfg.maxlen;
    for (const id of Array.from(history))
      if (!Number.isInteger(id) || id < 1 || id > cfg.items) throw new Error(`history: ${id} is not an item id in 1..${cfg.items}`);
    const { g, product, normaliser } = this.prepare();
    const { rows, feats } = withoutEach(history, features, T, cfg.features);
    g.uploadInputs(historyBatch(cfg, rows, T + 1, feats));
    // Only the L + 1 rows in use are scored and summed (a short history leaves most of the R rows empty).
    const n = rows.length;
    product.setShape(n, cfg.items + 1, cfg.dim);
    normaliser.set('rows', n).workgroups = grid1d(n, 1);
    g.setDropout(false, this.src.seed, this.src.stepCount);
    submit(ctx, [...g.dispatches, product, normaliser, ...extra(n)], undefined, (enc) => this.src.composeCopy(enc));
    return n;
  }

  /** Every item's score after the history and after it without each window event, in one submission. */
  async run(history: ArrayLike<number>, features?: Float32Array): Promise<LeaveOneOutScores> {
    const { cfg, ctx } = this.src;
    const n = this.submitRows(history, features, () => []);
    const { scores, lse } = this.prepare();
    const cols = cfg.items + 1;
    const [all, norms] = await Promise.all([ctx.readF32(scores, n * cols), ctx.readF32(lse, n)]);
    return { window: n - 1, cols, scores: all, lse: Float64Array.from(norms) };
  }

  /**
   * The same pass for `items` only: their scores in every row and each row's log-sum-exp, which is all an
   * explanation of those items needs; the (L + 1) × (items + 1) scores stay on the GPU.
   */
  async columns(history: ArrayLike<number>, features: Float32Array | undefined, items: number[]): Promise<LeaveOneOutColumns> {
    const { cfg, ctx } = this.src;
    for (const id of items) if (!Number.isInteger(id) || id < 1 || id > cfg.items) throw new Error(`leave-one-out: ${id} is not an item id in 1..${cfg.items}`);
    if (items.length > MAX_COLUMNS) {
      // One pass per MAX_COLUMNS items (the rows are the same each time).
      const parts = [];
      for (let s = 0; s < items.length; s += MAX_COLUMNS) parts.push(await this.columns(history, features, items.slice(s, s + MAX_COLUMNS)));
      const R = parts[0].window + 1;
      const columns = new Float32Array(R * items.length);
      let at = 0;
      for (const p of parts) {
        for (let r = 0; r < R; r++) columns.set(p.columns.subarray(r * p.items.length, (r + 1) * p.items.length), r * items.length + at);
        at += p.items.length;
      }
      return { window: parts[0].window, items, columns, lse: parts[0].lse };
    }
    this.prepare();
    const K = items.length;
    ctx.write(this.ids!, Uint32Array.from(items));
    const gather = this.gather!.set('k', K);
    const n = this.submitRows(history, features, (rows) => {
      gather.set('rows', rows).workgroups = grid1d(Math.max(1, rows * K));
      return K > 0 ? [gather] : [];
    });
    const [gathered, norms] = await Promise.all([K > 0 ? ctx.readF32(this.gathered!, n * K) : new Float32Array(0), ctx.readF32(this.lse!, n)]);
    return { window: n - 1, items, columns: gathered, lse: Float64Array.from(norms) };
  }
}
