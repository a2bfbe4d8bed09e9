import { describe, expect, it } from 'vitest';
import { parseUserItemLines } from '../../src/data/userItems';
import { compactItems, leaveLastTwo } from '../../src/eval/split';
import { evalCases, evaluateFullAndSampled, evaluateMarkov, evaluateModel, evaluatePopularity, popularityCounts } from '../../src/eval/evaluate';
import { metricsFromRanks } from '../../src/train/metrics';
import { Rng } from '../../src/model/random';
import { testSeed } from '../support/harness';

describe('user item sequence files', () => {
  it('groups lines by user in file order', () => {
    const d = parseUserItemLines('1 5\n2 3\n1 7\n\n1 5\n2 9\n');
    expect(d.sequences).toEqual([
      [5, 7, 5],
      [3, 9],
    ]);
    expect(d.userIds).toEqual([1, 2]);
    expect(d.items).toBe(9);
    expect(d.interactions).toBe(5);
  });
  it.each([
    ['1 2\n3\n', /line 2: expected "user item", got 1 field/],
    ['1 2\n1 2 3\n', /line 2: expected "user item", got 3 field/],
    ['1 2\nx 4\n', /line 2, field user: "x" is not a positive integer/],
    ['1 0\n', /line 1, field item: "0" is not a positive integer/],
    ['1 -4\n', /line 1, field item: "-4"/],
    ['1 2.5\n', /line 1, field item: "2.5"/],
    ['<script>alert(1)</script> 1\n', /line 1, field user/],
  ])('refuses %j with a message naming the line and field', (text, msg) => {
    expect(() => parseUserItemLines(text, 'f.txt')).toThrow(msg);
    expect(() => parseUserItemLines(text, 'f.txt')).toThrow(/^f\.txt, line/);
  });
  it('splits leave-last-two like SASRec', () => {
    const s = leaveLastTwo([
      [1, 2, 3, 4],
      [5, 6],
      [7, 8, 9],
    ]);
    expect(s.train).toEqual([[1, 2], [5, 6], [7]]);
    expect(s.valid).toEqual([3, 0, 8]);
    expect(s.test).toEqual([4, 0, 9]);
  });
});

describe('SASRec evaluation protocol and baselines', () => {
  it('metrics from ranks', () => {
    const m = metricsFromRanks([0, 1, 9, 10, 50]);
    expect(m.hr10).toBeCloseTo(3 / 5, 12);
    expect(m.ndcg10).toBeCloseTo((1 + 1 / Math.log2(3) + 1 / Math.log2(11)) / 5, 12);
  });
  it('samples 100 negatives the user never touched, target first, reproducibly', () => {
    const rng = new Rng(testSeed());
    const seqs = Array.from({ length: 50 }, () => Array.from({ length: 3 + rng.int(0, 10) }, () => rng.int(1, 301)));
    const split = leaveLastTwo(seqs);
    const cases = evalCases(split, seqs, 'test', 300, 5);
    expect(cases.length).toBe(50);
    for (const c of cases) {
      expect(c.candidates.length).toBe(101);
      expect(c.candidates[0]).toBe(seqs[c.user][seqs[c.user].length - 1]);
      expect(c.history).toEqual(seqs[c.user].slice(0, -1));
      for (let k = 1; k < 101; k++) expect(seqs[c.user]).not.toContain(c.candidates[k]);
    }
    expect(evalCases(split, seqs, 'test', 300, 5)).toEqual(cases);
    const valid = evalCases(split, seqs, 'valid', 300, 5, 20);
    expect(valid.length).toBe(20);
    for (const c of valid) expect(c.history).toEqual(seqs[c.user].slice(0, -2));
  });
  it('popularity and Markov baselines rank what they should', () => {
    // item 1 is most popular; after 2 always comes 3
    const train = [
      [1, 2, 3],
      [1, 2, 3],
      [1, 4],
      [1, 5],
      [2, 3, 1],
    ];
    const pop = popularityCounts(train, 6);
    const cases = [{ user: 0, history: [2], target: 3, candidates: Int32Array.of(3, 1, 4, 5, 6) }];
    expect(evaluateMarkov(cases, train, pop).hr10).toBe(1);
    const popRanks = evaluatePopularity([{ ...cases[0], candidates: Int32Array.of(3, 1, 4, 5, 6) }], pop);
    expect(popRanks.ndcg10).toBeCloseTo(1 / Math.log2(3), 12); // rank 1: behind item 1
  });
  it('scores candidates with the hidden state and item table', async () => {
    const C = 2;
    const E = Float32Array.of(0, 0, /*1*/ 1, 0, /*2*/ 0, 1, /*3*/ -1, 0);
    const cases = [
      { user: 0, history: [1], target: 1, candidates: Int32Array.of(1, 2, 3) },
      { user: 1, history: [2], target: 3, candidates: Int32Array.of(3, 1, 2) },
    ];
    const m = await evaluateModel(cases, C, async () => Float32Array.of(1, 0, 0, 1), E);
    // user 0: h=(1,0): item 1 scores 1, the best -> rank 0.
    // user 1: h=(0,1): item 3 scores 0, item 1 ties at 0 (counts against), item 2 scores 1 -> rank 2.
    expect(m.hr10).toBe(1);
    expect(m.ndcg10).toBeCloseTo((1 + 1 / Math.log2(4)) / 2, 12);
  });
  it('ranks the target against every item as well as among its sampled candidates', async () => {
    // 12 items on a line: item i scores i under h = (1); the target is item 2, its candidates 2, 1.
    const C = 1;
    const E = Float32Array.from({ length: 13 }, (_, i) => i);
    const cases = [{ user: 0, history: [5], target: 2, candidates: Int32Array.of(2, 1) }];
    const m = await evaluateFullAndSampled(cases, C, async () => Float32Array.of(1), E);
    expect(m.sampled.hr10).toBe(1); // best of its two candidates
    expect(m.full.hr10).toBe(0); // items 3..12 all score higher: rank 10, a miss
    const near = await evaluateFullAndSampled([{ ...cases[0], target: 4 }], C, async () => Float32Array.of(1), E);
    expect(near.full.ndcg10).toBeCloseTo(1 / Math.log2(8 + 2), 12); // items 5..12 above it: rank 8
  });
});

describe('compactItems (the CPU proxy of a user subset)', () => {
  it('numbers the items the sequences hold 1..n in order of first appearance', () => {
    const c = compactItems([
      [40, 7, 40],
      [3, 7],
    ]);
    expect(c).toEqual({
      sequences: [
        [1, 2, 1],
        [3, 2],
      ],
      items: 3,
    });
  });
});
