/** What to read next (the model's ten best, explained) and what the model looks at (its attention maps). */
import { useState } from 'react';
import { useModel } from './modelStore';
import { useStore } from '../studyStore';
import type { AttentionMaps } from '../../worker/protocol';
import { BecauseText, useTitles } from './because';

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

function Heatmap({ maps, layer, head }: { maps: AttentionMaps; layer: number; head: number }) {
  const title = useTitles();
  const n = maps.history.length;
  const m = maps.weights[layer]?.[head];
  if (!m || n === 0) return null;
  const cell = Math.max(6, Math.min(16, Math.floor(320 / n)));
  const last = m.slice((n - 1) * n, n * n);
  const top = last.indexOf(Math.max(...last));
  const label = `Layer ${layer + 1}, head ${head + 1}: how each of your ${n} latest readings (rows) attends to earlier ones (columns). The newest attends most to ${title(maps.history[top])} (${(last[top] * 100).toFixed(0)}%).`;
  return (
    <svg width={n * cell} height={n * cell} viewBox={`0 0 ${n * cell} ${n * cell}`} role="img" aria-label={label} className="heatmap">
      {m.map((w, i) => {
        const q = Math.floor(i / n);
        const k = i % n;
        if (k > q) return null;
        return (
          <rect key={i} x={k * cell} y={q * cell} width={cell - 1} height={cell - 1} fill={`rgba(37, 99, 235, ${Math.min(1, 0.05 + w).toFixed(3)})`}>
            <title>{`${title(maps.history[q])} → ${title(maps.history[k])}: ${(w * 100).toFixed(1)}%`}</title>
          </rect>
        );
      })}
    </svg>
  );
}

/** The learner's history attending to itself, per layer and head. */
export function AttentionView() {
  const attention = useModel((s) => s.attention);
  const title = useTitles();
  const [layer, setLayer] = useState(-1);
  const [head, setHead] = useState(0);
  if (!attention || attention.weights.length === 0) return null;
  const L = attention.weights.length;
  const l = layer < 0 || layer >= L ? L - 1 : layer;
  return (
    <section aria-labelledby="att-title">
      <h2 id="att-title">What the model looks at</h2>
      <div className="row">
        <label>
          Layer{' '}
          <select value={l} onChange={(e) => setLayer(Number(e.target.value))}>
            {attention.weights.map((_, i) => (
              <option key={i} value={i}>
                {i + 1}
              </option>
            ))}
          </select>
        </label>
        <label>
          Head{' '}
          <select value={head} onChange={(e) => setHead(Number(e.target.value))}>
            {Array.from({ length: attention.heads }, (_, i) => (
              <option key={i} value={i}>
                {i + 1}
              </option>
            ))}
          </select>
        </label>
      </div>
      <Heatmap maps={attention} layer={l} head={head} />
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
