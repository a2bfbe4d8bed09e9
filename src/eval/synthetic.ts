/**
 * A synthetic sequence task with a known rule: each next item is a fixed
 * function of the previous two. Used by the learning test and by the
 * in-browser engine check, where the right answer is known in advance.
 */
import { Rng } from '../model/random';

export interface RuleTask {
  items: number;
  length: number;
  next(p: number, q: number): number;
  sequences(n: number, rng: Rng): number[][];
}

export function pairRuleTask(items = 40, length = 12): RuleTask {
  const next = (p: number, q: number) => ((3 * (p - 1) + 5 * (q - 1) + 7) % items) + 1;
  return {
    items,
    length,
    next,
    sequences(n, rng) {
      return Array.from({ length: n }, () => {
        const s = [rng.int(1, items + 1), rng.int(1, items + 1)];
        while (s.length < length) s.push(next(s[s.length - 2], s[s.length - 1]));
        return s;
      });
    },
  };
}
