/** How a review step words a date (issue 20): whole calendar days from today, in the learner's time zone. */
import { describe, expect, it } from 'vitest';
import { daysFrom } from '../../src/app/learn/ReviewStep';

describe('daysFrom', () => {
  const now = new Date(2026, 11, 10, 8, 0);
  it('names today, yesterday and tomorrow, and counts other days', () => {
    expect(daysFrom(new Date(2026, 11, 10, 23, 59), now)).toBe('today');
    expect(daysFrom(new Date(2026, 11, 9, 0, 1), now)).toBe('yesterday');
    expect(daysFrom(new Date(2026, 11, 11, 0, 0), now)).toBe('tomorrow');
    expect(daysFrom(new Date(2026, 11, 19, 7, 0), now)).toBe('in 9 days');
    expect(daysFrom(new Date(2026, 10, 28, 20, 0), now)).toBe('12 days ago');
    // Across a month's end and a year's end.
    expect(daysFrom(new Date(2027, 0, 2, 8, 0), now)).toBe('in 23 days');
  });
});
