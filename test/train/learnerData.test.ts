/**
 * How much of the learner's own history validation holds out: the newest events, up to 20 and
 * never more than a quarter of them, so a short history still trains on most of what it has.
 */
import { describe, expect, it } from 'vitest';
import { trainingData } from '../../src/train/learnerData';
import type { StudySession } from '../../src/data/types';
import { aReading } from '../support/records';

/** n sessions on n different readings, one a day: n events. */
const history = (n: number): StudySession[] =>
  Array.from({ length: n }, (_, i) => ({
    id: `s${i}`,
    readingId: `r${i}`,
    start: new Date(Date.UTC(2026, 0, 1 + i, 9)).toISOString(),
    end: new Date(Date.UTC(2026, 0, 1 + i, 10)).toISOString(),
    activeMinutes: 30,
    focus: 3,
    interruptions: 0,
    understanding: 70,
    quizScore: null,
    notes: '',
    progressAt: null,
  }));

describe('the learner hold-out', () => {
  const readings = Array.from({ length: 120 }, (_, i) => aReading(`r${i}`));
  for (const [events, held] of [
    [0, 0],
    [3, 0],
    [4, 1],
    [7, 1],
    [8, 2],
    [19, 4],
    [20, 5],
    [24, 6],
    [40, 10],
    [79, 19],
    [80, 20],
    [120, 20],
  ] as const) {
    it(`${events} events: the newest ${held} held out`, () => {
      const d = trainingData(readings, history(events), []);
      expect(d.learner.items.length).toBe(events);
      expect(d.holdout).toBe(held);
    });
  }
});
