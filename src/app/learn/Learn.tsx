/** What to read next (the model's ten best, explained) and what the model looks at (its attention rollout). */
import { useModel } from './modelStore';
import { useStore } from '../studyStore';
import { BecauseText, useTitles } from './because';
import { ROLLOUT_TITLE, RolloutGrid } from './RolloutGrid';

export function Recommendations({ onStudy }: { onStudy: (id: string) => void }) {
  const { recommendations, info } = useModel();
  const title = useTitles();
  const readings = useStore((s) => s.readings);
  const hideReading = useStore((s) => s.hideReading);
  if (info.state !== 'ready' && recommendations.length === 0) return null;
  return (
    <section aria-labelledby="recs-title">
      <h2 id="recs-title">Read next</h2>
      {recommendations.length === 0 ? (
        <p>Nothing to recommend: every reading is finished, hidden, or waits on a prerequisite.</p>
      ) : (
        <ol className="recs" aria-label="Recommended readings">
          {recommendations.map((r) => {
            const reading = readings.find((x) => x.id === r.readingId);
            return (
              <li key={r.readingId} data-testid="recommendation">
                <strong>{title(r.readingId)}</strong> {reading && <span className="muted">{reading.minutes} min</span>}
                <BecauseText because={r.because} />
                <div className="row">
                  <button type="button" onClick={() => onStudy(r.readingId)} aria-label={`Study now: ${title(r.readingId)}`}>
                    Study now
                  </button>
                  {reading && (
                    <button type="button" onClick={() => void hideReading(reading.id)} aria-label={`Hide ${title(r.readingId)}`}>
                      Hide
                    </button>
                  )}
                </div>
              </li>
            );
          })}
        </ol>
      )}
    </section>
  );
}

/** The learner's history feeding itself through every layer (attention rollout), as a keyboard grid. */
export function AttentionView() {
  const attention = useModel((s) => s.attention);
  const title = useTitles();
  if (!attention || attention.rollout.length === 0) return null;
  return (
    <section aria-labelledby="att-title">
      <h2 id="att-title">What the model looks at</h2>
      <p className="muted">
        {ROLLOUT_TITLE}: each row is a session, each cell how much of that row&apos;s state comes from an earlier session through the model&apos;s attention. It
        shows where information flows, not why a reading is recommended: the reasons above are measured by leaving each session out. Tab into the grid and move
        with the arrow keys.
      </p>
      {/* A new session changes the rows: the tab stop starts again on the newest. */}
      <RolloutGrid key={attention.history.join(' ')} maps={attention} title={title} />
      <details>
        <summary>Rows and columns, oldest first</summary>
        <ol>
          {attention.history.map((id, i) => (
            <li key={`${id}-${i}`}>{title(id)}</li>
          ))}
        </ol>
      </details>
    </section>
  );
}
