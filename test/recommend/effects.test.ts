/**
 * What the learner sees from leave-one-out effects (recommend/effects.ts), and
 * the attention rollout the heatmap shows (recommend/explain.ts).
 */
import { describe, expect, it } from 'vitest';
import { eventEffects, explainEffects } from '../../src/recommend/effects';
import { rowNormalisers } from '../../src/model/occlusion';
import { attentionRollout } from '../../src/recommend/explain';

describe('explainEffects', () => {
  it('names the readings that raised the score most and those that lowered it, as shares of the total effect', () => {
    const why = explainEffects([0.4, -0.1, 0.3, 0.2], ['a', 'b', 'c', 'd'], 'x');
    expect(why.raised).toEqual([
      { readingId: 'a', percent: 40 },
      { readingId: 'c', percent: 30 },
      { readingId: 'd', percent: 20 },
    ]);
    expect(why.lowered).toEqual([{ readingId: 'b', percent: 10 }]);
  });

  it('merges the sessions of one reading', () => {
    const why = explainEffects([0.1, 0.3, 0.2, -0.2], ['a', 'b', 'a', 'a'], 'x');
    // a: 0.1 + 0.2 - 0.2 = 0.1, so a raised it once its sessions are summed.
    expect(why.raised).toEqual([
      { readingId: 'b', percent: 75 },
      { readingId: 'a', percent: 25 },
    ]);
    expect(why.lowered).toEqual([]);
  });

  it('never explains a reading by itself', () => {
    const why = explainEffects([0.9, 0.1, 0.05], ['x', 'a', 'b'], 'x');
    expect(why.raised.map((e) => e.readingId)).toEqual(['a', 'b']);
    expect(why.raised[0].percent).toBe(67);
  });

  it('claims nothing when the events do not change the score', () => {
    expect(explainEffects([0, 1e-7, -1e-7], ['a', 'b', 'c'], 'x')).toEqual({ raised: [], lowered: [] });
    expect(explainEffects([], [], 'x')).toEqual({ raised: [], lowered: [] });
  });

  it('orders equal effects newest first, not by name', () => {
    expect(explainEffects([0.2, 0.2], ['a', 'b'], 'x').raised.map((e) => e.readingId)).toEqual(['b', 'a']);
  });

  it('differs between candidates when their effects differ', () => {
    const h = ['a', 'b', 'c'];
    expect(explainEffects([0.5, 0.1, 0.1], h, 'x').raised[0].readingId).toBe('a');
    expect(explainEffects([0.1, 0.1, 0.5], h, 'y').raised[0].readingId).toBe('c');
  });
});

describe('eventEffects', () => {
  it('is the drop of the candidate log share when each event is removed', () => {
    // 2 items (columns 1, 2); rows: full history, without event 0, without event 1.
    const scores = Float32Array.from([0, 2, 0, 0, 0, 0, 0, 3, 0]);
    const loo = { window: 2, cols: 3, scores };
    const lse = rowNormalisers(loo);
    expect(lse[1]).toBeCloseTo(Math.log(2), 12);
    const e = eventEffects(loo, 1);
    const logShare = (a: number, b: number) => a - Math.log(Math.exp(a) + Math.exp(b));
    expect(e[0]).toBeCloseTo(logShare(2, 0) - logShare(0, 0), 6);
    expect(e[1]).toBeCloseTo(logShare(2, 0) - logShare(3, 0), 6);
    expect(e[1]).toBeLessThan(0);
  });
});

describe('attentionRollout', () => {
  it('rows sum to 1, causal, and equal (A + I) / 2 for one layer', () => {
    const T = 4;
    const len = 3;
    const H = 2;
    const att = new Float32Array(H * T * T);
    // Rows of each head over the visible window (positions 1..3), each summing to 1.
    const rows = [
      [1, 0, 0],
      [0.25, 0.75, 0],
      [0.5, 0.25, 0.25],
    ];
    for (let h = 0; h < H; h++) for (let q = 0; q < len; q++) for (let k = 0; k < len; k++) att[(h * T + 1 + q) * T + 1 + k] = rows[q][k];
    const one = attentionRollout([att], H, T, len);
    expect(one[2 * len + 0]).toBeCloseTo(0.25, 6);
    expect(one[2 * len + 2]).toBeCloseTo(0.625, 6);
    const two = attentionRollout([att, att], H, T, len);
    for (let q = 0; q < len; q++) {
      expect(two.slice(q * len, q * len + len).reduce((a, b) => a + b, 0)).toBeCloseTo(1, 6);
      for (let k = q + 1; k < len; k++) expect(two[q * len + k]).toBe(0);
    }
  });
});
