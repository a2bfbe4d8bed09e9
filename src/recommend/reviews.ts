/**
 * Spaced reviews of finished readings, scheduled by ts-fsrs (FSRS-6 with its
 * default parameters). The review log is the source of truth: a reading's
 * card is derived by replaying its reviews in order, never stored.
 *
 * The first entry of a reading's log is written when it is finished (rated
 * from that session's understanding, src/data/reviewLog.ts); each
 * later entry is a review the learner rated Again / Hard / Good / Easy.
 *
 * Learning steps are off (`enable_short_term: false`): a reading is reviewed
 * days apart, not after ten minutes as a flashcard would be.
 */
import { createEmptyCard, fsrs, type Card, type FSRS, type Grade } from 'ts-fsrs';
import type { Reading, ReviewRecord, ReviewRating } from '../data/types';
import { compareDates } from '../data/dates';

let scheduler: FSRS | null = null;
const fsrsScheduler = (): FSRS => (scheduler ??= fsrs({ enable_short_term: false, enable_fuzz: false }));

/** The reading's FSRS card after every review in `log` (any order; replayed oldest first), or null for an empty log. */
export function cardOf(log: ReviewRecord[]): Card | null {
  const sorted = [...log].sort((a, b) => compareDates(a.at, b.at) || a.id.localeCompare(b.id));
  if (sorted.length === 0) return null;
  let card = createEmptyCard(new Date(sorted[0].at));
  for (const r of sorted) card = fsrsScheduler().next(card, new Date(r.at), r.rating as Grade).card;
  return card;
}

export interface ReviewState {
  readingId: string;
  /** When FSRS schedules the next review. */
  due: Date;
  /** Probability of recall now, 0..1. */
  retrievability: number;
  /** The latest entry of the log (finishing counts). */
  lastSeen: Date;
  /** Entries in the log. */
  reps: number;
}

export function reviewStateOf(readingId: string, log: ReviewRecord[], now: Date): ReviewState | null {
  const card = cardOf(log);
  if (!card) return null;
  return {
    readingId,
    due: card.due,
    retrievability: fsrsScheduler().get_retrievability(card, now, false),
    lastSeen: card.last_review ?? new Date(log[0].at),
    reps: log.length,
  };
}

/** When the next review would fall if the reading were rated `rating` at `at`: what the rating buttons show. */
export function dueAfter(log: ReviewRecord[], rating: ReviewRating, at: Date): Date {
  const card: Card = cardOf(log) ?? createEmptyCard<Card>(at);
  return fsrsScheduler().next(card, at, rating as Grade).card.due;
}

/**
 * Finished readings whose review is due at `now`, lowest retrievability first
 * (the one closest to being forgotten leads), then by id for a stable order.
 * Hidden, abandoned and unfinished readings are never reviewed.
 */
export function dueReviews(readings: Reading[], reviews: ReviewRecord[], now: Date): ReviewState[] {
  const logOf = new Map<string, ReviewRecord[]>();
  for (const r of reviews) logOf.set(r.readingId, [...(logOf.get(r.readingId) ?? []), r]);
  const due: ReviewState[] = [];
  for (const reading of readings) {
    if (reading.status !== 'finished') continue;
    const state = reviewStateOf(reading.id, logOf.get(reading.id) ?? [], now);
    if (state && state.due.getTime() <= now.getTime()) due.push(state);
  }
  return due.sort((a, b) => a.retrievability - b.retrievability || a.readingId.localeCompare(b.readingId));
}

export interface FittedReviews {
  /** Reviews that fit today's budget, in the order to do them. */
  today: ReviewState[];
  /** Due reviews that do not fit: shown as postponed, never dropped. */
  postponed: ReviewState[];
  /** Minutes left for new readings. */
  minutesLeft: number;
}

/** Due reviews first, in order, while each fits the budget; the rest are postponed. */
export function fitReviews(due: ReviewState[], reviewMinutes: number, budgetMinutes: number): FittedReviews {
  const fits = Math.max(0, Math.min(due.length, Math.floor(budgetMinutes / Math.max(1, reviewMinutes))));
  return { today: due.slice(0, fits), postponed: due.slice(fits), minutesLeft: budgetMinutes - fits * reviewMinutes };
}

/** A due review in today's plan: what FSRS says of it, and when the next review falls after each rating. */
interface PlannedReview {
  readingId: string;
  minutes: number;
  /** Probability of recall at `now`, 0..1. */
  retrievability: number;
  /** ISO 8601: the last entry of its log (finishing counts). */
  lastSeen: string;
  /** ISO 8601: when it fell due. */
  due: string;
  /** ISO 8601: the next due date after Again, Hard, Good, Easy. */
  nextDue: [string, string, string, string];
}

/** The reviews part of today's plan: due reviews first, lowest retrievability first; the rest postponed. */
export interface TodaysReviews {
  today: PlannedReview[];
  postponed: PlannedReview[];
}

/**
 * Today's reviews for a plan of `minutes` at `now`: the due ones that fit (each `reviewMinutes`
 * long), the ones postponed, and the minutes left for new readings.
 */
export function todaysReviews(
  readings: Reading[],
  log: ReviewRecord[],
  reviewMinutes: number,
  minutes: number,
  now: Date,
): { reviews: TodaysReviews; minutesLeft: number } {
  const fitted = fitReviews(dueReviews(readings, log, now), reviewMinutes, minutes);
  const planned = (s: ReviewState): PlannedReview => {
    const own = log.filter((r) => r.readingId === s.readingId);
    const next = ([1, 2, 3, 4] as ReviewRating[]).map((rating) => dueAfter(own, rating, now).toISOString());
    return {
      readingId: s.readingId,
      minutes: reviewMinutes,
      retrievability: s.retrievability,
      lastSeen: s.lastSeen.toISOString(),
      due: s.due.toISOString(),
      nextDue: [next[0], next[1], next[2], next[3]],
    };
  };
  return { reviews: { today: fitted.today.map(planned), postponed: fitted.postponed.map(planned) }, minutesLeft: fitted.minutesLeft };
}
