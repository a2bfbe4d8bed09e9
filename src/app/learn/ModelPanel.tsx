/** The model panel: its state, engine and validation, the training progress and loss curve, and the controls. */
import { BUDGETS, useModel } from './modelStore';
import { formatDateTime } from '../../data/dates';
import { progressText, ranToEnd, validationText } from './modelText';

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
        </p>
      )}
      {info.trainedAt && info.state === 'ready' && <p data-testid="model-validation">{validationText(info.validation)}</p>}
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
          <progress aria-label="Training progress" max={1} value={running || !ranToEnd(progress) ? progress.fraction : 1} />
          <span data-testid="progress-text">{progressText(progress, running, info.state === 'paused')}</span>
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
