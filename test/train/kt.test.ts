/**
 * Knowledge-tracing data and training: the seeded learner split, windows,
 * AUC (ties counting one half) and accuracy, the baselines, and training on
 * the GPU engine learning a rule that needs the learner's history.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import type { KtLearner } from '../../src/data/ktFormat';
import { ktBaselines } from '../../src/eval/ktBaselines';
import type { GpuContext } from '../../src/gpu/context';
import { makeKtConfig } from '../../src/model/config';
import { ktBatch } from '../../src/model/ktBatch';
import { KtEngine } from '../../src/model/ktEngine';
import { Rng } from '../../src/model/random';
import { ktWindows, splitLearners } from '../../src/train/ktData';
import { accuracy, auc } from '../../src/train/ktMetrics';
import { ktPredict, trainKt } from '../../src/train/ktTrainer';
import { gpuContext, testSeed } from '../support/gpu';

const seed = testSeed();

/** Pairwise definition of AUC, O(n^2): right above wrong counts 1, a tie one half. */
function pairwiseAuc(s: number[], y: number[]): number {
  let num = 0;
  let den = 0;
  for (let i = 0; i < s.length; i++)
    for (let j = 0; j < s.length; j++)
      if (y[i] === 1 && y[j] === 0) {
        den++;
        num += s[i] > s[j] ? 1 : s[i] === s[j] ? 0.5 : 0;
      }
  return num / den;
}

describe('AUC and accuracy', () => {
  it('hand-computed cases, ties counting one half', () => {
    expect(auc([0.1, 0.4, 0.35, 0.8], [0, 0, 1, 1])).toBe(0.75);
    expect(auc([0.5, 0.5, 0.5], [1, 0, 1])).toBe(0.5);
    expect(auc([0.2, 0.5, 0.5, 0.9], [0, 1, 0, 1])).toBe(0.875);
    expect(auc([0.9, 0.1], [0, 1])).toBe(0);
    expect(auc([0.3, 0.4], [1, 1])).toBeNaN();
    expect(accuracy([0.2, 0.5, 0.7, 0.4], [0, 1, 0, 1])).toBe(0.5);
  });
  it(`equals the pairwise count on random scores with many ties (seed ${seed})`, () => {
    const rng = new Rng(seed);
    for (let trial = 0; trial < 20; trial++) {
      const n = rng.int(2, 60);
      const s = Array.from({ length: n }, () => rng.int(0, 6) / 5);
      const y = Array.from({ length: n }, (_, i) => (i < 2 ? i : rng.int(0, 2)));
      expect(auc(s, y), `trial ${trial} (seed ${seed})`).toBeCloseTo(pairwiseAuc(s, y), 12);
    }
  });
});

function learner(n: number, rng: Rng): KtLearner {
  return { skills: Array.from({ length: n }, () => rng.int(1, 6)), correct: Array.from({ length: n }, () => rng.int(0, 2)) };
}

describe('learners into windows and splits', () => {
  it('windows of maxlen carry the interaction before them; only the learner’s first attempt is unscored', () => {
    const l: KtLearner = { skills: [1, 2, 3, 4, 5, 1, 2], correct: [1, 0, 1, 1, 0, 0, 1] };
    const w = ktWindows([l, { skills: [3], correct: [1] }], 3, 5);
    expect(w.map((x) => [Array.from(x.skills), x.prev, x.scoreFrom])).toEqual([
      [[1, 2, 3], 0, 1],
      [[4, 5, 1], 3 + 5 * 1, 0],
      [[2], 1 + 5 * 0, 0],
    ]);
    const cfg = makeKtConfig({ skills: 5, maxlen: 3, dim: 4, heads: 1 });
    const b = ktBatch(cfg, w, 4);
    expect(Array.from(b.labels)).toEqual([-1, 0, 1, 1, 0, 0, -1, -1, 1, -1, -1, -1]);
    expect(Array.from(b.interactions)).toEqual([0, 1 + 5, 2, 8, 4 + 5, 5, 0, 0, 1, 0, 0, 0]);
  });
  it(`holds out 20% of learners, seeded, disjoint and complete (seed ${seed})`, () => {
    const rng = new Rng(seed);
    const ls = Array.from({ length: 101 }, () => learner(rng.int(1, 9), rng));
    const a = splitLearners(ls, 0.2, seed);
    const b = splitLearners(ls, 0.2, seed);
    const c = splitLearners(ls, 0.2, seed + 1);
    expect(a.validation.length).toBe(20);
    expect(a.train.length).toBe(81);
    expect(new Set([...a.train, ...a.validation]).size).toBe(101);
    expect(b.validation).toEqual(a.validation);
    expect(c.validation).not.toEqual(a.validation);
  });
  it('baselines: the skill’s training rate, and the learner’s running rate on the skill', () => {
    const train: KtLearner[] = [{ skills: [1, 1, 2, 1], correct: [1, 0, 0, 1] }];
    const test: KtLearner[] = [{ skills: [2, 1, 1, 3, 1], correct: [1, 0, 1, 1, 0] }];
    const p = ktBaselines(train, test);
    expect(Array.from(p.labels)).toEqual([0, 1, 1, 0]);
    expect(Array.from(p.skill)).toEqual([2 / 3, 2 / 3, 0.5, 2 / 3]);
    expect(Array.from(p.running)).toEqual([2 / 3, 0, 0.5, 0.5]);
  });
});

describe('training on the GPU engine', () => {
  let ctx: GpuContext;
  beforeAll(async () => {
    ctx = await gpuContext();
  });
  it(`learns a rule that needs the learner's history: validation AUC from chance to above 0.7, 0.2 above the skill baseline (seed ${seed})`, async () => {
    // Each learner masters each of 6 skills or not; an answer follows mastery 90% of the time.
    // The skill alone says nothing (AUC 0.5); the learner's earlier answers on the skill say nearly all (running rate about 0.83).
    const rng = new Rng(seed);
    const make = () =>
      Array.from({ length: 480 }, (): KtLearner => {
        const mastered = Array.from({ length: 7 }, () => rng.int(0, 2));
        const skills = Array.from({ length: rng.int(10, 30) }, () => rng.int(1, 7));
        return { skills, correct: skills.map((s) => (rng.next() < 0.9 ? mastered[s] : 1 - mastered[s])) };
      });
    const { train, validation } = splitLearners(make(), 0.2, seed);
    const cfg = makeKtConfig({ skills: 6, maxlen: 16, dim: 16, heads: 2, ffnDim: 32, dropout: 0 });
    const engine = await KtEngine.create(ctx, cfg, { batchSize: 32, seed: 3, optimizer: { lr: 1e-2 } });
    const tw = ktWindows(train, cfg.maxlen, cfg.skills);
    const vw = ktWindows(validation, cfg.maxlen, cfg.skills);
    const before = await ktPredict(engine, vw);
    const start = auc(before.probs, before.labels);
    const result = await trainKt(engine, tw, vw, { maxEpochs: 30, patience: 30, seed });
    const after = await ktPredict(engine, vw);
    const end = auc(after.probs, after.labels);
    const skillOnly = ktBaselines(train, validation);
    console.log(
      `kt learning: validation AUC ${start.toFixed(3)} -> ${end.toFixed(3)} (skill baseline ${auc(skillOnly.skill, skillOnly.labels).toFixed(3)}, running ${auc(skillOnly.running, skillOnly.labels).toFixed(3)})`,
    );
    expect(start, `untrained AUC ${start} (seed ${seed})`).toBeLessThan(0.65);
    expect(end, `trained AUC ${end} (seed ${seed})`).toBeGreaterThan(0.7);
    expect(end, `trained AUC ${end} against the skill baseline (seed ${seed})`).toBeGreaterThan(auc(skillOnly.skill, skillOnly.labels) + 0.2);
    expect(end).toBe(result.bestValidationAuc); // the best epoch's parameters are the ones left in the engine
  });
});
