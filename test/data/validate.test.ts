/**
 * The edges of the one validation every import, restore and form goes through: each bounded
 * field accepts its first and last value and refuses one past either, naming the field.
 */
import { describe, expect, it } from 'vitest';
import { validateReading, validateSession, validateSettings } from '../../src/data/validate';
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
