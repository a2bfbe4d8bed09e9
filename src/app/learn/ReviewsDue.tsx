/**
 * The reviews part of today's plan (issue 20): due reviews first, lowest
 * recall first, each rated Again / Hard / Good / Easy; the ones that do not
 * fit today's minutes are listed as postponed, never dropped. Scheduled by
 * FSRS-6 (ts-fsrs) with its default parameters.
 */
import { useStore } from '../studyStore';
import { useTitles } from './because';
import { ReviewStep, daysFrom } from './ReviewStep';
import type { TodaysReviews } from '../../worker/protocol';

export function ReviewsDue({ reviews }: { reviews: TodaysReviews }) {
  const title = useTitles();
  const rateReview = useStore((s) => s.rateReview);
  if (reviews.today.length === 0 && reviews.postponed.length === 0) return null;
  const now = new Date();
  return (
    <>
      {reviews.today.length > 0 && (
        <ol className="path reviews" aria-label="Reviews due">
          {reviews.today.map((r) => (
            <li key={r.readingId} data-testid="review-step" data-reading-id={r.readingId}>
              <ReviewStep
                title={title(r.readingId)}
                retrievability={r.retrievability}
                lastSeen={new Date(r.lastSeen)}
                minutes={r.minutes}
                now={now}
                nextDue={(rating) => new Date(r.nextDue[rating - 1])}
                onRate={(rating) => {
                  const next = new Date(r.nextDue[rating - 1]);
                  void rateReview(r.readingId, rating, `${daysFrom(next, now)}, ${next.toLocaleDateString()}`);
                }}
              />
            </li>
          ))}
        </ol>
      )}
      {reviews.postponed.length > 0 && (
        <p data-testid="reviews-postponed">
          Postponed, no time left today (still due; they come first next time):{' '}
          {reviews.postponed.map((r, i) => (
            <span key={r.readingId}>
              {i > 0 && ', '}
              <cite>{title(r.readingId)}</cite>
            </span>
          ))}
          .
        </p>
      )}
      <p className="muted">Reviews are scheduled by FSRS-6 (ts-fsrs) with its default parameters; fitting them to your own reviews needs hundreds of them.</p>
    </>
  );
}
