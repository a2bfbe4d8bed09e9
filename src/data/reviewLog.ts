/**
 * The FSRS review log's first entry (issue 20): finishing a reading counts as
 * its first review, rated from how well it was understood. The log is the
 * source of truth for scheduling (src/recommend/reviews.ts replays it).
 */
import type { IDBPDatabase } from 'idb';
import type { StudyDB } from './schema';
import type { ReviewRating, ReviewRecord, TrashEntry } from './types';
import { inTx, keep, type Tx } from './trashTx';

/** Minutes a review takes when the learner has not set it (Settings.reviewMinutes). */
export const DEFAULT_REVIEW_MINUTES = 5;

/** What each FSRS rating is called, in the app's buttons and notices. */
export const RATING_TEXT: Record<ReviewRating, string> = { 1: 'Again', 2: 'Hard', 3: 'Good', 4: 'Easy' };

/** The rating that finishing counts as, from the last session's understanding (0..100, self-rated); none counts as Good. */
export function ratingFromUnderstanding(understanding: number | null): ReviewRating {
  if (understanding === null) return 3;
  if (understanding < 30) return 1;
  if (understanding < 60) return 2;
  if (understanding < 90) return 3;
  return 4;
}

/** The log entry that finishing `readingId` at `at` writes. */
export function finishingReview(id: string, readingId: string, at: string, understanding: number | null): ReviewRecord {
  return { id, readingId, at, rating: ratingFromUnderstanding(understanding), minutes: 0 };
}

/** Adds a rated review (validated) to the log of a finished reading; undoable (the tombstone names it). */
export function saveReview(db: IDBPDatabase<StudyDB>, r: ReviewRecord, at: string): Promise<TrashEntry> {
  return inTx(db, async (tx) => {
    const reading = await tx.objectStore('readings').get(r.readingId);
    if (!reading) throw new Error(`no reading has id "${r.readingId}" (deleted meanwhile?)`);
    await tx.objectStore('reviews').put(r);
    return keep(tx, { kind: 'review', at, label: `Reviewed “${reading.title}”: ${RATING_TEXT[r.rating]}`, reviewId: r.id });
  });
}

/** Undoes a review: its entry leaves the log (and the schedule follows, since it is replayed from the log). */
export async function undoReview(tx: Tx, e: Extract<TrashEntry, { kind: 'review' }>): Promise<void> {
  await tx.objectStore('reviews').delete(e.reviewId);
}
