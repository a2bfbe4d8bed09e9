/**
 * The FSRS review log's first entry (issue 20): finishing a reading counts as
 * its first review, rated from how well it was understood. The log is the
 * source of truth for scheduling (src/recommend/reviews.ts replays it).
 */
import type { ReviewRating, ReviewRecord } from './types';

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
