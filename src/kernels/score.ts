import { Dispatch, grid1d, type Bindable, type GpuContext } from '../gpu/context';

export const MAX_TOPK = 64;

/** scores (rows) = E . h[hAt .. hAt + C], NEG_INF for padding and excluded items. */
export function scoreItems(ctx: GpuContext, a: { h: Bindable; hAt?: number; E: Bindable; exclude?: Bindable | null; scores: Bindable; rows: number; C: number }, label = 'score_items'): Dispatch {
  const d = new Dispatch(ctx, label, ctx.pipeline('score.wgsl', 'score_items'), 8, 0, [
    [1, a.h], [2, a.E], [3, a.exclude ?? ctx.unused()], [4, a.scores],
  ], grid1d(a.rows));
  d.setU32(0, a.rows).setU32(1, a.C).setU32(3, a.exclude ? 1 : 0).setU32(4, a.hAt ?? 0);
  return d;
}

/** Top-k of `scores` (k <= 64) into topIndex / topScore. partial buffers hold 256 * k. */
export function topk(ctx: GpuContext, a: { scores: Bindable; partialScore: Bindable; partialIndex: Bindable; topIndex: Bindable; topScore: Bindable; rows: number; k: number }, label = 'topk'): Dispatch {
  if (a.k < 1 || a.k > MAX_TOPK) throw new Error(`top-k: k must be 1..${MAX_TOPK}, got ${a.k}`);
  const d = new Dispatch(ctx, label, ctx.pipeline('score.wgsl', 'topk'), 8, 0, [
    [5, a.scores], [6, a.partialScore], [7, a.partialIndex], [8, a.topIndex], [9, a.topScore],
  ], [1, 1, 1]);
  d.setU32(0, a.rows).setU32(2, a.k);
  return d;
}
