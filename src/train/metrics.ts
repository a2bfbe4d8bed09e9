/**
 * Ranking metrics: a target's rank among scores, and HR@10 / NDCG@10 over
 * ranks. The training loop's validation (early stopping) and the benchmark
 * evaluation (eval/evaluate.ts) share them.
 */

export interface Metrics {
  hr10: number;
  ndcg10: number;
  users: number;
}

export function metricsFromRanks(ranks: number[]): Metrics {
  let hr = 0;
  let ndcg = 0;
  for (const r of ranks) {
    if (r < 10) {
      hr++;
      ndcg += 1 / Math.log2(r + 2);
    }
  }
  return { hr10: hr / ranks.length, ndcg10: ndcg / ranks.length, users: ranks.length };
}

/**
 * Rank (0 = best) of `target` among the scores (index = item id), counting
 * only the ids `eligible` accepts (default: all); ties count against the target.
 */
export function rankOf(scores: ArrayLike<number>, target: number, eligible: (id: number) => boolean = () => true): number {
  const s = scores[target];
  let rank = 0;
  for (let i = 1; i < scores.length; i++) if (i !== target && eligible(i) && scores[i] >= s) rank++;
  return rank;
}

/**
 * What validation ranked (0 = best), event by event: the model's rank of each held-out event's true
 * next reading and the popularity baseline's rank of it on the same event. The first `learner` are
 * the learner's own events, the rest the path-pack learners' held-out last events. eval/validation.ts
 * turns them into a report (count, HR@10, interval, baseline).
 */
export interface ValidationRanks {
  model: number[];
  popularity: number[];
  learner: number;
}
