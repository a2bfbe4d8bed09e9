import { describe, expect, it } from 'vitest';
import { explain, lastPositionWeights, percentages } from '../../src/recommend/explain';
import { planPath } from '../../src/recommend/path';
import { Rng } from '../../src/model/random';
import type { Reading } from '../../src/data/types';
import { testSeed } from '../support/gpu';

describe('attention explanations', () => {
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
  it('averages heads over the last row and sums a reading studied twice', () => {
    const H = 2;
    const T = 4;
    const att = new Float32Array(H * T * T);
    // history of 3 at positions 1..3; last query row = position 3
    att.set([0, 0.5, 0.25, 0.25], (0 * T + 3) * T);
    att.set([0, 0.1, 0.1, 0.8], (1 * T + 3) * T);
    const w = lastPositionWeights(att, H, T, 3);
    expect(w.map((x) => +x.toFixed(3))).toEqual([0.3, 0.175, 0.525]);
    const e = explain(w, ['a', 'b', 'a']);
    expect(e).toEqual([
      { readingId: 'a', percent: 83 },
      { readingId: 'b', percent: 17 },
    ]);
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
  it('brings back a finished reading only when due for review, and honours skips', async () => {
    const path = await planPath({ catalog, history: [], minutes: 60, score: () => fixed, dueForReview: new Set(['basics']), skip: new Set(['a']) });
    // basics (20 min) leaves 40: c (45) no longer fits, b needs the skipped a, so d.
    expect(path.map((s) => s.readingId)).toEqual(['basics', 'd']);
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
      for (const step of path) {
        const r = cat.find((x) => x.id === step.readingId)!;
        expect(r.status).not.toBe('finished');
        for (const p of r.prerequisites) expect(done.has(p), `${r.id} before ${p}`).toBe(true);
        done.add(r.id);
      }
    }
  });
});
