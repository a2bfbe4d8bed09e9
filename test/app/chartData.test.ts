/** The History charts' numbers (app/history/chartData.ts): minutes and minutes-weighted focus per topic per week. */
import { describe, expect, it } from 'vitest';
import { chartData, TOPIC_COLOURS } from '../../src/app/history/chartData';
import type { Reading, StudySession } from '../../src/data/types';

const reading = (id: string, topics: string[]): Reading => ({
  id,
  title: id,
  url: null,
  authors: [],
  year: null,
  topics,
  minutes: 30,
  difficulty: 3,
  prerequisites: [],
  addedAt: '2026-11-01T09:00:00.000Z',
  status: 'reading',
  source: 'manual',
  doi: null,
  progress: null,
});

let n = 0;
const session = (readingId: string, day: string, activeMinutes: number, focus: number): StudySession => ({
  id: `s${n++}`,
  readingId,
  start: `${day}T12:00:00.000Z`,
  end: `${day}T13:00:00.000Z`,
  activeMinutes,
  focus,
  interruptions: 0,
  understanding: null,
  quizScore: null,
  notes: '',
  progressAt: null,
});

describe('chartData', () => {
  it('sums minutes and weights focus by minutes, per topic per week, the most-studied topic first', () => {
    const readings = [reading('a', ['nlp', 'ml']), reading('b', ['vision']), reading('c', [])];
    // 2026-11-02 and 2026-11-04 are in the week of Monday 2026-11-02; 2026-11-10 in the next.
    const d = chartData(
      [
        session('a', '2026-11-02', 30, 5),
        session('a', '2026-11-04', 10, 1),
        session('b', '2026-11-04', 20, 3),
        session('c', '2026-11-10', 5, 2),
        session('b', '2026-11-10', 40, 4),
      ],
      readings,
    );
    expect(d.weeks).toEqual(['2026-11-02', '2026-11-09']);
    expect(d.topics).toEqual(['vision', 'nlp', 'untagged']);
    expect(d.cells[0]).toEqual([
      { minutes: 20, focus: 3 },
      { minutes: 40, focus: 4 }, // (30·5 + 10·1) / 40
      { minutes: 0, focus: null },
    ]);
    expect(d.cells[1]).toEqual([
      { minutes: 40, focus: 4 },
      { minutes: 0, focus: null },
      { minutes: 5, focus: 2 },
    ]);
  });

  it('sums the topics beyond the colours as "other", keeping every minute', () => {
    const topics = Array.from({ length: TOPIC_COLOURS.length + 2 }, (_, i) => `t${i}`);
    const readings = topics.map((t) => reading(t, [t]));
    const sessions = topics.map((t, i) => session(t, '2026-11-03', 100 - i, 3));
    const d = chartData(sessions, readings);
    expect(d.topics).toHaveLength(TOPIC_COLOURS.length);
    expect(d.topics.at(-1)).toBe('other');
    expect(d.topics.slice(0, 2)).toEqual(['t0', 't1']);
    expect(d.cells[0].reduce((a, c) => a + c.minutes, 0)).toBe(sessions.reduce((a, s) => a + s.activeMinutes, 0));
  });
});
