/**
 * The knowledge-tracing benchmark's two baselines, scored on the same
 * attempts as the model (every attempt after a learner's first):
 * - skill: the skill's success rate in the training learners;
 * - running: the learner's success rate on the skill so far, or the skill's
 *   training rate before their first attempt at it.
 * A skill never seen in training gets the overall training success rate.
 */
import type { KtLearner } from '../data/ktFormat';

export interface KtBaselinePredictions {
  skill: Float64Array;
  running: Float64Array;
  labels: Uint8Array;
}

function skillRates(train: KtLearner[]): (skill: number) => number {
  const right = new Map<number, number>();
  const seen = new Map<number, number>();
  let r = 0;
  let n = 0;
  for (const l of train) {
    l.skills.forEach((s, i) => {
      seen.set(s, (seen.get(s) ?? 0) + 1);
      right.set(s, (right.get(s) ?? 0) + l.correct[i]);
      r += l.correct[i];
      n++;
    });
  }
  const overall = n ? r / n : 0.5;
  return (s) => {
    const k = seen.get(s);
    return k ? right.get(s)! / k : overall;
  };
}

export function ktBaselines(train: KtLearner[], test: KtLearner[]): KtBaselinePredictions {
  const rate = skillRates(train);
  const skill: number[] = [];
  const running: number[] = [];
  const labels: number[] = [];
  for (const l of test) {
    const right = new Map<number, number>();
    const seen = new Map<number, number>();
    l.skills.forEach((s, i) => {
      if (i > 0) {
        const k = seen.get(s) ?? 0;
        skill.push(rate(s));
        running.push(k ? right.get(s)! / k : rate(s));
        labels.push(l.correct[i]);
      }
      seen.set(s, (seen.get(s) ?? 0) + 1);
      right.set(s, (right.get(s) ?? 0) + l.correct[i]);
    });
  }
  return { skill: Float64Array.from(skill), running: Float64Array.from(running), labels: Uint8Array.from(labels) };
}
