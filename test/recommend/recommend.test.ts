import { describe, expect, it } from 'vitest';
import { lastPositionWeights, percentages } from '../../src/recommend/explain';
import { mayComeNext, planPath } from '../../src/recommend/path';
import { Rng } from '../../src/model/random';
import type { Reading } from '../../src/data/types';
import { testSeed } from '../support/harness';

describe('percentages and the last attention row', () => {
  it('percentages always sum to exactly 100', () => {
    const rng = new Rng(testSeed());
    for (let t = 0; t < 200; t++) {
      const v = Array.from({ length: rng.int(1, 30) }, () => rng.next());
      const p = percentages(v);
      expect(p.reduce((a, b) => a + b, 0)).toBe(100);
      for (let i = 0; i < v.length; i++) expect(Math.abs(p[i] - (100 * v[i]) / v.reduce((a, b) => a + b, 0))).toBeLessThan(1);
    }
    expect(percentages([0, 0])).toEqual([0, 0]);
  });
  it('averages heads over the last row', () => {
    const H = 2;
    const T = 4;
    const att = new Float32Array(H * T * T);
    // history of 3 at positions 1..3; last query row = position 3
    att.set([0, 0.5, 0.25, 0.25], (0 * T + 3) * T);
    att.set([0, 0.1, 0.1, 0.8], (1 * T + 3) * T);
    const w = lastPositionWeights(att, H, T, 3);
    expect(w.map((x) => +x.toFixed(3))).toEqual([0.3, 0.175, 0.525]);
  });
});

describe('lastPositionWeights(): the last query row of this attention, averaged over heads', () => {
  it('random attention: matches the average of the last rows over the history window, and nothing else moves it', () => {
    const rng = new Rng(testSeed());
    for (let t = 0; t < 100; t++) {
      const H = rng.int(1, 5);
      const T = rng.int(1, 9);
      const len = rng.int(1, T + 1);
      const att = Array.from({ length: H * T * T }, () => rng.next());
      const at = (h: number, q: number, k: number) => (h * T + q) * T + k;
      const what = `H=${H} T=${T} len=${len}`;
      const w = lastPositionWeights(att, H, T, len);
      expect(w.length, what).toBe(len);
      for (let k = 0; k < len; k++) {
        let mean = 0;
        for (let h = 0; h < H; h++) mean += att[at(h, T - 1, T - len + k)] / H;
        expect(w[k], `${what} k=${k}`).toBeCloseTo(mean, 12);
      }
      // Another query row or a padded key: the same weights. A key of the history in the last row: different ones.
      const h = rng.int(0, H);
      const other = [...att];
      if (T > 1) other[at(h, rng.int(0, T - 1), rng.int(0, T))] += 1;
      if (len < T) other[at(h, T - 1, rng.int(0, T - len))] += 1;
      expect(lastPositionWeights(other, H, T, len), what).toEqual(w);
      const k = rng.int(0, len);
      other[at(h, T - 1, T - len + k)] += 1;
      const moved = lastPositionWeights(other, H, T, len);
      expect(moved[k] - w[k], `${what} k=${k}`).toBeCloseTo(1 / H, 12);
      expect(
        moved.filter((_, i) => i !== k),
        what,
      ).toEqual(w.filter((_, i) => i !== k));
    }
  });
});

const reading = (id: string, minutes: number, prerequisites: string[] = [], status: Reading['status'] = 'unread'): Reading => ({
  id,
  title: id,
  url: null,
  authors: [],
  year: null,
  topics: [],
  minutes,
  difficulty: 3,
  prerequisites,
  addedAt: '2026-01-01',
  status,
  source: 'manual',
  progress: null,
  doi: null,
});

describe('learning path', () => {
  const catalog = [
    reading('basics', 20, [], 'finished'),
    reading('a', 30, ['basics']),
    reading('b', 20, ['a']),
    reading('c', 45),
    reading('d', 10, ['missing-from-catalog']),
    reading('hidden', 5, [], 'hidden'),
    reading('long', 300),
  ];
  const fixed = new Map([
    ['b', 10],
    ['a', 5],
    ['c', 4],
    ['d', 1],
    ['hidden', 100],
    ['long', 50],
    ['basics', 99],
  ]);
  it('fits the time, respects prerequisites, skips finished and hidden readings, and rolls the history forward', async () => {
    const seen: string[][] = [];
    const path = await planPath({
      catalog,
      history: ['basics'],
      minutes: 60,
      score: (h) => {
        seen.push([...h]);
        return fixed;
      },
    });
    expect(path.map((s) => s.readingId)).toEqual(['a', 'b', 'd']);
    expect(path[path.length - 1].cumulative).toBeLessThanOrEqual(60);
    expect(seen).toEqual([['basics'], ['basics', 'a'], ['basics', 'a', 'b']]);
  });
  it('never brings back a finished reading as a new step (reviews do that), and honours skips', async () => {
    const path = await planPath({ catalog, history: [], minutes: 60, score: () => fixed, skip: new Set(['a']) });
    // basics (scored 99) is finished; b needs the skipped a; so c (45) then d (10).
    expect(path.map((s) => s.readingId)).toEqual(['c', 'd']);
  });
  it('random catalogs: every path fits and never puts a reading before its prerequisites', async () => {
    const rng = new Rng(testSeed());
    for (let t = 0; t < 50; t++) {
      const n = rng.int(5, 40);
      const cat = Array.from({ length: n }, (_, i) =>
        reading(`r${i}`, rng.int(5, 90), i > 0 && rng.next() < 0.6 ? [`r${rng.int(0, i)}`] : [], rng.next() < 0.2 ? 'finished' : 'unread'),
      );
      const minutes = rng.int(10, 240);
      const scores = new Map(cat.map((r) => [r.id, rng.next()]));
      const path = await planPath({ catalog: cat, history: [], minutes, score: () => scores });
      expect(path.reduce((a, s) => a + s.minutes, 0)).toBeLessThanOrEqual(minutes);
      const done = new Set(cat.filter((r) => r.status === 'finished').map((r) => r.id));
      let used = 0;
      for (const step of path) {
        const r = cat.find((x) => x.id === step.readingId)!;
        used += r.minutes;
        expect(step.minutes).toBe(r.minutes);
        expect(step.cumulative, `minutes used up to ${r.id}`).toBe(used);
        expect(r.status).not.toBe('finished');
        for (const p of r.prerequisites) expect(done.has(p), `${r.id} before ${p}`).toBe(true);
        done.add(r.id);
      }
    }
  });
});

describe('the prerequisite rule: every prerequisite done, not some', () => {
  // "two" needs both "met" (finished) and "unmet" (not yet studied), in either order;
  // the scores put the two-prerequisite readings first, so only the rule keeps them back.
  const catalog = [
    reading('met', 10, [], 'finished'),
    reading('unmet', 10),
    reading('two', 10, ['met', 'unmet']),
    reading('two-reversed', 10, ['unmet', 'met']),
    reading('free', 10),
  ];
  const byId = new Map(catalog.map((r) => [r.id, r]));
  const scores = new Map([
    ['two', 10],
    ['two-reversed', 9],
    ['unmet', 5],
    ['free', 1],
    ['met', 0],
  ]);

  it('mayComeNext refuses a reading with one prerequisite met and one not, and accepts it once both are', () => {
    const finishedOnly = (id: string) => id === 'met';
    const both = (id: string) => id === 'met' || id === 'unmet';
    const neither = () => false;
    for (const id of ['two', 'two-reversed']) {
      expect(mayComeNext(byId.get(id)!, finishedOnly), `${id} with only "met" done`).toBe(false);
      expect(
        mayComeNext(byId.get(id)!, (p) => p === 'unmet'),
        `${id} with only "unmet" done`,
      ).toBe(false);
      expect(mayComeNext(byId.get(id)!, neither), `${id} with nothing done`).toBe(false);
      expect(mayComeNext(byId.get(id)!, both), `${id} with both done`).toBe(true);
    }
    expect(mayComeNext(byId.get('free')!, neither)).toBe(true);
  });

  it('planPath leaves it out while a prerequisite is unmet', async () => {
    // "unmet" skipped: it never comes, so neither do the readings that need it.
    const path = await planPath({ catalog, history: [], minutes: 600, score: () => scores, skip: new Set(['unmet']) });
    expect(path.map((s) => s.readingId)).toEqual(['free']);
  });

  it('planPath puts it after the second prerequisite once that is planned earlier in the same path', async () => {
    const path = await planPath({ catalog, history: [], minutes: 600, score: () => scores });
    expect(path.map((s) => s.readingId)).toEqual(['unmet', 'two', 'two-reversed', 'free']);
  });

  it('planPath takes it first once both prerequisites are finished', async () => {
    const bothFinished = catalog.map((r) => (r.id === 'unmet' ? { ...r, status: 'finished' as const } : r));
    const path = await planPath({ catalog: bothFinished, history: [], minutes: 600, score: () => scores });
    expect(path.map((s) => s.readingId)).toEqual(['two', 'two-reversed', 'free']);
  });
});
