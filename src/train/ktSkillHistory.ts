/**
 * The knowledge-tracing model's input tokens: a skill together with the
 * learner's last outcomes on that skill (issue 17).
 *
 * One attention layer over (skill, outcome) interactions does not pick out
 * "how did this learner do on this skill last time" reliably: on ASSIST2015
 * validation, giving it that in the query token raised AUC by about 0.02,
 * the run it is in 0.004 more, and on the full file the outcome before that
 * 0.003 more; right / wrong counts, three outcomes or longer runs did less
 * as tokens of their own (bench/RESULTS.md). The token is still causal: attempt t's token holds
 * outcomes before t only.
 *
 * Token = skill + skills * (state + states * (run + runs * wrongs)):
 * - state 0 is "no earlier attempt on the skill"; a history of h outcomes
 *   (1 <= h <= depth, oldest first, as bits) is state 2^h - 1 + bits, so
 *   states = 2^(depth+1) - 1;
 * - run is how many attempts just before this one were on the same skill,
 *   capped at runCap (skill builders ask for the same skill until it is
 *   mastered, so a run's length says where the learner stands in it);
 * - wrongs is how many earlier attempts on the skill were wrong, in doubling
 *   buckets 0 | 1 | 2-3 | 4-7 | 8-15 ..., the last open-ended (left out with
 *   0 buckets): it reaches back past the model's window and the last outcomes.
 * The vocabulary is skills * states * (runCap + 1) * max(1, wrongBuckets); the
 * key/value interaction of a token is token + vocabulary * outcome as before.
 * The model may embed a token by its own row or as a sum of shared rows for
 * its skill and each factor (model/ktTokenParts.ts; skillHistoryFactors).
 */
import type { KtLearner } from '../data/ktFormat';

export interface SkillHistory {
  /** How many of the learner's last outcomes on the skill the token keeps (0..4). */
  depth: number;
  /** Runs of the same skill longer than this count as this long (0 leaves runs out). */
  runCap: number;
  /** Buckets of the earlier wrong attempts on the skill (0 or absent leaves them out). */
  wrongBuckets?: number;
}

/** How many states a skill has when the last `depth` outcomes on it are kept. */
export function skillHistoryStates(depth: number): number {
  if (!(Number.isInteger(depth) && depth >= 0 && depth <= 4)) throw new Error(`skill history depth must be an integer in 0..4, got ${depth}`);
  return 2 ** (depth + 1) - 1;
}

/** The state of a skill whose earlier outcomes, oldest first, are `recent` (at most depth of them). */
export function skillHistoryState(recent: readonly number[]): number {
  let bits = 0;
  for (const o of recent) bits = 2 * bits + o;
  return recent.length === 0 ? 0 : 2 ** recent.length - 1 + bits;
}

/** The doubling bucket of `wrongs` earlier wrong attempts: 0 | 1 | 2-3 | 4-7 ..., at most buckets - 1. */
export function wrongBucket(wrongs: number, buckets: number): number {
  let b = 0;
  while (b < buckets - 1 && wrongs >= 2 ** b) b++;
  return b;
}

/** The sizes of the token's factors after the skill, in token order (model/ktTokenParts.ts): states, runs, wrong buckets. */
export function skillHistoryFactors(h: SkillHistory): number[] {
  if (!(Number.isInteger(h.runCap) && h.runCap >= 0 && h.runCap <= 8)) throw new Error(`skill run cap must be an integer in 0..8, got ${h.runCap}`);
  const w = h.wrongBuckets ?? 0;
  if (!(Number.isInteger(w) && w >= 0 && w <= 8)) throw new Error(`skill wrong buckets must be an integer in 0..8, got ${w}`);
  return [skillHistoryStates(h.depth), h.runCap + 1, Math.max(1, w)];
}

/** Token ids 1..vocabulary for these skills 1..skills. */
export function skillHistoryVocabulary(skills: number, h: SkillHistory): number {
  return skillHistoryFactors(h).reduce((a, n) => a * n, skills);
}

/**
 * The learners with each attempt's skill replaced by its token; outcomes are
 * unchanged. Depth 0 and run cap 0 leave the skills as they are.
 */
export function withSkillHistory(learners: KtLearner[], skills: number, h: SkillHistory): { learners: KtLearner[]; vocabulary: number } {
  const vocabulary = skillHistoryVocabulary(skills, h);
  const [states, runs, wrongSizes] = skillHistoryFactors(h);
  if (vocabulary === skills) return { learners, vocabulary };
  const out = learners.map((l) => {
    const recent = new Map<number, number[]>();
    const wrongs = new Map<number, number>();
    const tokens = l.skills.map((skill, i) => {
      if (!(Number.isInteger(skill) && skill >= 1 && skill <= skills)) throw new Error(`skill history: skill ${skill} is outside 1..${skills}`);
      const before = recent.get(skill) ?? [];
      if (h.depth > 0) recent.set(skill, [...before, l.correct[i]].slice(-h.depth));
      const wrong = wrongs.get(skill) ?? 0;
      wrongs.set(skill, wrong + (l.correct[i] === 0 ? 1 : 0));
      let run = 0;
      while (run < h.runCap && i - 1 - run >= 0 && l.skills[i - 1 - run] === skill) run++;
      return skill + skills * (skillHistoryState(before) + states * (run + runs * wrongBucket(wrong, wrongSizes)));
    });
    return { skills: tokens, correct: l.correct };
  });
  return { learners: out, vocabulary };
}
