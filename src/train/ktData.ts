/**
 * Knowledge-tracing data for training and evaluation: the seeded learner
 * split (validation for early stopping) and learners' attempts cut into the
 * model's windows of maxlen.
 */
import type { KtLearner } from '../data/ktFormat';
import { interactionId, type KtWindow } from '../model/ktBatch';
import { Rng } from '../model/random';
import { shuffled } from './sampling';

/** Hold out `fraction` of the learners (rounded), chosen by a seeded shuffle; the rest keep their order. */
export function splitLearners(learners: KtLearner[], fraction: number, seed: number): { train: KtLearner[]; validation: KtLearner[] } {
  if (!(fraction >= 0 && fraction < 1)) throw new Error(`validation fraction must be in [0, 1), got ${fraction}`);
  const order = shuffled(learners.length, new Rng(seed));
  const held = new Set(order.slice(0, Math.round(learners.length * fraction)));
  return { train: learners.filter((_, i) => !held.has(i)), validation: learners.filter((_, i) => held.has(i)) };
}

/** The largest skill id in these files: the model's skill vocabulary. */
export function skillCount(...sets: KtLearner[][]): number {
  let max = 0;
  for (const set of sets) for (const l of set) for (const s of l.skills) if (s > max) max = s;
  return max;
}

/** Attempts s..e-1 of a learner, with the interaction just before them (0 at the start). */
function windowOf(l: KtLearner, s: number, e: number, scoreFrom: number, skills: number): KtWindow {
  return {
    skills: l.skills.slice(s, e),
    correct: l.correct.slice(s, e),
    prev: s === 0 ? 0 : interactionId(l.skills[s - 1], l.correct[s - 1], skills),
    scoreFrom,
  };
}

/**
 * Each learner's attempts in consecutive windows of up to maxlen. A later
 * window carries the interaction just before it, so its first attempt sees
 * one earlier outcome; a learner's very first attempt is never scored.
 * Learners with fewer than two attempts have nothing to score and give no window.
 * With `shift`, each learner's first window is 1..maxlen attempts long (drawn),
 * so the borders fall elsewhere each time; a window with nothing to score is left out.
 */
export function ktWindows(learners: KtLearner[], maxlen: number, skills: number, shift?: Rng): KtWindow[] {
  const out: KtWindow[] = [];
  for (const l of learners) {
    const n = l.skills.length;
    if (n < 2) continue;
    let s = 0;
    let e = Math.min(n, shift ? shift.int(1, maxlen + 1) : maxlen);
    while (s < n) {
      if (e - s > (s === 0 ? 1 : 0)) out.push(windowOf(l, s, e, s === 0 ? 1 : 0, skills));
      s = e;
      e = Math.min(n, s + maxlen);
    }
  }
  return out;
}

/**
 * Windows for scoring: every attempt after a learner's first is scored exactly
 * once, and with as much history as a window holds. The first window is the
 * learner's first maxlen attempts; each later one ends `stride` attempts further
 * on and scores only those, so each scored attempt sees at least
 * maxlen - stride earlier attempts (plus the interaction before the window).
 * Fixed chunks (ktWindows) would leave a chunk's first attempts with one.
 */
export function ktScoringWindows(learners: KtLearner[], maxlen: number, skills: number, stride = Math.ceil(maxlen / 2)): KtWindow[] {
  if (!(Number.isInteger(stride) && stride >= 1 && stride <= maxlen)) throw new Error(`scoring stride must be an integer in 1..${maxlen}, got ${stride}`);
  const out: KtWindow[] = [];
  for (const l of learners) {
    const n = l.skills.length;
    if (n < 2) continue;
    let scored = Math.min(n, maxlen);
    out.push(windowOf(l, 0, scored, 1, skills));
    while (scored < n) {
      const e = Math.min(n, scored + stride);
      const s = e - maxlen;
      out.push(windowOf(l, s, e, scored - s, skills));
      scored = e;
    }
  }
  return out;
}
