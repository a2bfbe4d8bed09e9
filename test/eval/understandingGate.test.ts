/** Issue 18: the check predictions must pass (the model against the running success rate, on held-out sessions). */
import { describe, expect, it } from 'vitest';
import { brierScore, clearlyBetter, heldOutCount, MIN_HELD_OUT, runningRates, understandingCheck } from '../../src/eval/understandingGate';

const attempts = (bits: string) => [...bits].map((b) => ({ understood: (b === '1' ? 1 : 0) as 0 | 1 }));

describe('the understanding check', () => {
  it('holds out the newest quarter, at most 20', () => {
    expect([0, 3, 4, 39, 40, 44, 80, 81, 500].map(heldOutCount)).toEqual([0, 0, 1, 9, 10, 11, 20, 20, 20]);
  });
  it('the running success rate is the share understood before each attempt, one half before the first', () => {
    expect(runningRates(attempts('1101'), 0)).toEqual([0.5, 1, 1, 2 / 3]);
    expect(runningRates(attempts('1101'), 2)).toEqual([1, 2 / 3]);
  });
  it('the Brier score is the mean squared error, and refuses mismatched lengths', () => {
    expect(brierScore([1, 0.5, 0], [1, 0, 1])).toBeCloseTo((0 + 0.25 + 1) / 3, 12);
    expect(() => brierScore([0.5], [1, 0])).toThrow(/1 probabilities for 2 outcomes/);
  });
  it('a gain counts when its mean clears 1.645 standard errors above zero', () => {
    expect(clearlyBetter([0.1, 0.1, 0.1, 0.1])).toBe(true); // no spread: any positive mean
    expect(clearlyBetter([0.3, -0.1, 0.2, -0.1, 0.1])).toBe(false); // mean 0.08, standard error 0.075
    expect(clearlyBetter([0.3, 0.1, 0.2, 0.1, 0.1, 0.2, -0.05, 0.15])).toBe(true);
    expect(clearlyBetter([-0.1, -0.1])).toBe(false);
    expect(clearlyBetter([0.5])).toBe(false); // one session is no evidence
  });
  it('passes only a model closer than the baseline, on at least MIN_HELD_OUT sessions', () => {
    const history = attempts('10101010101010101010' + '1111111111');
    const held = history.slice(-10).map((a) => a.understood);
    const baseline = runningRates(history, history.length - 10);
    // The outcomes themselves (almost): better than any running rate.
    expect(
      understandingCheck(
        history,
        held.map((y) => (y ? 0.9 : 0.1)),
      ).verdict,
    ).toBe('passed');
    // The baseline's own probabilities: not better.
    const same = understandingCheck(history, baseline);
    expect(same.verdict).toBe('not-better');
    expect(same.modelError).toBeCloseTo(same.baselineError!, 12);
    // Closer on average, but by one lucky session among ten: not clearly better.
    const lucky = baseline.map((p, i) => (i === 0 ? held[0] : p));
    const one = understandingCheck(history, lucky);
    expect(one.modelError!).toBeLessThan(one.baselineError!);
    expect(one.verdict).toBe('not-better');
    // Wrong-way probabilities: worse.
    expect(
      understandingCheck(
        history,
        held.map((y) => (y ? 0.1 : 0.9)),
      ).verdict,
    ).toBe('not-better');
    // Too few held out, however good.
    const short = understandingCheck(
      history,
      held.slice(-(MIN_HELD_OUT - 1)).map((y) => y),
    );
    expect(short).toMatchObject({ verdict: 'too-few', heldOut: MIN_HELD_OUT - 1, modelError: 0 });
    expect(understandingCheck(history, [])).toEqual({ heldOut: 0, modelError: null, baselineError: null, verdict: 'too-few' });
  });
});
