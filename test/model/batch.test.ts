import { describe, expect, it } from 'vitest';
import { NO_SCALE, buildSegments } from '../../src/kernels/segments';
import { checkBatch, historyBatch, sampleCandidates } from '../../src/model/batch';
import { makeConfig } from '../../src/model/config';
import { Rng } from '../../src/model/random';
import { testSeed } from '../support/harness';

describe('segment lists (the inverse index behind the scatter-adds)', () => {
  it('group every entry under its key, each key once, in a fixed order', () => {
    const rng = new Rng(testSeed());
    const keys = Array.from({ length: 500 }, () => rng.int(0, 37));
    const srcs = keys.map((_, i) => i);
    const seg = buildSegments(keys, srcs, null, 37);
    expect(new Set(seg.rows).size).toBe(seg.rows.length);
    expect(seg.offsets[seg.rows.length]).toBe(500);
    const seen: number[] = [];
    for (let u = 0; u < seg.rows.length; u++) {
      expect(seg.offsets[u + 1]).toBeGreaterThan(seg.offsets[u]);
      for (let e = seg.offsets[u]; e < seg.offsets[u + 1]; e++) {
        expect(keys[seg.entrySrc[e]]).toBe(seg.rows[u]);
        expect(seg.entryScale[e]).toBe(NO_SCALE);
        seen.push(seg.entrySrc[e]);
      }
    }
    expect(seen.sort((a, b) => a - b)).toEqual(srcs);
  });
});

describe('candidate sets for sampled softmax', () => {
  const cfg = makeConfig({ items: 1000, maxlen: 5, dim: 8, blocks: 1, heads: 1, loss: 'ce' });
  it('hold every target once plus the requested uniform negatives', () => {
    const rng = new Rng(testSeed());
    const targets = Int32Array.of(0, 5, 5, 9, 0, 777, 9);
    const c = sampleCandidates(cfg, targets, 50, rng);
    expect(c.length).toBe(3 + 50);
    expect(Array.from(c.slice(0, 3))).toEqual([5, 9, 777]);
    expect(new Set(c).size).toBe(c.length);
    for (const id of c) expect(id >= 1 && id <= 1000).toBe(true);
  });
  it('never exceed the engine capacity, and say so when the targets alone do', () => {
    const rng = new Rng(1);
    expect(sampleCandidates(cfg, Int32Array.of(1, 2, 3), 50, rng, 10).length).toBe(10);
    expect(() => sampleCandidates(cfg, Int32Array.of(1, 2, 3), 0, rng, 2)).toThrow(/3 distinct targets exceed the 2 candidates/);
    expect(sampleCandidates(cfg, Int32Array.of(1), 5000, rng).length).toBe(1000);
  });
});

describe('batch validation', () => {
  const cfg = makeConfig({ items: 10, maxlen: 3, dim: 4, blocks: 1, heads: 1, loss: 'bce' });
  const ok = () => ({ inputs: new Int32Array(6), targets: new Int32Array(6), negatives: new Int32Array(6) });
  it('accepts a well-formed batch', () => expect(() => checkBatch(cfg, ok(), 2)).not.toThrow());
  it.each([
    ['inputs', (b: ReturnType<typeof ok>) => (b.inputs = new Int32Array(5)), /inputs has length 5, expected 6/],
    ['a negative id', (b: ReturnType<typeof ok>) => (b.targets[2] = -1), /targets\[2\] = -1 is not an item id/],
    ['an id past the catalog', (b: ReturnType<typeof ok>) => (b.negatives[5] = 11), /negatives\[5\] = 11/],
  ])('refuses %s with the array and index named', (_, spoil, msg) => {
    const b = ok();
    spoil(b);
    expect(() => checkBatch(cfg, b, 2)).toThrow(msg);
  });
});

describe('history batches', () => {
  const cfg = makeConfig({ items: 50, maxlen: 4, dim: 4, blocks: 1, heads: 1, loss: 'bce', features: 2 });
  it("left-pad the newest items and put each event's features on its row", () => {
    const b = historyBatch(cfg, [[1, 2, 3, 4, 5], [7]], 3, [Float32Array.of(1, 1, 2, 2, 3, 3, 4, 4, 5, 5), Float32Array.of(9, 8)]);
    expect(Array.from(b.inputs)).toEqual([2, 3, 4, 5, 0, 0, 0, 7, 0, 0, 0, 0]);
    expect(Array.from(b.features!.slice(0, 8))).toEqual([2, 2, 3, 3, 4, 4, 5, 5]);
    expect(Array.from(b.features!.slice(8, 16))).toEqual([0, 0, 0, 0, 0, 0, 9, 8]);
  });
  it('accept an empty history with features', () => {
    const b = historyBatch(cfg, [[]], 1, [Float32Array.of(1, 2)]);
    expect(Array.from(b.features!)).toEqual(new Array(8).fill(0));
    expect(() => historyBatch(cfg, [[1], [2]], 1)).toThrow(/2 histories do not fit in 1 rows/);
  });
});
