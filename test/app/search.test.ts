/** The catalog's search (app/catalog/search.ts): title, authors, topics and session notes, every word, any case. */
import { describe, expect, it } from 'vitest';
import { matchesSearch, notesByReading } from '../../src/app/catalog/search';
import type { Reading, StudySession } from '../../src/data/types';

const reading = (id: string, extra: Partial<Reading> = {}): Reading => ({
  id,
  title: 'Attention Is All You Need',
  url: null,
  authors: ['Vaswani, Ashish'],
  year: 2017,
  topics: ['nlp', 'transformers'],
  minutes: 60,
  difficulty: 4,
  prerequisites: [],
  addedAt: '2026-11-01T09:00:00.000Z',
  status: 'unread',
  source: 'manual',
  doi: null,
  progress: null,
  ...extra,
});

const session = (readingId: string, notes: string): StudySession => ({
  id: `s-${readingId}-${notes.length}`,
  readingId,
  start: '2026-11-02T09:00:00.000Z',
  end: '2026-11-02T09:30:00.000Z',
  activeMinutes: 30,
  focus: 4,
  interruptions: 0,
  understanding: null,
  quizScore: null,
  notes,
  progressAt: null,
});

describe('matchesSearch', () => {
  const notes = notesByReading([session('r1', 'Multi-head attention finally clicked'), session('r1', ''), session('r2', 'positional encodings')]);

  it('matches the title, an author and a topic, in any case', () => {
    for (const q of ['attention is', 'VASWANI', 'transformers', 'NLP']) expect(matchesSearch(reading('r1'), q, notes), q).toBe(true);
  });

  it("matches the notes of the reading's own sessions only", () => {
    expect(matchesSearch(reading('r1'), 'clicked', notes)).toBe(true);
    expect(matchesSearch(reading('r1'), 'positional', notes)).toBe(false);
    expect(matchesSearch(reading('r2'), 'positional encodings', notes)).toBe(true);
  });

  it('needs every word, found in any of the fields', () => {
    expect(matchesSearch(reading('r1'), 'nlp clicked vaswani', notes)).toBe(true);
    expect(matchesSearch(reading('r1'), 'nlp cooking', notes)).toBe(false);
  });

  it('matches everything on an empty or blank query', () => {
    expect(matchesSearch(reading('r3'), '', notes)).toBe(true);
    expect(matchesSearch(reading('r3'), '   ', notes)).toBe(true);
  });
});
