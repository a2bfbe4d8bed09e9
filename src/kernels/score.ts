import type { Bindable, GpuContext } from '../gpu/context';
import { Dispatch, grid1d, kernelLayout, type DispatchOf } from '../gpu/dispatch';

export const MAX_TOPK = 64;

/** The uniform both score.wgsl entry points read. */
const uniform = {
  name: 'dims',
  binding: 0,
  struct: 'ScoreDims',
  fields: { rows: 'u32', C: 'u32', k: 'u32', flags: 'u32', h_at: 'u32', _pad0: 'u32', _pad1: 'u32', _pad2: 'u32' },
} as const;

export const SCORE_ITEMS = kernelLayout({ file: 'score.wgsl', entryPoints: ['score_items'], uniform, storage: { h: 1, E: 2, exclude: 3, scores: 4 } });
export const TOPK = kernelLayout({
  file: 'score.wgsl',
  entryPoints: ['topk'],
  uniform,
  storage: { tscores: 5, partial_score: 6, partial_index: 7, top_index: 8, top_score: 9 },
});

/** scores (rows) = E . h[hAt .. hAt + C], NEG_INF for padding and excluded items. */
export function scoreItems(
  ctx: GpuContext,
  a: { h: Bindable; hAt?: number; E: Bindable; exclude?: Bindable | null; scores: Bindable; rows: number; C: number },
  label = 'score_items',
): DispatchOf<typeof SCORE_ITEMS> {
  const buffers = { h: a.h, E: a.E, exclude: a.exclude ?? ctx.unused(), scores: a.scores };
  const d = new Dispatch(ctx, label, SCORE_ITEMS, 'score_items', buffers, grid1d(a.rows));
  return d
    .set('rows', a.rows)
    .set('C', a.C)
    .set('flags', a.exclude ? 1 : 0)
    .set('h_at', a.hAt ?? 0);
}

/** Top-k of `scores` (k <= 64) into topIndex / topScore. partial buffers hold 256 * k. */
export function topk(
  ctx: GpuContext,
  a: { scores: Bindable; partialScore: Bindable; partialIndex: Bindable; topIndex: Bindable; topScore: Bindable; rows: number; k: number },
  label = 'topk',
): DispatchOf<typeof TOPK> {
  if (a.k < 1 || a.k > MAX_TOPK) throw new Error(`top-k: k must be 1..${MAX_TOPK}, got ${a.k}`);
  const buffers = { tscores: a.scores, partial_score: a.partialScore, partial_index: a.partialIndex, top_index: a.topIndex, top_score: a.topScore };
  return new Dispatch(ctx, label, TOPK, 'topk', buffers, [1, 1, 1]).set('rows', a.rows).set('k', a.k);
}
