/**
 * Ranking metrics shared by validation and the benchmarks: ties count against the target,
 * only eligible ids compete, and HR@10 / NDCG@10 follow their definitions on hand-made ranks.
 */
import { describe, expect, it } from 'vitest';
import { metricsFromRanks, rankOf } from '../../src/train/metrics';

describe('rankOf', () => {
  // index 0 is the padding id and never competes
  const scores = [99, 0.5, 0.9, 0.5, 0.1, 0.7];
  it('counts the ids scored at least as high as the target: a tie ranks the target lower', () => {
    expect(rankOf(scores, 2)).toBe(0);
    expect(rankOf(scores, 5)).toBe(1);
    expect(rankOf(scores, 1)).toBe(3); // 0.9, 0.7 and the tied 0.5 (id 3)
    expect(rankOf(scores, 3)).toBe(3); // symmetric: the tie counts against either
    expect(rankOf(scores, 4)).toBe(4);
  });
  it('only eligible ids compete', () => {
    expect(rankOf(scores, 1, (id) => id !== 2 && id !== 3)).toBe(1);
    expect(rankOf(scores, 4, (id) => id === 4)).toBe(0);
  });
});

describe('metricsFromRanks', () => {
  it('HR@10 counts ranks 0..9; NDCG@10 adds 1/log2(rank + 2) for them', () => {
    const m = metricsFromRanks([0, 1, 9, 10, 50]);
    expect(m.users).toBe(5);
    expect(m.hr10).toBeCloseTo(3 / 5, 12);
    expect(m.ndcg10).toBeCloseTo((1 + 1 / Math.log2(3) + 1 / Math.log2(11)) / 5, 12);
  });
});
