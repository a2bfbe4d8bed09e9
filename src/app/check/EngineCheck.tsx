import { useRef, useState } from 'react';
import { runEngineCheck, type CheckProgress } from '../../eval/engineCheck';

export function EngineCheck() {
  const [progress, setProgress] = useState<CheckProgress | null>(null);
  const [running, setRunning] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const abort = useRef<AbortController | null>(null);
  const start = async () => {
    setError(null);
    setRunning(true);
    abort.current = new AbortController();
    try {
      await runEngineCheck(setProgress, abort.current.signal);
    } catch (e) {
      setError(e instanceof Error ? e.message : String(e));
    } finally {
      setRunning(false);
    }
  };
  const pct = progress ? Math.round((100 * progress.step) / progress.steps) : 0;
  return (
    <section aria-labelledby="check-title">
      <h2 id="check-title">Engine check</h2>
      <p>
        Trains the model on a synthetic sequence rule (each next item follows from the previous two) and reports how often the true next item is in its top 10
        on sequences it never saw. Chance is 0.25; a working engine reaches above 0.9.
      </p>
      <div className="row">
        <button type="button" onClick={start} disabled={running}>
          {running ? 'Training…' : 'Run engine check'}
        </button>
        <button type="button" onClick={() => abort.current?.abort()} disabled={!running}>
          Cancel
        </button>
      </div>
      {progress && (
        <div className="status">
          <div role="progressbar" aria-label="Training progress" aria-valuemin={0} aria-valuemax={100} aria-valuenow={pct} className="bar">
            <div style={{ width: `${pct}%` }} />
          </div>
          <dl>
            <dt>Backend</dt>
            <dd data-testid="backend">{progress.backend}</dd>
            <dt>Step</dt>
            <dd>
              {progress.step} / {progress.steps}
            </dd>
            <dt>Loss</dt>
            <dd>{Number.isFinite(progress.loss) ? progress.loss.toFixed(4) : '–'}</dd>
            <dt>Held-out HR@10</dt>
            <dd data-testid="hr10">{progress.hr10 === null ? '–' : progress.hr10.toFixed(3)}</dd>
          </dl>
        </div>
      )}
      {error && (
        <p role="alert" className="error">
          {error}
        </p>
      )}
    </section>
  );
}
