import { Dispatch, grid1d, type Bindable, type GpuContext } from '../gpu/context';
import type { SegmentList } from './segments';

export class EmbedDispatch extends Dispatch {
  setDropout(key: number, threshold: number, scale: number): this {
    return this.setU32(4, key).setU32(5, threshold).setF32(6, scale);
  }
}

/** out (rows, C) = dropout(E[id] + pos[t] (+ featProj)), zero at padding. */
export function embedForward(ctx: GpuContext, a: { ids: Bindable; E: Bindable; pos: Bindable; featProj?: Bindable | null; out: Bindable; rows: number; T: number; C: number }, label = 'embed_forward'): EmbedDispatch {
  const d = new EmbedDispatch(ctx, label, ctx.pipeline('embedding.wgsl', 'embed_forward'), 8, 0, [
    [1, a.ids], [2, a.E], [3, a.pos], [4, a.featProj ?? ctx.unused()], [5, a.out],
  ], grid1d(a.rows * a.C));
  d.setU32(0, a.rows).setU32(1, a.T).setU32(2, a.C).setU32(3, a.featProj ? 1 : 0);
  return d;
}

/** demb = dropout'(dout), zero at padding. */
export function embedBackward(ctx: GpuContext, a: { dout: Bindable; ids: Bindable; demb: Bindable; rows: number; T: number; C: number }, label = 'embed_backward'): EmbedDispatch {
  const d = new EmbedDispatch(ctx, label, ctx.pipeline('embedding.wgsl', 'embed_backward'), 8, 0, [
    [6, a.dout], [7, a.ids], [8, a.demb],
  ], grid1d(a.rows * a.C));
  d.setU32(0, a.rows).setU32(1, a.T).setU32(2, a.C);
  return d;
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

  constructor(private readonly ctx: GpuContext, readonly capRows: number, readonly capEntries: number, label: string) {
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
    if (n > this.capRows || e > this.capEntries) throw new Error(`segment list of ${n} rows / ${e} entries exceeds capacity ${this.capRows} / ${this.capEntries}`);
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

export class SegmentSumDispatch extends Dispatch {
  private C = 1;
  init(C: number, seg: SegmentBuffer, useScale: boolean, accumulate: boolean): this {
    this.C = C;
    this.setU32(1, C).setU32(2, (useScale ? 1 : 0) | (accumulate ? 2 : 0));
    this.setU32(3, seg.offsetsAt).setU32(4, seg.srcAt).setU32(5, seg.scaleAt);
    return this;
  }
  /** Number of segments in use this step. */
  setRows(n: number): this {
    this.setU32(0, n);
    this.workgroups = n === 0 ? [0, 1, 1] : grid1d(n * this.C);
    return this;
  }
}

/** dst[rows[u]] (+)= sum over segment u of scale * src[entrySrc]: scatter-add without atomics. */
export function segmentSum(ctx: GpuContext, a: { seg: SegmentBuffer; scales?: Bindable | null; src: Bindable; dst: Bindable; C: number; accumulate: boolean }, label = 'segment_sum'): SegmentSumDispatch {
  const d = new SegmentSumDispatch(ctx, label, ctx.pipeline('embedding.wgsl', 'segment_sum'), 8, 9, [
    [10, a.seg.buffer], [11, a.scales ?? ctx.unused()], [12, a.src], [13, a.dst],
  ], [0, 1, 1]);
  d.init(a.C, a.seg, !!a.scales, a.accumulate);
  d.setRows(a.seg.nRows);
  return d;
}
