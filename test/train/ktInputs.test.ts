/**
 * Knowledge tracing's inputs for issue 17: the skill-history tokens (a skill
 * with the learner's last outcomes on it and the run it is in) and the
 * overlapping scoring windows. Both must stay causal: nothing at or after an
 * attempt may reach that attempt's token, and every scored attempt is scored
 * exactly once.
 */
import { describe, expect, it } from 'vitest';
import type { KtLearner } from '../../src/data/ktFormat';
import { makeKtConfig } from '../../src/model/config';
import { interactionId, type KtBatch, type KtWindow } from '../../src/model/ktBatch';
import { Rng } from '../../src/model/random';
import { ktScoringWindows, ktWindows } from '../../src/train/ktData';
import { trainKt, type KtTrainable } from '../../src/train/ktTrainer';
import {
  skillHistoryFactors,
  skillHistoryState,
  skillHistoryStates,
  skillHistoryVocabulary,
  withSkillHistory,
  wrongBucket,
} from '../../src/train/ktSkillHistory';
import { testSeed } from '../support/gpu';

const seed = testSeed();

function randomLearners(rng: Rng, count: number, skills: number, maxLength: number): KtLearner[] {
  return Array.from({ length: count }, () => {
    const n = rng.int(1, maxLength + 1);
    // runs of the same skill, as in skill builders
    const s: number[] = [];
    while (s.length < n) {
      const skill = rng.int(1, skills + 1);
      for (let k = rng.int(1, 5); k > 0 && s.length < n; k--) s.push(skill);
    }
    return { skills: s, correct: s.map(() => rng.int(0, 2)) };
  });
}

/** `learner:attempt` for every attempt after each learner's first: what a set of windows must score, once each. */
const attemptsAfterFirst = (ls: KtLearner[]) => ls.flatMap((l, li) => l.skills.slice(1).map((_, i) => `${li}:${i + 1}`));

describe('skill-history tokens', () => {
  it('hand-computed: last outcome on the skill and the run before the attempt', () => {
    const l: KtLearner = { skills: [1, 1, 2, 1, 1, 1, 3], correct: [1, 0, 1, 1, 0, 1, 0] };
    const { learners, vocabulary } = withSkillHistory([l], 3, { depth: 1, runCap: 2 });
    // states: 0 none, 1 wrong last, 2 right last; token = skill + 3 * (state + 3 * run)
    expect(learners[0].skills).toEqual([1, 1 + 3 * (2 + 3 * 1), 2, 1 + 3 * 1, 1 + 3 * (2 + 3 * 1), 1 + 3 * (1 + 3 * 2), 3]);
    expect(learners[0].correct).toEqual(l.correct);
    expect(vocabulary).toBe(27);
  });
  it('hand-computed: earlier wrong attempts on the skill, in doubling buckets', () => {
    const l: KtLearner = { skills: [1, 1, 2, 1, 1, 1, 1], correct: [0, 0, 0, 1, 0, 0, 1] };
    const { learners, vocabulary } = withSkillHistory([l], 2, { depth: 0, runCap: 0, wrongBuckets: 3 });
    // buckets 0 | 1 | 2+ wrong before the attempt; token = skill + 2 * bucket
    expect(learners[0].skills).toEqual([1, 1 + 2 * 1, 2, 1 + 2 * 2, 1 + 2 * 2, 1 + 2 * 2, 1 + 2 * 2]);
    expect(vocabulary).toBe(6);
    expect([0, 1, 2, 3, 4, 7, 8, 100].map((w) => wrongBucket(w, 5))).toEqual([0, 1, 2, 2, 3, 3, 4, 4]);
    expect(skillHistoryFactors({ depth: 2, runCap: 1, wrongBuckets: 5 })).toEqual([7, 2, 5]);
  });
  it('states number the histories of up to depth outcomes without gaps', () => {
    expect(skillHistoryStates(0)).toBe(1);
    expect(skillHistoryStates(2)).toBe(7);
    const seen = new Set<number>();
    for (const h of [[], [0], [1], [0, 0], [0, 1], [1, 0], [1, 1]]) seen.add(skillHistoryState(h));
    expect([...seen].sort((a, b) => a - b)).toEqual([0, 1, 2, 3, 4, 5, 6]);
  });
  it(`is causal, in range and one-to-one on (skill, history, run) (seed ${seed})`, () => {
    const rng = new Rng(seed);
    const skills = 7;
    const history = { depth: 2, runCap: 3, wrongBuckets: 4 };
    const vocabulary = skillHistoryVocabulary(skills, history);
    const ls = randomLearners(rng, 40, skills, 60);
    const tokens = withSkillHistory(ls, skills, history).learners;
    const meaning = new Map<number, string>();
    ls.forEach((l, li) => {
      tokens[li].skills.forEach((token, i) => {
        expect(token, `learner ${li}, attempt ${i} (seed ${seed})`).toBeGreaterThanOrEqual(1);
        expect(token).toBeLessThanOrEqual(vocabulary);
        expect((token - 1) % skills, 'the token keeps its skill').toBe(l.skills[i] - 1);
        const onSkill = l.skills.slice(0, i).flatMap((s, j) => (s === l.skills[i] ? [l.correct[j]] : []));
        let run = 0;
        while (run < 3 && i - 1 - run >= 0 && l.skills[i - 1 - run] === l.skills[i]) run++;
        const wrongs = onSkill.filter((c) => c === 0).length;
        const bucket = wrongs === 0 ? 0 : wrongs === 1 ? 1 : wrongs <= 3 ? 2 : 3;
        const key = `${l.skills[i]}|${onSkill.slice(-2).join('')}|${run}|${bucket}`;
        expect(meaning.get(token) ?? key, `token ${token} means one thing (seed ${seed})`).toBe(key);
        meaning.set(token, key);
      });
      // flipping an outcome changes no token at or before it
      const t = rng.int(0, l.skills.length);
      const flipped = { skills: l.skills, correct: l.correct.map((c, i) => (i === t ? 1 - c : c)) };
      const after = withSkillHistory([flipped], skills, history).learners[0].skills;
      expect(after.slice(0, t + 1), `learner ${li}, outcome ${t} flipped (seed ${seed})`).toEqual(tokens[li].skills.slice(0, t + 1));
    });
  });
  it('depth 0 and no runs leave the skills alone; bad input is refused', () => {
    const l: KtLearner = { skills: [2, 2, 1], correct: [1, 0, 1] };
    expect(withSkillHistory([l], 2, { depth: 0, runCap: 0 }).learners[0]).toBe(l);
    expect(() => withSkillHistory([l], 1, { depth: 1, runCap: 0 })).toThrow(/skill 2 is outside 1..1/);
    expect(() => skillHistoryStates(5)).toThrow(/depth/);
    expect(() => skillHistoryVocabulary(3, { depth: 1, runCap: -1 })).toThrow(/run cap/);
    expect(() => skillHistoryVocabulary(3, { depth: 1, runCap: 1, wrongBuckets: 1.5 })).toThrow(/wrong buckets/);
  });
});

describe('shifted training windows', () => {
  it(`score every attempt after a learner's first exactly once, and the borders move with the draw (seed ${seed})`, () => {
    const rng = new Rng(seed);
    const ls = randomLearners(rng, 30, 5, 90);
    const borders = new Set<string>();
    for (let draw = 0; draw < 4; draw++) {
      const windows = ktWindows(ls, 10, 5, new Rng(seed + draw));
      const scored: string[] = [];
      let wi = 0;
      ls.forEach((l, li) => {
        if (l.skills.length < 2) return;
        let at = 0;
        while (at < l.skills.length) {
          const w = windows[wi];
          // a first window of one attempt scores nothing and is left out: the next starts at 1 and scores all
          const start = at === 0 && w.scoreFrom === 0 ? 1 : at;
          expect(Array.from(w.skills), `learner ${li}, window ${wi}`).toEqual(l.skills.slice(start, start + w.skills.length));
          expect(w.skills.length).toBeLessThanOrEqual(10);
          expect(w.prev).toBe(start === 0 ? 0 : interactionId(l.skills[start - 1], l.correct[start - 1], 5));
          for (let p = w.scoreFrom; p < w.skills.length; p++) scored.push(`${li}:${start + p}`);
          if (start === 0) borders.add(`${li}:${w.skills.length}`);
          at = start + w.skills.length;
          wi++;
        }
      });
      expect(wi).toBe(windows.length);
      const expected = attemptsAfterFirst(ls);
      expect(scored, `draw ${draw} (seed ${seed})`).toEqual(expected);
    }
    // 30 learners, 4 draws: the first windows' lengths are not all the same
    expect(borders.size).toBeGreaterThan(40);
  });
});

describe('training on windows drawn per epoch', () => {
  it('each epoch trains on the windows drawn for it, and only on them', async () => {
    const cfg = makeKtConfig({ skills: 9, maxlen: 4, dim: 4, heads: 1 });
    const seen: number[][] = [];
    // a stand-in engine: records which skills each epoch's steps saw; predictions rank by skill
    const engine: KtTrainable = {
      cfg,
      batchSize: 2,
      trainStep: (b: KtBatch) => {
        seen[seen.length - 1].push(...Array.from(b.queries).filter((q) => q > 0));
        return Promise.resolve(0.5);
      },
      predict: (b: KtBatch) => Promise.resolve(Float32Array.from(b.queries, (q) => q)),
      readParameters: () => Promise.resolve(new Float32Array(1)),
      writeParameters: () => {},
    };
    const drawn: number[] = [];
    const windowsOf = (epoch: number): KtWindow[] => {
      drawn.push(epoch);
      seen.push([]);
      return Array.from({ length: epoch + 1 }, () => ({ skills: [epoch, epoch], correct: [1, 0], prev: 0, scoreFrom: 1 }));
    };
    const validation: KtWindow[] = [{ skills: [1, 2, 3], correct: [0, 0, 1], prev: 0, scoreFrom: 1 }];
    const result = await trainKt(engine, windowsOf, validation, { maxEpochs: 3, patience: 3, seed: 1 });
    expect(drawn).toEqual([1, 2, 3]);
    expect(seen.map((s) => [...new Set(s)])).toEqual([[1], [2], [3]]);
    expect(seen.map((s) => s.length)).toEqual([4, 6, 8]); // epoch e: e + 1 windows of two attempts
    expect(result.epochs.map((e) => e.validationAuc)).toEqual([1, 1, 1]);
  });
});

describe('scoring windows', () => {
  it('hand-computed: the first maxlen attempts, then windows ending stride later that score only their new attempts', () => {
    const l: KtLearner = { skills: [1, 2, 3, 4, 5, 1, 2], correct: [1, 0, 1, 1, 0, 0, 1] };
    const w = ktScoringWindows([l, { skills: [3], correct: [1] }], 4, 5, 2);
    expect(w.map((x) => [Array.from(x.skills), x.prev, x.scoreFrom])).toEqual([
      [[1, 2, 3, 4], 0, 1],
      [[3, 4, 5, 1], interactionId(2, 0, 5), 2],
      [[4, 5, 1, 2], interactionId(3, 1, 5), 3],
    ]);
  });
  it(`score every attempt after a learner's first exactly once, each with at least maxlen - stride before it (seed ${seed})`, () => {
    const rng = new Rng(seed);
    const ls = randomLearners(rng, 30, 5, 90);
    for (const [maxlen, stride] of [
      [10, 5],
      [10, 1],
      [7, 7],
      [16, 3],
    ]) {
      const windows = ktScoringWindows(ls, maxlen, 5, stride);
      const scored: string[] = [];
      let wi = 0;
      ls.forEach((l, li) => {
        if (l.skills.length < 2) return;
        let end = 0;
        while (end < l.skills.length) {
          const w = windows[wi++];
          expect(w.skills.length).toBeLessThanOrEqual(maxlen);
          const start = end === 0 ? 0 : Math.min(l.skills.length, end + stride) - maxlen;
          expect(Array.from(w.skills)).toEqual(l.skills.slice(start, start + w.skills.length));
          for (let p = w.scoreFrom; p < w.skills.length; p++) {
            scored.push(`${li}:${start + p}`);
            if (start > 0) expect(p, `window ${wi - 1}: attempt ${p} has ${p} before it`).toBeGreaterThanOrEqual(maxlen - stride);
          }
          end = start + w.skills.length;
        }
      });
      expect(wi).toBe(windows.length);
      const expected = attemptsAfterFirst(ls);
      expect(scored, `maxlen ${maxlen}, stride ${stride} (seed ${seed})`).toEqual(expected);
      // the same attempts as the fixed chunks score
      const chunks = ktWindows(ls, maxlen, 5).reduce((n, w) => n + w.skills.length - w.scoreFrom, 0);
      expect(scored.length).toBe(chunks);
    }
    expect(() => ktScoringWindows(ls, 10, 5, 11)).toThrow(/stride/);
  });
});
