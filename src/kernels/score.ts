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
export const SCORE_ITEMS_VEC4 = kernelLayout({
  file: 'score.wgsl',
  entryPoints: ['score_items_vec4'],
  uniform,
  storage: { h4: 10, E4: 11, exclude: 3, scores: 4 },
});
export const ROW_LOGSUMEXP = kernelLayout({ file: 'score.wgsl', entryPoints: ['row_logsumexp'], uniform, storage: { lse_scores: 12, lse: 13 } });
export const GATHER_COLUMNS = kernelLayout({
  file: 'score.wgsl',
  entryPoints: ['gather_columns'],
  uniform,
  storage: { gather_scores: 14, gather_ids: 15, gather_out: 16 },
});
export const TOPK = kernelLayout({
  file: 'score.wgsl',
  entryPoints: ['topk'],
  uniform,
  storage: { tscores: 5, partial_score: 6, partial_index: 7, top_index: 8, top_score: 9 },
});

/**
 * scores (rows) = E . h[hAt .. hAt + C], NEG_INF for padding and excluded items. With C and hAt multiples of 4
 * it reads 4 channels at a time (score_items_vec4) unless `vec4` is false.
 */
export function scoreItems(
  ctx: GpuContext,
  a: { h: Bindable; hAt?: number; E: Bindable; exclude?: Bindable | null; scores: Bindable; rows: number; C: number; vec4?: boolean },
  label = 'score_items',
): DispatchOf<typeof SCORE_ITEMS> | DispatchOf<typeof SCORE_ITEMS_VEC4> {
  const hAt = a.hAt ?? 0;
  const exclude = a.exclude ?? ctx.unused();
  const d =
    a.vec4 !== false && a.C % 4 === 0 && hAt % 4 === 0
      ? new Dispatch(ctx, label, SCORE_ITEMS_VEC4, 'score_items_vec4', { h4: a.h, E4: a.E, exclude, scores: a.scores }, grid1d(a.rows))
      : new Dispatch(ctx, label, SCORE_ITEMS, 'score_items', { h: a.h, E: a.E, exclude, scores: a.scores }, grid1d(a.rows));
  return d
    .set('rows', a.rows)
    .set('C', a.C)
    .set('flags', a.exclude ? 1 : 0)
    .set('h_at', hAt);
}

/** lse (rows) = log Σ_{i ≥ 1} exp(scores[r, i]) of each row of `scores` (rows, cols); column 0 (padding) left out. */
export function rowLogSumExp(
  ctx: GpuContext,
  a: { scores: Bindable; lse: Bindable; rows: number; cols: number },
  label = 'row_logsumexp',
): DispatchOf<typeof ROW_LOGSUMEXP> {
  if (a.cols < 2) throw new Error(`row_logsumexp: a row needs at least one item column, got ${a.cols} columns`);
  return new Dispatch(ctx, label, ROW_LOGSUMEXP, 'row_logsumexp', { lse_scores: a.scores, lse: a.lse }, grid1d(a.rows, 1)).set('rows', a.rows).set('C', a.cols);
}

/** out (rows, k) = the columns `ids` (k, u32) of scores (rows, cols). */
export function gatherColumns(
  ctx: GpuContext,
  a: { scores: Bindable; ids: Bindable; out: Bindable; rows: number; cols: number; k: number },
  label = 'gather_columns',
): DispatchOf<typeof GATHER_COLUMNS> {
  const buffers = { gather_scores: a.scores, gather_ids: a.ids, gather_out: a.out };
  return new Dispatch(ctx, label, GATHER_COLUMNS, 'gather_columns', buffers, grid1d(Math.max(1, a.rows * a.k)))
    .set('rows', a.rows)
    .set('C', a.cols)
    .set('k', a.k);
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

/** The uniform of score_f16.wgsl. */
const halfUniform = { name: 'dims', binding: 0, struct: 'HalfDims', fields: { n: 'u32', C: 'u32', h_at: 'u32', _pad0: 'u32' } } as const;

export const TO_F16 = kernelLayout({ file: 'score_f16.wgsl', entryPoints: ['to_f16'], uniform: halfUniform, storage: { E: 1, E16_out: 2 } });
export const SCORE_ITEMS_F16 = kernelLayout({
  file: 'score_f16.wgsl',
  entryPoints: ['score_items_f16'],
  uniform: halfUniform,
  storage: { h: 3, E16: 4, scores: 5 },
});

const needF16 = (ctx: GpuContext, what: string) => {
  if (!ctx.f16) throw new Error(`${what}: needs a device with the shader-f16 feature`);
};

/** A half-precision buffer of `n` elements (n rounded up to a multiple of 4, for vec4<f16> reads). */
export const halfStorage = (ctx: GpuContext, n: number, label: string) => ctx.storage(Math.ceil(n / 4) * 2, label);

/** E16 (n halves, from halfStorage) = E (n floats, n a multiple of 4) rounded to f16. */
export function toF16(ctx: GpuContext, a: { E: Bindable; E16: Bindable; n: number }, label = 'to_f16'): DispatchOf<typeof TO_F16> {
  needF16(ctx, 'to_f16');
  if (a.n % 4 !== 0) throw new Error(`to_f16: converts 4 at a time, so n (${a.n}) must be a multiple of 4`);
  return new Dispatch(ctx, label, TO_F16, 'to_f16', { E: a.E, E16_out: a.E16 }, grid1d(a.n / 4)).set('n', a.n / 4);
}

/** scores (rows) = E16 . h[hAt .. hAt + C] from the f16 table (rows, C); NEG_INF for padding. C and hAt multiples of 4. */
export function scoreItemsF16(
  ctx: GpuContext,
  a: { h: Bindable; hAt?: number; E16: Bindable; scores: Bindable; rows: number; C: number },
  label = 'score_items_f16',
): DispatchOf<typeof SCORE_ITEMS_F16> {
  needF16(ctx, 'score_items_f16');
  const hAt = a.hAt ?? 0;
  if (a.C % 4 !== 0 || hAt % 4 !== 0) throw new Error(`score_items_f16: C (${a.C}) and the hidden state's offset (${hAt}) must be multiples of 4`);
  const d = new Dispatch(ctx, label, SCORE_ITEMS_F16, 'score_items_f16', { h: a.h, E16: a.E16, scores: a.scores }, grid1d(a.rows));
  return d.set('n', a.rows).set('C', a.C).set('h_at', hAt);
}
