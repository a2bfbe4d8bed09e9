/**
 * The segment-list format that embedding.wgsl's segment_sum reads (see
 * SegmentBuffer), and its CPU-side builder: inverse indices that let the GPU
 * scatter-add rows without float atomics.
 */

/**
 * Rows grouped by destination: destination `rows[u]` receives the sum over
 * entries e in [offsets[u], offsets[u+1]) of scale(e) * src[entrySrc[e]].
 * Each destination row appears once, so one invocation owns it: no races, and
 * the sum runs in a fixed order (deterministic).
 */
export interface SegmentList {
  rows: Uint32Array;
  offsets: Uint32Array;
  /** Source row of each entry. */
  entrySrc: Uint32Array;
  /** Index into a scale vector, or 0xffffffff for scale 1. */
  entryScale: Uint32Array;
}

export const NO_SCALE = 0xffffffff;

/** Counting-sort (key -> [src, scaleIdx]) pairs into a SegmentList. */
export function buildSegments(keys: ArrayLike<number>, srcs: ArrayLike<number>, scales: ArrayLike<number> | null, keySpace: number): SegmentList {
  const n = keys.length;
  const count = new Uint32Array(keySpace + 1);
  for (let i = 0; i < n; i++) count[keys[i]]++;
  const rowsList: number[] = [];
  const start = new Uint32Array(keySpace + 1);
  let acc = 0;
  for (let k = 0; k < keySpace; k++) {
    if (count[k] > 0) {
      rowsList.push(k);
      start[k] = acc;
      acc += count[k];
    }
  }
  const rows = Uint32Array.from(rowsList);
  const offsets = new Uint32Array(rows.length + 1);
  for (let u = 0; u < rows.length; u++) offsets[u] = start[rows[u]];
  offsets[rows.length] = acc;
  const entrySrc = new Uint32Array(n);
  const entryScale = new Uint32Array(n);
  const fill = start.slice();
  for (let i = 0; i < n; i++) {
    const p = fill[keys[i]]++;
    entrySrc[p] = srcs[i];
    entryScale[p] = scales ? scales[i] : NO_SCALE;
  }
  return { rows, offsets, entrySrc, entryScale };
}
