/**
 * Whether the app may show predicted understanding (issue 18): the model must
 * beat the learner's running success rate on held-out sessions. The newest
 * rated sessions are held out (at most MAX_HELD_OUT, never more than a quarter
 * of them); the model trains on the ones before and predicts each held-out
 * session from every outcome before it. The baseline predicts the share of the
 * learner's earlier rated sessions they understood. Both are scored by the
 * Brier score (mean squared error of the probability; lower is better). The
 * model passes when its error is lower by more than chance would give: the
 * paired differences of the squared errors, one-sided at 95 % (mean minus
 * 1.645 standard errors above zero). A plain "lower" let half of 60 real
 * learners of ASSIST2015 through, where the model was no better (median error
 * ratio 1.01, bench/RESULTS.md). Fewer than MIN_HELD_OUT held-out sessions is
 * too little evidence either way.
 */
import type { Attempt } from '../train/understandingData';

const MAX_HELD_OUT = 20;
export const MIN_HELD_OUT = 10;
/** One-sided 95 % normal quantile: how many standard errors the mean gain must clear. */
const Z = 1.645;

/** How many of `n` rated sessions are held out: the newest, at most a quarter and MAX_HELD_OUT. */
export const heldOutCount = (n: number): number => Math.min(MAX_HELD_OUT, Math.floor(n / 4));

/** The learner's running success rate before each attempt from `from` on (0.5 before the first). */
export function runningRates(attempts: Pick<Attempt, 'understood'>[], from: number): number[] {
  let right = 0;
  const out: number[] = [];
  attempts.forEach((a, i) => {
    if (i >= from) out.push(i === 0 ? 0.5 : right / i);
    right += a.understood;
  });
  return out;
}

export function brierScore(probs: ArrayLike<number>, labels: ArrayLike<number>): number {
  if (probs.length !== labels.length || probs.length === 0) throw new Error(`brier score: ${probs.length} probabilities for ${labels.length} outcomes`);
  let s = 0;
  for (let i = 0; i < probs.length; i++) s += (probs[i] - labels[i]) ** 2;
  return s / probs.length;
}

export interface UnderstandingCheck {
  /** Held-out sessions the check scored. */
  heldOut: number;
  /** Brier scores on them; null with no held-out session. */
  modelError: number | null;
  baselineError: number | null;
  /** 'too-few': fewer than MIN_HELD_OUT held out; 'not-better': the model's error is not clearly below the baseline's. */
  verdict: 'passed' | 'too-few' | 'not-better';
}

/** Whether the gains (baseline's squared error minus the model's, per session) are above zero beyond chance. */
export function clearlyBetter(gains: number[]): boolean {
  const n = gains.length;
  if (n < 2) return false;
  const mean = gains.reduce((a, b) => a + b, 0) / n;
  const variance = gains.reduce((a, g) => a + (g - mean) ** 2, 0) / (n - 1);
  return mean - Z * Math.sqrt(variance / n) > 0;
}

/** The gate, from the model's probabilities on the held-out attempts (the last probs.length of `attempts`). */
export function understandingCheck(attempts: Pick<Attempt, 'understood'>[], probs: ArrayLike<number>): UnderstandingCheck {
  const n = probs.length;
  if (n === 0) return { heldOut: 0, modelError: null, baselineError: null, verdict: 'too-few' };
  const from = attempts.length - n;
  const labels = attempts.slice(from).map((a) => a.understood);
  const baseline = runningRates(attempts, from);
  const modelError = brierScore(probs, labels);
  const baselineError = brierScore(baseline, labels);
  const gains = labels.map((y, i) => (baseline[i] - y) ** 2 - (probs[i] - y) ** 2);
  const verdict = n < MIN_HELD_OUT ? 'too-few' : clearlyBetter(gains) ? 'passed' : 'not-better';
  return { heldOut: n, modelError, baselineError, verdict };
}
