/** One valid reading for tests, with whatever fields a test cares about overridden. */
import type { Reading } from '../../src/data/types';

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
