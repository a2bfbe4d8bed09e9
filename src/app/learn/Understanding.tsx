/**
 * Predicted understanding (issue 18): whether the knowledge-tracing model passed its check, its training
 * progress, and each topic's mastery over time (a hand-drawn SVG line chart with a table giving every number).
 */
import { useModel } from './modelStore';
import { checkText, percent } from './understandingText';
import { colour, Legend } from '../history/Charts';
import type { MasteryChart } from '../../worker/protocol';

const W = 560;
const H = 150;
const LEFT = 40;

function Chart({ chart }: { chart: MasteryChart }) {
  const n = chart.points.length;
  const x = (i: number) => LEFT + (n === 1 ? (W - LEFT) / 2 : (i * (W - LEFT - 10)) / (n - 1));
  const y = (p: number) => 10 + (1 - p) * (H - 20);
  const summary = chart.topics.map((t, k) => `${t}: ${percent(chart.points[n - 1].values[k])} now`).join('; ');
  return (
    <figure>
      <svg
        role="img"
        aria-label={`Mastery per topic over time (chance of understanding a session well). ${summary}`}
        viewBox={`0 0 ${W} ${H + 24}`}
        width="100%"
      >
        {[0, 0.5, 1].map((p) => (
          <g key={p}>
            <line x1={LEFT - 4} x2={W} y1={y(p)} y2={y(p)} stroke="#e2e4ea" />
            <text x={LEFT - 8} y={y(p) + 4} fontSize="11" textAnchor="end">
              {percent(p)}
            </text>
          </g>
        ))}
        {chart.topics.map((t, k) => (
          <polyline key={t} fill="none" stroke={colour(k)} strokeWidth="2" points={chart.points.map((pt, i) => `${x(i)},${y(pt.values[k])}`).join(' ')} />
        ))}
        {[0, n - 1]
          .filter((i, j, a) => a.indexOf(i) === j)
          .map((i) => (
            <text key={i} x={x(i)} y={H + 16} fontSize="11" textAnchor="middle">
              {chart.points[i].day.slice(5)}
            </text>
          ))}
      </svg>
      <figcaption>
        Mastery by topic, after each day you rated a session: <Legend topics={chart.topics} />
      </figcaption>
    </figure>
  );
}

export function UnderstandingPanel() {
  const view = useModel((s) => s.understanding);
  const progress = useModel((s) => s.understandingProgress);
  const cancel = useModel((s) => s.cancelUnderstanding);
  const training = progress !== null && progress.steps > 0 && progress.step < progress.steps;
  if (!view && !training && progress?.steps !== 0) return null;
  const chart = view?.mastery ?? null;
  return (
    <section aria-labelledby="understanding-title">
      <h2 id="understanding-title">Predicted understanding</h2>
      {training && (
        <div className="row">
          <p role="status" data-testid="understanding-progress">
            Training the understanding model: step {progress.step} of {progress.steps}.
          </p>
          <button type="button" onClick={cancel}>
            Cancel
          </button>
        </div>
      )}
      {progress?.steps === 0 && <p data-testid="understanding-cancelled">Cancelled: the next change to your sessions trains it again.</p>}
      {view && <p data-testid="understanding-check">{checkText(view)}</p>}
      {chart && chart.points.length > 0 && (
        <>
          <Chart chart={chart} />
          <details>
            <summary>Mastery as a table</summary>
            <table data-testid="mastery-table">
              <caption>Chance of understanding a session on each topic well, after each day</caption>
              <thead>
                <tr>
                  <th scope="col">Day</th>
                  {chart.topics.map((t) => (
                    <th key={t} scope="col">
                      {t}
                    </th>
                  ))}
                </tr>
              </thead>
              <tbody>
                {chart.points.map((pt) => (
                  <tr key={pt.day}>
                    <th scope="row">{pt.day}</th>
                    {pt.values.map((v, k) => (
                      <td key={chart.topics[k]}>{percent(v)}</td>
                    ))}
                  </tr>
                ))}
              </tbody>
            </table>
          </details>
        </>
      )}
    </section>
  );
}
