import { useEffect, useMemo, useState } from 'react';
import { BUDGETS, useModel } from './modelStore';
import { useStore } from '../studyStore';
import type { AttentionMaps, Because } from '../../worker/protocol';
import { todaysMinutes } from './Budget';
import { formatDateTime } from '../../data/dates';

const STATE_TEXT: Record<string, string> = {
  loading: 'Loading the model…',
  empty: 'Add readings (or load the demo) and the model will learn from your sessions.',
  untrained: 'Not trained yet.',
  training: 'Training on your history…',
  paused: 'Training paused.',
  updating: 'Learning from your latest sessions…',
  ready: 'Up to date with your history.',
  broken: "The model's scores are not numbers; retrain it.",
};

function useTitles(): (id: string) => string {
  const readings = useStore((s) => s.readings);
  const map = useMemo(() => new Map(readings.map((r) => [r.id, r.title])), [readings]);
  return (id) => map.get(id) ?? '(a deleted reading)';
}

/** "Because you studied A 41%, B 22%, and earlier sessions 37%" */
function BecauseText({ because }: { because: Because[] }) {
  const title = useTitles();
  if (because.length === 0) return <p className="because">No history yet to explain it with.</p>;
  return (
    <p className="because" data-testid="because">
      Because you studied{' '}
      {because.map((b, i) => (
        <span key={`${b.readingId}-${i}`}>
          {i > 0 && (i === because.length - 1 ? ' and ' : ', ')}
          {b.readingId === '' ? 'earlier sessions' : <cite>{title(b.readingId)}</cite>}
          {b.planned && ' (planned)'} <span data-testid="because-percent">{b.percent}%</span>
        </span>
      ))}
    </p>
  );
}

function LossChart({ losses }: { losses: [number, number][] }) {
  if (losses.length < 2) return null;
  const W = 320;
  const H = 80;
  const xs = losses.map((l) => l[0]);
  const ys = losses.map((l) => l[1]);
  const [x0, x1] = [Math.min(...xs), Math.max(...xs)];
  const [y0, y1] = [Math.min(...ys), Math.max(...ys)];
  const px = (x: number) => ((x - x0) / Math.max(1, x1 - x0)) * (W - 8) + 4;
  const py = (y: number) => H - 4 - ((y - y0) / Math.max(1e-9, y1 - y0)) * (H - 8);
  const label = `Training loss over ${x1} steps: from ${ys[0].toFixed(3)} to ${ys[ys.length - 1].toFixed(3)}`;
  return (
    <svg className="loss-chart" width={W} height={H} viewBox={`0 0 ${W} ${H}`} role="img" aria-label={label}>
      <polyline fill="none" stroke="currentColor" strokeWidth="1.5" points={losses.map(([x, y]) => `${px(x).toFixed(1)},${py(y).toFixed(1)}`).join(' ')} />
    </svg>
  );
}

/** Training status, progress bar, live loss, and the controls. */
export function ModelPanel() {
  const { info, progress, losses, budgetSeconds, train, pause, resume, cancel, setBudget } = useModel();
  const running = info.state === 'training' || info.state === 'paused' || info.state === 'updating';
  return (
    <section aria-labelledby="model-title" className="card">
      <h2 id="model-title">Your model</h2>
      <p data-testid="model-state" {...(info.state === 'broken' ? { role: 'alert', className: 'notice error' } : {})}>
        {info.readOnly && info.state === 'ready' ? 'Showing the model the other tab trained.' : STATE_TEXT[info.state]}
      </p>
      {info.backend && (
        <p data-testid="model-backend">
          Runs on {info.backend}.{info.trainedAt && info.state === 'ready' && ` Trained ${info.steps} steps; last saved ${formatDateTime(info.trainedAt)}.`}
          {info.valHr10 !== null &&
            info.state === 'ready' &&
            ` Your ${info.valCases} newest readings, held out: ${Math.round(info.valHr10 * info.valCases)} of ${info.valCases} were in its top 10.`}
        </p>
      )}
      {info.readOnly && (
        <p role="status" className="notice info" data-testid="model-read-only">
          Training runs in another tab: this tab shows its model, read-only, and picks up each new checkpoint.
        </p>
      )}
      {info.fallback && (
        <p role="status" className="notice info" data-testid="cpu-fallback">
          WebGPU is not in use ({info.fallback}), so the model runs on the CPU: slower, same results.
        </p>
      )}
      {progress && (running || progress.fraction > 0) && (
        <div className="progress">
          <progress aria-label="Training progress" max={1} value={running ? progress.fraction : 1} />
          <span data-testid="progress-text">
            {progress.phase === 'updating' ? 'Update' : 'Training'}: epoch {progress.epoch} of {progress.epochs}, step {progress.step}, loss{' '}
            {Number.isFinite(progress.loss) ? progress.loss.toFixed(3) : '–'}
            {progress.valHr10 !== null && `, held-out HR@10 ${progress.valHr10.toFixed(2)}`}
            {!running && ' (done)'}
          </span>
          <LossChart losses={losses} />
        </div>
      )}
      <div className="row">
        {!running && !info.readOnly && (
          <>
            <label>
              Training time{' '}
              <select value={budgetSeconds} onChange={(e) => setBudget(Number(e.target.value))}>
                {[...new Set([...BUDGETS, budgetSeconds])]
                  .sort((a, b) => a - b)
                  .map((s) => (
                    <option key={s} value={s}>
                      {s < 60 ? `${s} seconds` : `${s / 60} minute${s === 60 ? '' : 's'}`}
                    </option>
                  ))}
              </select>
            </label>
            <button type="button" onClick={train} disabled={info.state === 'loading' || info.state === 'empty'}>
              {info.state === 'ready' || info.state === 'broken' ? 'Retrain from scratch' : 'Train on my history'}
            </button>
          </>
        )}
        {info.state === 'training' && (
          <button type="button" onClick={pause}>
            Pause training
          </button>
        )}
        {info.state === 'paused' && (
          <button type="button" onClick={resume}>
            Resume training
          </button>
        )}
        {running && (
          <button type="button" onClick={cancel}>
            Cancel training
          </button>
        )}
      </div>
    </section>
  );
}

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
                <strong>{title(r.readingId)}</strong>{' '}
                <span className="muted">
                  score {r.score.toFixed(2)} · {(r.probability * 100).toFixed(0)}% likely next{reading ? ` · ${reading.minutes} min` : ''}
                </span>
                <BecauseText because={r.because} />
                <div className="row">
                  <button type="button" onClick={() => onStudy(r.readingId)} aria-label={`Study ${title(r.readingId)} now`}>
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

/** An ordered plan for the time available, rolled forward by the model. */
export function PathPanel({ onStudy }: { onStudy: (id: string) => void }) {
  const { path, plan, skip, info } = useModel();
  const { sessions, settings, readings, hideReading } = useStore();
  const title = useTitles();
  const left = Math.max(0, settings.dailyBudgetMinutes - todaysMinutes(sessions));
  const [typed, setTyped] = useState<string>('');
  const minutes = typed === '' ? left : Math.max(0, Math.floor(Number(typed)) || 0);
  useEffect(() => {
    if (info.state !== 'loading') plan(minutes);
  }, [minutes, plan, info.state]);
  if (info.state !== 'ready' && !path) return null;
  const total = path?.steps.reduce((a, s) => a + s.minutes, 0) ?? 0;
  return (
    <section aria-labelledby="path-title">
      <h2 id="path-title">Learning path</h2>
      <label>
        Minutes available{' '}
        <input type="number" min={0} max={1440} value={typed} placeholder={`${left} (today's budget left)`} onChange={(e) => setTyped(e.target.value)} />
      </label>
      {path && (
        <>
          <p data-testid="path-total">
            {path.steps.length} step{path.steps.length === 1 ? '' : 's'}, {total} of {path.minutes} minutes.
          </p>
          <ol className="path" aria-label="Learning path">
            {path.steps.map((s) => {
              const reading = readings.find((r) => r.id === s.readingId);
              return (
                <li key={s.readingId} data-testid="path-step" data-reading-id={s.readingId} data-minutes={s.minutes}>
                  <strong>{title(s.readingId)}</strong>{' '}
                  <span className="muted">
                    {s.minutes} min (until {s.cumulative} min)
                  </span>
                  <BecauseText because={s.because} />
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
          {path.steps.length === 0 && <p>Nothing fits in {path.minutes} minutes: try more time, or unhide readings.</p>}
        </>
      )}
    </section>
  );
}
