import type { Bindable, GpuContext } from '../gpu/context';
import { Dispatch, grid1d, kernelLayout } from '../gpu/dispatch';
import type { SegmentList } from './segments';

/** The uniform both embedding entry points read: shape, the featProj flag, and dropout. */
const embedUniform = {
  name: 'dims',
  binding: 0,
  struct: 'EmbDims',
  fields: { rows: 'u32', T: 'u32', C: 'u32', flags: 'u32', key: 'u32', threshold: 'u32', scale: 'f32', _pad: 'u32' },
} as const;

export const EMBED_FORWARD = kernelLayout({
  file: 'embedding.wgsl',
  entryPoints: ['embed_forward'],
  uniform: embedUniform,
  storage: { ids: 1, E: 2, pos: 3, feat_proj: 4, out: 5 },
});
export const EMBED_BACKWARD = kernelLayout({
  file: 'embedding.wgsl',
  entryPoints: ['embed_backward'],
  uniform: embedUniform,
  storage: { dout: 6, bids: 7, demb: 8 },
});
export const SEGMENT_SUM = kernelLayout({
  file: 'embedding.wgsl',
  entryPoints: ['segment_sum'],
  uniform: {
    name: 'sdims',
    binding: 9,
    struct: 'SegDims',
    fields: { n_rows: 'u32', C: 'u32', flags: 'u32', offsets_at: 'u32', src_at: 'u32', scale_at: 'u32', _pad0: 'u32', _pad1: 'u32' },
  },
  storage: { seg: 10, scales: 11, src: 12, dst: 13 },
});

/** An embedding launch with dropout: the key, keep threshold and scale of this step. */
export class EmbedDispatch<Storage extends string = string> extends Dispatch<Storage, keyof typeof embedUniform.fields> {
  setDropout(key: number, threshold: number, scale: number): this {
    return this.set('key', key).set('threshold', threshold).set('scale', scale);
  }
}

/** out (rows, C) = dropout(E[id] + pos[t] (+ featProj)), zero at padding. */
export function embedForward(
  ctx: GpuContext,
  a: { ids: Bindable; E: Bindable; pos: Bindable; featProj?: Bindable | null; out: Bindable; rows: number; T: number; C: number },
  label = 'embed_forward',
): EmbedDispatch {
  const buffers = { ids: a.ids, E: a.E, pos: a.pos, feat_proj: a.featProj ?? ctx.unused(), out: a.out };
  const d = new EmbedDispatch(ctx, label, EMBED_FORWARD, 'embed_forward', buffers, grid1d(a.rows * a.C));
  return d
    .set('rows', a.rows)
    .set('T', a.T)
    .set('C', a.C)
    .set('flags', a.featProj ? 1 : 0);
}

/** demb = dropout'(dout), zero at padding. */
export function embedBackward(
  ctx: GpuContext,
  a: { dout: Bindable; ids: Bindable; demb: Bindable; rows: number; T: number; C: number },
  label = 'embed_backward',
): EmbedDispatch {
  const d = new EmbedDispatch(ctx, label, EMBED_BACKWARD, 'embed_backward', { dout: a.dout, bids: a.ids, demb: a.demb }, grid1d(a.rows * a.C));
  return d.set('rows', a.rows).set('T', a.T).set('C', a.C);
}

/**
 * A segment list packed into one u32 buffer with fixed capacity:
 * [rows (capRows) | offsets (capRows + 1) | entrySrc (capEntries) | entryScale (capEntries)].
 */
export class SegmentBuffer {
  readonly buffer: GPUBuffer;
  readonly offsetsAt: number;
  readonly srcAt: number;
  readonly scaleAt: number;
  private readonly staging: Uint32Array;
  nRows = 0;

  constructor(
    private readonly ctx: GpuContext,
    readonly capRows: number,
    readonly capEntries: number,
    label: string,
  ) {
    this.offsetsAt = capRows;
    this.srcAt = 2 * capRows + 1;
    this.scaleAt = this.srcAt + capEntries;
    const words = this.scaleAt + capEntries;
    this.buffer = ctx.storage(words, label);
    this.staging = new Uint32Array(words);
  }

  upload(seg: SegmentList): void {
    const n = seg.rows.length;
    const e = seg.entrySrc.length;
    if (n > this.capRows || e > this.capEntries)
      throw new Error(`segment list of ${n} rows / ${e} entries exceeds capacity ${this.capRows} / ${this.capEntries}`);
    const s = this.staging;
    s.set(seg.rows, 0);
    s.set(seg.offsets, this.offsetsAt);
    s.set(seg.entrySrc, this.srcAt);
    s.set(seg.entryScale, this.scaleAt);
    // Only the used prefix of each part needs to travel.
    this.ctx.write(this.buffer, s.subarray(0, n), 0);
    this.ctx.write(this.buffer, s.subarray(this.offsetsAt, this.offsetsAt + n + 1), this.offsetsAt * 4);
    this.ctx.write(this.buffer, s.subarray(this.srcAt, this.srcAt + e), this.srcAt * 4);
    this.ctx.write(this.buffer, s.subarray(this.scaleAt, this.scaleAt + e), this.scaleAt * 4);
    this.nRows = n;
  }
}

export class SegmentSumDispatch extends Dispatch<keyof typeof SEGMENT_SUM.storage, keyof typeof SEGMENT_SUM.offsets> {
  private C = 1;
  init(C: number, seg: SegmentBuffer, useScale: boolean, accumulate: boolean): this {
    this.C = C;
    this.set('C', C).set('flags', (useScale ? 1 : 0) | (accumulate ? 2 : 0));
    this.set('offsets_at', seg.offsetsAt).set('src_at', seg.srcAt).set('scale_at', seg.scaleAt);
    return this;
  }
  /** Number of segments in use this step. */
  setRows(n: number): this {
    this.set('n_rows', n);
    this.workgroups = n === 0 ? [0, 1, 1] : grid1d(n * this.C);
    return this;
  }
}

/** dst[rows[u]] (+)= sum over segment u of scale * src[entrySrc]: scatter-add without atomics. */
export function segmentSum(
  ctx: GpuContext,
  a: { seg: SegmentBuffer; scales?: Bindable | null; src: Bindable; dst: Bindable; C: number; accumulate: boolean },
  label = 'segment_sum',
): SegmentSumDispatch {
  const buffers = { seg: a.seg.buffer, scales: a.scales ?? ctx.unused(), src: a.src, dst: a.dst };
  const d = new SegmentSumDispatch(ctx, label, SEGMENT_SUM, 'segment_sum', buffers, [0, 1, 1]);
  d.init(a.C, a.seg, !!a.scales, a.accumulate);
  d.setRows(a.seg.nRows);
  return d;
}
