/**
 * Reviews scheduled through ts-fsrs (issue 20), with fixed dates: the card is
 * derived from the log alone, ratings move the next due date the right way,
 * due reviews come lowest retrievability first, and a short budget postpones
 * reviews rather than dropping them.
 */
import { describe, expect, it } from 'vitest';
import type { ReviewRecord, ReviewRating } from '../../src/data/types';
import { cardOf, dueAfter, dueReviews, fitReviews, reviewStateOf } from '../../src/recommend/reviews';
import { ratingFromUnderstanding } from '../../src/data/reviewLog';
import { aReading } from '../support/records';

const DAY = 86_400_000;
const T0 = Date.parse('2026-11-01T09:00:00.000Z');
const at = (days: number) => new Date(T0 + days * DAY);
const review = (readingId: string, days: number, rating: ReviewRating, id = `${readingId}-${days}`): ReviewRecord => ({
  id,
  readingId,
  at: at(days).toISOString(),
  rating,
  minutes: 5,
});

describe('FSRS reviews from the log', () => {
  it('an empty log has no card; finishing makes one, due days later (no ten-minute learning steps)', () => {
    expect(cardOf([])).toBeNull();
    const card = cardOf([review('a', 0, 3)])!;
    expect(card.reps).toBe(1);
    expect(card.due.getTime() - T0).toBeGreaterThanOrEqual(DAY);
  });

  it('the card depends on the log, not on the order it is stored in', () => {
    const log = [review('a', 0, 3), review('a', 4, 2), review('a', 9, 4), review('a', 30, 1)];
    const shuffled = [log[2], log[0], log[3], log[1]];
    expect(cardOf(shuffled)).toEqual(cardOf(log));
  });

  it('a better rating puts the next review later: Again < Hard < Good < Easy', () => {
    const log = [review('a', 0, 3)];
    const dues = ([1, 2, 3, 4] as ReviewRating[]).map((r) => dueAfter(log, r, at(5)).getTime());
    for (let i = 1; i < dues.length; i++) expect(dues[i], `rating ${i + 1} vs ${i}`).toBeGreaterThan(dues[i - 1]);
    // The due date the rating button promises is the one the log then gives.
    expect(cardOf([...log, review('a', 5, 3)])!.due.getTime()).toBe(dues[2]);
  });

  it('retrievability falls as time passes since the last review', () => {
    const log = [review('a', 0, 3), review('a', 3, 3)];
    const r = [4, 10, 40].map((d) => reviewStateOf('a', log, at(d))!.retrievability);
    expect(r[0]).toBeLessThanOrEqual(1);
    expect(r[1]).toBeLessThan(r[0]);
    expect(r[2]).toBeLessThan(r[1]);
    expect(reviewStateOf('a', log, at(4))!.lastSeen).toEqual(at(3));
  });

  it('finishing counts as a rating from understanding', () => {
    expect([null, 0, 29, 30, 59, 60, 89, 90, 100].map(ratingFromUnderstanding)).toEqual([3, 1, 1, 2, 2, 3, 3, 4, 4]);
  });
});

describe('due reviews and the budget', () => {
  const readings = [
    aReading('old', { status: 'finished' }),
    aReading('recent', { status: 'finished' }),
    aReading('hidden', { status: 'hidden' }),
    aReading('dropped', { status: 'abandoned' }),
    aReading('fresh', { status: 'finished' }),
  ];
  const log = [review('old', 0, 2), review('recent', 10, 3), review('hidden', 0, 1), review('dropped', 0, 1), review('fresh', 59, 3)];

  it('only finished readings that are due, lowest retrievability first', () => {
    const due = dueReviews(readings, log, at(60));
    expect(due.map((d) => d.readingId)).toEqual(['old', 'recent']);
    expect(due[0].retrievability).toBeLessThan(due[1].retrievability);
    expect(dueReviews(readings, log, at(0)).map((d) => d.readingId)).toEqual([]);
  });

  it('reviews that do not fit are postponed, in order, never dropped', () => {
    const due = dueReviews(readings, log, at(60));
    expect(fitReviews(due, 5, 60)).toMatchObject({ today: due, postponed: [], minutesLeft: 50 });
    const short = fitReviews(due, 5, 7);
    expect(short.today.map((d) => d.readingId)).toEqual(['old']);
    expect(short.postponed.map((d) => d.readingId)).toEqual(['recent']);
    expect(short.minutesLeft).toBe(2);
    expect(fitReviews(due, 5, 0)).toMatchObject({ today: [], minutesLeft: 0 });
    expect(fitReviews(due, 5, 0).postponed).toHaveLength(2);
  });
});
