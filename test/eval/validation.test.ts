/**
 * The app's validation maths (eval/validation.ts): the Wilson interval against hand-computed values,
 * the report's count, hits, interval, baseline and the gate of MIN_EVALUATED events, and the gate on
 * explanations (reasons only for a model that beats the popularity baseline).
 */
import { describe, expect, it } from 'vitest';
import { explanationGate, MIN_EVALUATED, validationReport, wilsonInterval } from '../../src/eval/validation';

describe('the Wilson interval', () => {
  it('matches hand-computed 95 % intervals', () => {
    // 7 of 20: p = .35, z = 1.96: centre (.35 + z²/40) / (1 + z²/20) = .37417, half-width .19298.
    const a = wilsonInterval(7, 20);
    expect(a.low).toBeCloseTo(0.1812, 4);
    expect(a.high).toBeCloseTo(0.5671, 4);
    // 0 of 10: [0, z² / (n + z²)] = [0, .2775]; 10 of 10 mirrors it.
    expect(wilsonInterval(0, 10).low).toBe(0);
    expect(wilsonInterval(0, 10).high).toBeCloseTo(0.2775, 4);
    expect(wilsonInterval(10, 10).low).toBeCloseTo(0.7225, 4);
    expect(wilsonInterval(10, 10).high).toBe(1);
    // 1 of 1 says almost nothing: the interval that made "HR@10 1.00 (1 of 1)" misleading.
    expect(wilsonInterval(1, 1).low).toBeCloseTo(0.2065, 4);
    expect(wilsonInterval(0, 0)).toEqual({ low: 0, high: 1 });
  });
  it('refuses what is not a count', () => {
    expect(() => wilsonInterval(3, 2)).toThrow(/3 hits of 2/);
    expect(() => wilsonInterval(1.5, 4)).toThrow(/not a count/);
  });
});

describe('the validation report', () => {
  it('counts the events, the hits in the top 10 (rank 0..9), and the baseline on the same events', () => {
    // 20 learner events then 5 pack events; the model ranks 7 of them in its top 10, popularity 3.
    const model = [0, 9, 10, 3, 50, 2, 11, 1, 4, 12, ...new Array<number>(15).fill(20)];
    const popularity = [0, 1, 2, ...new Array<number>(22).fill(30)];
    const r = validationReport({ model, popularity, learner: 20 });
    expect(r).toMatchObject({ cases: 25, learnerCases: 20, packCases: 5, measurable: true });
    expect(r.model.hits).toBe(6);
    expect(r.model.hr10).toBeCloseTo(6 / 25, 10);
    expect(r.model.low).toBeCloseTo(wilsonInterval(6, 25).low, 10);
    expect(r.popularity.hits).toBe(3);
    expect(r.popularity.hr10).toBeCloseTo(3 / 25, 10);
    // NDCG@10: 1/log2(rank + 2) summed over the hits, over all events.
    const ndcg = [0, 9, 3, 2, 1, 4].reduce((a, k) => a + 1 / Math.log2(k + 2), 0) / 25;
    expect(r.model.ndcg10).toBeCloseTo(ndcg, 10);
  });
  it(`shows a figure only from ${MIN_EVALUATED} events on`, () => {
    const ranks = (n: number) => new Array<number>(n).fill(0);
    expect(validationReport({ model: ranks(MIN_EVALUATED - 1), popularity: ranks(MIN_EVALUATED - 1), learner: 4 }).measurable).toBe(false);
    expect(validationReport({ model: ranks(MIN_EVALUATED), popularity: ranks(MIN_EVALUATED), learner: 0 }).measurable).toBe(true);
    expect(validationReport({ model: [], popularity: [], learner: 0 })).toMatchObject({ cases: 0, measurable: false, model: { hits: 0, low: 0, high: 1 } });
  });
  it('refuses ranks of the model and the baseline on different events', () => {
    expect(() => validationReport({ model: [1, 2], popularity: [1], learner: 0 })).toThrow(/2 model ranks but 1 popularity/);
    expect(() => validationReport({ model: [1], popularity: [1], learner: 2 })).toThrow(/2 learner events of 1/);
  });
});

describe('the gate on explanations', () => {
  /** A report of `n` events: the model has `m` in its top 10, popularity `p` (learner events only). */
  const report = (n: number, m: number, p: number) =>
    validationReport({
      model: Array.from({ length: n }, (_, i) => (i < m ? 0 : 50)),
      popularity: Array.from({ length: n }, (_, i) => (i < p ? 3 : 50)),
      learner: n,
    });
  it('explains when the model hits more often than popularity on at least MIN_EVALUATED events', () => {
    expect(explanationGate(report(MIN_EVALUATED, 8, 7))).toBe('explain');
    expect(explanationGate(report(100, 40, 10))).toBe('explain');
  });
  it('says "not better" when the model only ties or loses to popularity', () => {
    expect(explanationGate(report(MIN_EVALUATED, 7, 7))).toBe('not-better');
    expect(explanationGate(report(100, 10, 40))).toBe('not-better');
    expect(explanationGate(report(MIN_EVALUATED, 0, 0))).toBe('not-better');
  });
  it('says "too little" below MIN_EVALUATED events or without a validation, however good the model looks', () => {
    expect(explanationGate(report(MIN_EVALUATED - 1, MIN_EVALUATED - 1, 0))).toBe('too-little');
    expect(explanationGate(report(0, 0, 0))).toBe('too-little');
    expect(explanationGate(null)).toBe('too-little');
  });
});
