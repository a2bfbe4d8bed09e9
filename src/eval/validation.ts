/**
 * The app's validation, shared by every issue that measures the model (explanations, knowledge tracing):
 * the held-out events the trainer ranked (train/metrics.ts ValidationRanks: the learner's newest events,
 * each predicted from the events before it, and one held-out last event per path-pack learner), turned
 * into a count, HR@10 and NDCG@10, a 95 % Wilson interval for HR@10, and the popularity baseline on the
 * very same events. A figure is shown only from MIN_EVALUATED events on: below that, an interval is too
 * wide to say anything (with 10 events, 5 hits give 24 %–76 %).
 */
import { metricsFromRanks, type ValidationRanks } from '../train/metrics';

/** Events needed before a figure is shown. */
export const MIN_EVALUATED = 20;

/** z for a two-sided 95 % interval. */
const Z95 = 1.959964;

/**
 * The Wilson score interval for `hits` successes in `n` trials (95 % by default): unlike the normal
 * approximation it stays inside [0, 1] and is sensible for 0 or n hits and for small n.
 */
export function wilsonInterval(hits: number, n: number, z = Z95): { low: number; high: number } {
  if (!Number.isInteger(hits) || !Number.isInteger(n) || n < 0 || hits < 0 || hits > n) throw new Error(`wilsonInterval: ${hits} hits of ${n} is not a count`);
  if (n === 0) return { low: 0, high: 1 };
  const p = hits / n;
  const z2 = z * z;
  const centre = (p + z2 / (2 * n)) / (1 + z2 / n);
  const half = (z / (1 + z2 / n)) * Math.sqrt((p * (1 - p)) / n + z2 / (4 * n * n));
  // At 0 or n hits the bound is exactly 0 or 1 (rounding would leave 1e-16 off it).
  return { low: hits === 0 ? 0 : Math.max(0, centre - half), high: hits === n ? 1 : Math.min(1, centre + half) };
}

/** One ranker's result on the evaluated events. */
export interface RankerScore {
  /** Events whose true next reading was in the top 10. */
  hits: number;
  hr10: number;
  ndcg10: number;
  /** 95 % Wilson interval of hr10. */
  low: number;
  high: number;
}

export interface ValidationReport {
  /** Events evaluated in all: the learner's plus the path packs'. */
  cases: number;
  learnerCases: number;
  packCases: number;
  model: RankerScore;
  /** The most-read readings of the training data, ranked on the same events. */
  popularity: RankerScore;
  /** True when there are enough events (MIN_EVALUATED) to show a figure. */
  measurable: boolean;
}

function score(ranks: number[]): RankerScore {
  const hits = ranks.filter((r) => r < 10).length;
  const m = ranks.length > 0 ? metricsFromRanks(ranks) : { hr10: 0, ndcg10: 0 };
  return { hits, hr10: m.hr10, ndcg10: m.ndcg10, ...wilsonInterval(hits, ranks.length) };
}

/** The report for the trainer's ranks (0 = best); the model and the baseline must rank the same events. */
export function validationReport(v: ValidationRanks): ValidationReport {
  if (v.model.length !== v.popularity.length) throw new Error(`validationReport: ${v.model.length} model ranks but ${v.popularity.length} popularity ranks`);
  if (v.learner < 0 || v.learner > v.model.length) throw new Error(`validationReport: ${v.learner} learner events of ${v.model.length}`);
  const cases = v.model.length;
  return {
    cases,
    learnerCases: v.learner,
    packCases: cases - v.learner,
    model: score(v.model),
    popularity: score(v.popularity),
    measurable: cases >= MIN_EVALUATED,
  };
}

/**
 * Whether the page may give reasons for the model's advice. 'explain': the model beats the popularity
 * baseline, i.e. its HR@10 is above the most-read readings' on the same held-out events, with at least
 * MIN_EVALUATED of them. 'too-little': fewer events (or no validation yet), too few to tell. 'not-better':
 * enough events, and the model does not rank the next reading into its top 10 more often than popularity
 * does, so its reasons would explain advice no better than a list of the most-read readings.
 */
export type ExplanationGate = 'explain' | 'too-little' | 'not-better';

export function explanationGate(v: ValidationReport | null): ExplanationGate {
  if (!v || v.cases < MIN_EVALUATED) return 'too-little';
  return v.model.hr10 > v.popularity.hr10 ? 'explain' : 'not-better';
}
