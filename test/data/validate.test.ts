/**
 * The edges of the one validation every import, restore and form goes through: each bounded
 * field accepts its first and last value and refuses one past either, naming the field.
 */
import { describe, expect, it } from 'vitest';
import { normalDoi, validateReading, validateReview, validateSession, validateSettings } from '../../src/data/validate';
import { aReading } from '../support/records';

/** A valid reading with any field replaced, by a wrong-typed value too. */
const reading = (over: Record<string, unknown> = {}) => ({ ...aReading('r', { title: 'A title', topics: [], difficulty: 3 }), ...over });
const session = (over: Record<string, unknown> = {}) => ({
  id: 's',
  readingId: 'r',
  start: '2026-01-01T10:00:00.000Z',
  end: '2026-01-01T10:30:00.000Z',
  activeMinutes: 30,
  focus: 3,
  interruptions: 0,
  understanding: 50,
  quizScore: null,
  notes: '',
  ...over,
});

/** [field, first accepted, last accepted] of every bounded whole-number field. */
const READING_INTS: [string, number, number][] = [
  ['minutes', 1, 100_000],
  ['difficulty', 1, 5],
  ['year', 1000, 2100],
];
const SESSION_INTS: [string, number, number][] = [
  ['activeMinutes', 0, 24 * 60],
  ['focus', 1, 5],
  ['interruptions', 0, 10_000],
  ['understanding', 0, 100],
  ['quizScore', 0, 100],
];

describe('validation edges', () => {
  for (const [field, lo, hi] of READING_INTS) {
    it(`reading ${field}: ${lo} and ${hi} kept, ${lo - 1} and ${hi + 1} refused`, () => {
      expect(validateReading(reading({ [field]: lo }), 'f.json')[field as 'minutes']).toBe(lo);
      expect(validateReading(reading({ [field]: hi }), 'f.json')[field as 'minutes']).toBe(hi);
      for (const bad of [lo - 1, hi + 1, lo + 0.5]) {
        expect(() => validateReading(reading({ [field]: bad }), 'f.json, line 3')).toThrow(new RegExp(`^f\\.json, line 3, field ${field}: `));
      }
    });
  }
  for (const [field, lo, hi] of SESSION_INTS) {
    it(`session ${field}: ${lo} and ${hi} kept, ${lo - 1} and ${hi + 1} refused`, () => {
      expect(validateSession(session({ [field]: lo }), 'b.json')[field as 'focus']).toBe(lo);
      expect(validateSession(session({ [field]: hi }), 'b.json')[field as 'focus']).toBe(hi);
      for (const bad of [lo - 1, hi + 1]) expect(() => validateSession(session({ [field]: bad }), 'b.json')).toThrow(new RegExp(`field ${field}: `));
    });
  }
  it('daily budget: 0 and 1440 kept, -1 and 1441 refused', () => {
    expect(validateSettings({ dailyBudgetMinutes: 0 }, 'b.json').dailyBudgetMinutes).toBe(0);
    expect(validateSettings({ dailyBudgetMinutes: 1440 }, 'b.json').dailyBudgetMinutes).toBe(1440);
    for (const bad of [-1, 1441]) expect(() => validateSettings({ dailyBudgetMinutes: bad }, 'b.json')).toThrow(/field dailyBudgetMinutes: /);
  });
  it('text lengths: a title of 1,000 characters is kept, 1,001 refused; ids at 100 and 101', () => {
    expect(validateReading(reading({ title: 'x'.repeat(1000) }), 'f').title.length).toBe(1000);
    expect(() => validateReading(reading({ title: 'x'.repeat(1001) }), 'f')).toThrow(/field title: is longer than 1000 characters/);
    expect(validateReading(reading({ id: 'i'.repeat(100) }), 'f').id.length).toBe(100);
    expect(() => validateReading(reading({ id: 'i'.repeat(101) }), 'f')).toThrow(/field id: /);
    expect(validateSession(session({ notes: 'n'.repeat(10_000) }), 'f').notes.length).toBe(10_000);
    expect(() => validateSession(session({ notes: 'n'.repeat(10_001) }), 'f')).toThrow(/field notes: is longer than 10000 characters/);
    expect(() => validateReading(reading({ authors: ['a'.repeat(501)] }), 'f')).toThrow(/field authors\[0\]: /);
  });
  it('a session may end when it starts, never before', () => {
    expect(validateSession(session({ end: '2026-01-01T10:00:00.000Z' }), 'b.json').end).toBe('2026-01-01T10:00:00.000Z');
    expect(() => validateSession(session({ end: '2026-01-01T09:59:59.999Z' }), 'b.json')).toThrow(/field end: is before start/);
  });
  it('required text is required, and an unknown status or source is refused', () => {
    expect(() => validateReading(reading({ title: '' }), 'f')).toThrow(/field title: is required/);
    expect(() => validateReading(reading({ title: '   ' }), 'f')).toThrow(/field title: is required/);
    expect(() => validateReading(reading({ status: 'done' }), 'f')).toThrow(/field status: /);
    expect(() => validateReading(reading({ source: 'web' }), 'f')).toThrow(/field source: /);
    expect(() => validateSession(session({ readingId: '' }), 'f')).toThrow(/field readingId: is required/);
  });
});

describe('DOIs, progress and reviews (schema version 5, backup version 3)', () => {
  it('a DOI is kept in one normal form: lower case, without a resolver prefix', () => {
    for (const raw of [
      '10.1145/3292500.3330701',
      'https://doi.org/10.1145/3292500.3330701',
      'http://dx.doi.org/10.1145/3292500.3330701',
      'doi: 10.1145/3292500.3330701',
    ])
      expect(normalDoi(raw, 'f', 'doi')).toBe('10.1145/3292500.3330701');
    expect(normalDoi('10.1002/ABC.DEF', 'f', 'doi')).toBe('10.1002/abc.def');
    expect(normalDoi('', 'f', 'doi')).toBeNull();
    expect(validateReading(reading({ doi: 'DOI:10.1000/XYZ' }), 'w').doi).toBe('10.1000/xyz');
    expect(() => validateReading(reading({ doi: 'not a doi' }), 'refs.bib, line 4')).toThrow(/refs\.bib, line 4, field doi: "not a doi" is not a DOI/);
  });

  it('progress is pages or a percentage, done within total; missing means none', () => {
    expect(validateReading(reading(), 'w').progress).toBeNull();
    expect(validateReading(reading({ progress: { unit: 'pages', total: 320, done: 320 } }), 'w').progress).toEqual({ unit: 'pages', total: 320, done: 320 });
    expect(validateReading(reading({ progress: { unit: 'percent', done: 40 } }), 'w').progress).toEqual({ unit: 'percent', total: 100, done: 40 });
    expect(() => validateReading(reading({ progress: { unit: 'pages', total: 320, done: 321 } }), 'w')).toThrow(
      /w, field progress\.done: must be a whole number from 0 to 320/,
    );
    expect(() => validateReading(reading({ progress: { unit: 'chapters', total: 3, done: 0 } }), 'w')).toThrow(
      /w, field progress\.unit: must be pages or percent/,
    );
    expect(() => validateReading(reading({ progress: { unit: 'percent', total: 50, done: 0 } }), 'w')).toThrow(/field progress\.total/);
    expect(validateSession(session({ progressAt: 12 }), 'w').progressAt).toBe(12);
    expect(validateSession(session(), 'w').progressAt).toBeNull();
  });

  it('abandoned is a status', () => {
    expect(validateReading(reading({ status: 'abandoned' }), 'w').status).toBe('abandoned');
    expect(() => validateReading(reading({ status: 'paused' }), 'w')).toThrow(/field status: must be one of unread, reading, finished, abandoned, hidden/);
  });

  it('a review has a rating from 1 (Again) to 4 (Easy), a date and minutes', () => {
    const ok = { id: 'v', readingId: 'r', at: '2026-11-05T08:00:00Z', rating: 4, minutes: 5 };
    expect(validateReview(ok, 'w')).toEqual({ ...ok, at: '2026-11-05T08:00:00.000Z' });
    expect(() => validateReview({ ...ok, rating: 5 }, 'b.json, reviews[0]')).toThrow(/b\.json, reviews\[0\], field rating: must be a whole number from 1 to 4/);
    expect(() => validateReview({ ...ok, at: 'soon' }, 'w')).toThrow(/field at: "soon" is not a date/);
  });
});

describe('review length setting', () => {
  it('is kept when set, from 1 to 120 minutes, and left unset otherwise', () => {
    expect(validateSettings({ dailyBudgetMinutes: 30 }, 's')).toEqual({ dailyBudgetMinutes: 30 });
    expect(validateSettings({ dailyBudgetMinutes: 30, reviewMinutes: 10 }, 's')).toEqual({ dailyBudgetMinutes: 30, reviewMinutes: 10 });
    expect(() => validateSettings({ reviewMinutes: 0 }, 'backup.json, settings')).toThrow(
      /backup\.json, settings, field reviewMinutes: must be a whole number from 1 to 120/,
    );
  });
});
