/** Valid readings and sessions for tests, with whatever fields a test cares about overridden. */
import type { Reading, StudySession } from '../../src/data/types';

export function aReading(id: string, extra: Partial<Reading> = {}): Reading {
  return {
    id,
    title: `R ${id}`,
    url: null,
    authors: [],
    year: null,
    topics: ['t'],
    minutes: 30,
    difficulty: 2,
    prerequisites: [],
    addedAt: '2026-11-01T00:00:00.000Z',
    status: 'unread',
    source: 'manual',
    progress: null,
    doi: null,
    ...extra,
  };
}

/** One valid study session for tests, from `start` to `end` (ISO 8601), on reading "r", unrated. */
export function aSessionAt(id: string, start: string, end = start, extra: Partial<StudySession> = {}): StudySession {
  return {
    id,
    readingId: 'r',
    start,
    end,
    activeMinutes: 0,
    focus: 3,
    interruptions: 0,
    understanding: null,
    quizScore: null,
    notes: '',
    progressAt: null,
    ...extra,
  };
}

/** One valid study session for tests: `minute` minutes after 1 November 2026, 30 minutes long, unrated. */
export function aSession(id: string, readingId: string, minute: number, extra: Partial<StudySession> = {}): StudySession {
  const start = Date.UTC(2026, 10, 1) + minute * 60_000;
  return aSessionAt(id, new Date(start).toISOString(), new Date(start + 30 * 60_000).toISOString(), { readingId, activeMinutes: 30, ...extra });
}
