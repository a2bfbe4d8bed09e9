/** The learning path for the time available: the starting suggestion for a new learner, then the model's. */
import { useEffect, useState } from 'react';
import { useModel } from './modelStore';
import { useStore } from '../studyStore';
import { todaysMinutes } from './Budget';
import { BecauseText, useTitles } from './because';
import { COLD_START_SESSIONS, isColdStart } from '../../recommend/coldStart';
import { ReviewsDue } from './ReviewsDue';
import { chanceText, prepareText } from './understandingText';

/**
 * An ordered plan for the time available: with fewer than COLD_START_SESSIONS sessions the starting
 * suggestion (shown at once, no model needed), then the model's, rolled forward through its predictions.
 */
export function PathPanel({ onStudy }: { onStudy: (id: string) => void }) {
  const { path, plan, skip, info, understanding } = useModel();
  const { sessions, reviews: log, settings, readings, hideReading } = useStore();
  const title = useTitles();
  const left = Math.max(0, settings.dailyBudgetMinutes - todaysMinutes(sessions, log));
  const [typed, setTyped] = useState<string>('');
  const minutes = typed === '' ? left : Math.max(0, Math.floor(Number(typed)) || 0);
  useEffect(() => {
    if (info.state !== 'loading') plan(minutes);
  }, [minutes, plan, info.state]);
  const cold = isColdStart(sessions.length);
  // A path of the other kind (the starter after the fifth session, or the reverse) is not shown while the right one comes.
  const shown = path && (path.starter !== null) === cold ? path : null;
  // With five sessions and no model path yet: nothing, unless the starter was showing (then say why it went).
  if (readings.length === 0 || (!cold && info.state !== 'ready' && !path)) return null;
  const reviews = shown?.reviews ?? { today: [], postponed: [] };
  const reviewMinutes = reviews.today.reduce((a, r) => a + r.minutes, 0);
  const total = reviewMinutes + (shown?.steps.reduce((a, s) => a + s.minutes, 0) ?? 0);
  const n = shown?.steps.length ?? 0;
  return (
    <section aria-labelledby="path-title">
      <h2 id="path-title">Learning path</h2>
      <label>
        Minutes available{' '}
        <input type="number" min={0} max={1440} value={typed} placeholder={`${left} (today's budget left)`} onChange={(e) => setTyped(e.target.value)} />
      </label>
      {shown?.starter && (
        <p data-testid="path-starter">
          A starting suggestion, not yet from your history: readings with nothing left to read first,{' '}
          {shown.starter === 'pack'
            ? "in the order the path pack's learners read them."
            : 'foundations first (fewest prerequisites beneath them, then the easiest, then the shortest).'}{' '}
          From your {COLD_START_SESSIONS}th session on, the path comes from your model.
        </p>
      )}
      {!cold && !shown && (
        <p data-testid="path-waiting">From your {COLD_START_SESSIONS}th session on, the path comes from your model: it comes once the model is up to date.</p>
      )}
      {shown && (
        <>
          <p data-testid="path-total">
            {reviews.today.length > 0
              ? `${reviews.today.length} review${reviews.today.length === 1 ? '' : 's'} and ${n} new reading${n === 1 ? '' : 's'}`
              : `${n} step${n === 1 ? '' : 's'}`}
            , {total} of {shown.minutes} minutes.
          </p>
          <ReviewsDue reviews={reviews} />
          <ol className="path" aria-label="New readings">
            {shown.steps.map((s) => {
              const reading = readings.find((r) => r.id === s.readingId);
              return (
                <li key={s.readingId} data-testid="path-step" data-reading-id={s.readingId} data-minutes={s.minutes}>
                  <span className="kind new">New</span> <strong>{title(s.readingId)}</strong>{' '}
                  <span className="muted">
                    {s.minutes} min (until {s.cumulative} min)
                  </span>
                  {!shown.starter && <BecauseText because={s.because} />}
                  {understanding?.readiness[s.readingId] !== undefined && (
                    <p className="muted" data-testid="predicted-understanding">
                      Predicted understanding: {chanceText(understanding.readiness[s.readingId])}.
                    </p>
                  )}
                  {understanding?.prepare[s.readingId] && (
                    <p data-testid="prepare-first">{prepareText(understanding.prepare[s.readingId], title(understanding.prepare[s.readingId].readingId))}</p>
                  )}
                  <div className="row">
                    <button type="button" onClick={() => onStudy(s.readingId)} aria-label={`Accept ${title(s.readingId)} and start the focus timer`}>
                      Accept
                    </button>
                    <button type="button" onClick={() => skip(s.readingId)} aria-label={`Skip ${title(s.readingId)} for now`}>
                      Skip
                    </button>
                    {reading && (
                      <button type="button" onClick={() => void hideReading(reading.id)} aria-label={`Hide ${title(s.readingId)} for good`}>
                        Hide
                      </button>
                    )}
                  </div>
                </li>
              );
            })}
          </ol>
          {shown.steps.length === 0 && (
            <p data-testid="path-nothing-new">
              {reviewMinutes > 0
                ? `No new reading fits in the ${shown.minutes - reviewMinutes} minutes left after the reviews: try more time.`
                : `Nothing fits in ${shown.minutes} minutes: try more time, or unhide readings.`}
            </p>
          )}
        </>
      )}
    </section>
  );
}
