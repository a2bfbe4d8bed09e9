/**
 * One review in today's plan (issue 20): what FSRS says of it (how likely the
 * learner still recalls it, when it was last seen) and the four ratings, each
 * showing when the next review would then fall. Keys 1–4 rate it while the
 * step has focus.
 */
import type { KeyboardEvent } from 'react';
import type { ReviewRating } from '../../data/types';
import { RATING_TEXT } from '../../data/reviewLog';

const RATINGS = ([1, 2, 3, 4] as ReviewRating[]).map((rating) => ({ rating, label: RATING_TEXT[rating] }));

const DAY = 86_400_000;

/** "today", "yesterday", "12 days ago", or for a future date "tomorrow", "in 9 days". */
export function daysFrom(when: Date, now: Date): string {
  const days = Math.round((startOfDay(when) - startOfDay(now)) / DAY);
  if (days === 0) return 'today';
  if (days === -1) return 'yesterday';
  if (days === 1) return 'tomorrow';
  return days < 0 ? `${-days} days ago` : `in ${days} days`;
}

const startOfDay = (d: Date) => new Date(d.getFullYear(), d.getMonth(), d.getDate()).getTime();

export interface ReviewStepProps {
  title: string;
  /** Probability of recall now, 0..1. */
  retrievability: number;
  lastSeen: Date;
  minutes: number;
  now: Date;
  /** When the next review falls after each rating. */
  nextDue: (rating: ReviewRating) => Date;
  onRate: (rating: ReviewRating) => void;
  busy?: boolean;
}

export function ReviewStep({ title, retrievability, lastSeen, minutes, now, nextDue, onRate, busy = false }: ReviewStepProps) {
  const onKey = (e: KeyboardEvent<HTMLElement>) => {
    const r = RATINGS.find((x) => e.key === String(x.rating));
    if (!r || busy || e.target instanceof HTMLInputElement || e.target instanceof HTMLTextAreaElement) return;
    e.preventDefault();
    onRate(r.rating);
  };
  return (
    <div className="review-step" onKeyDown={onKey}>
      <p>
        <span className="kind review">Review</span> <strong>{title}</strong> · {minutes} min
      </p>
      <p className="muted" data-testid="review-facts">
        Recall now about {Math.round(retrievability * 100)}% · last seen {daysFrom(lastSeen, now)}
      </p>
      <div role="group" aria-label={`How well did you recall “${title}”?`} className="row">
        {RATINGS.map(({ rating, label }) => (
          <button key={rating} type="button" disabled={busy} onClick={() => onRate(rating)} aria-keyshortcuts={String(rating)}>
            {label}{' '}
            <span className="muted">
              ({rating}) next {daysFrom(nextDue(rating), now)}
            </span>
          </button>
        ))}
      </div>
    </div>
  );
}
