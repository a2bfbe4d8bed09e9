/** Metrics of predicted probabilities of a right answer against outcomes. */

/**
 * Area under the ROC curve: the probability that a random right answer is
 * scored above a random wrong one, ties counting one half (Mann-Whitney U
 * with average ranks). NaN when one class is missing.
 */
export function auc(scores: ArrayLike<number>, labels: ArrayLike<number>): number {
  const n = scores.length;
  if (labels.length !== n) throw new Error(`auc: ${n} scores but ${labels.length} labels`);
  const idx = Array.from({ length: n }, (_, i) => i).sort((a, b) => scores[a] - scores[b]);
  let pos = 0;
  let rankSum = 0;
  for (let i = 0; i < n;) {
    let j = i;
    while (j + 1 < n && scores[idx[j + 1]] === scores[idx[i]]) j++;
    const avgRank = (i + j) / 2 + 1; // ranks i+1 .. j+1
    for (let k = i; k <= j; k++) {
      if (labels[idx[k]] === 1) {
        pos++;
        rankSum += avgRank;
      }
    }
    i = j + 1;
  }
  const neg = n - pos;
  if (pos === 0 || neg === 0) return NaN;
  return (rankSum - (pos * (pos + 1)) / 2) / (pos * neg);
}

/** Share of outcomes on the side of 0.5 the probability is (0.5 counts as "right"). */
export function accuracy(probs: ArrayLike<number>, labels: ArrayLike<number>): number {
  let hit = 0;
  for (let i = 0; i < probs.length; i++) if ((probs[i] >= 0.5 ? 1 : 0) === labels[i]) hit++;
  return probs.length ? hit / probs.length : NaN;
}
