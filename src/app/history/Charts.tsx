import { useStore } from '../studyStore';
import { chartData, TOPIC_COLOURS, type ChartData } from './chartData';

const W = 560;
const LEFT = 34;
export const colour = (i: number) => TOPIC_COLOURS[i % TOPIC_COLOURS.length];
const x = (d: ChartData, i: number) => LEFT + ((i + 0.5) * (W - LEFT - 6)) / d.weeks.length;

export function Legend({ topics }: { topics: string[] }) {
  return (
    <>
      {topics.map((t, i) => (
        <span key={t} className="legend">
          <span style={{ background: colour(i) }} aria-hidden="true" /> {t}
        </span>
      ))}
    </>
  );
}

/** Stacked bars: each week's minutes, split by topic, on a scale marked at its top. */
function MinutesChart({ d }: { d: ChartData }) {
  const H = 170;
  const totals = d.cells.map((row) => row.reduce((a, c) => a + c.minutes, 0));
  const max = Math.max(1, ...totals);
  const bw = Math.min(48, (W - LEFT - 6) / d.weeks.length - 6);
  const summary = d.weeks
    .map(
      (w, i) =>
        `week of ${w}: ${totals[i]} min (${d.topics.flatMap((t, k) => (d.cells[i][k].minutes > 0 ? [`${t} ${d.cells[i][k].minutes}`] : [])).join(', ')})`,
    )
    .join('; ');
  return (
    <figure>
      <svg role="img" aria-label={`Minutes per topic per week. ${summary}`} viewBox={`0 0 ${W} ${H + 24}`} width="100%">
        <line x1={LEFT - 4} x2={W} y1={10} y2={10} stroke="#d8dbe3" />
        <text x={LEFT - 8} y={14} fontSize="11" textAnchor="end">
          {max}
        </text>
        <text x={LEFT - 8} y={H} fontSize="11" textAnchor="end">
          0
        </text>
        {d.weeks.map((w, i) => {
          let y = H;
          return (
            <g key={w}>
              {d.topics.map((t, k) => {
                const h = (d.cells[i][k].minutes / max) * (H - 10);
                y -= h;
                return h > 0 ? <rect key={t} x={x(d, i) - bw / 2} y={y} width={bw} height={h} fill={colour(k)} /> : null;
              })}
              <text x={x(d, i)} y={H + 16} fontSize="11" textAnchor="middle">
                {w.slice(5)}
              </text>
            </g>
          );
        })}
      </svg>
      <figcaption>
        Minutes per week, by topic: <Legend topics={d.topics} />
      </figcaption>
    </figure>
  );
}

/** One line per topic: its weekly focus (1–5, weighted by minutes), a dot for each week it was studied. */
function FocusChart({ d }: { d: ChartData }) {
  const H = 130;
  const y = (focus: number) => H - ((focus - 1) / 4) * (H - 20);
  const summary = d.topics
    .map((t, k) => `${t}: ${d.cells.flatMap((row, i) => (row[k].focus === null ? [] : [`${d.weeks[i]} ${row[k].focus!.toFixed(1)}`])).join(', ')}`)
    .join('; ');
  return (
    <figure>
      <svg role="img" aria-label={`Focus over time, per topic (weekly mean, 1 to 5). ${summary}`} viewBox={`0 0 ${W} ${H + 24}`} width="100%">
        {[1, 3, 5].map((f) => (
          <g key={f}>
            <line x1={LEFT - 4} x2={W} y1={y(f)} y2={y(f)} stroke="#e2e4ea" />
            <text x={LEFT - 8} y={y(f) + 4} fontSize="11" textAnchor="end">
              {f}
            </text>
          </g>
        ))}
        {d.topics.map((t, k) => {
          const points = d.cells.flatMap((row, i) => (row[k].focus === null ? [] : [[x(d, i), y(row[k].focus!)] as const]));
          return (
            <g key={t} stroke={colour(k)} fill={colour(k)}>
              <polyline fill="none" strokeWidth="2" points={points.map((p) => p.join(',')).join(' ')} />
              {points.map(([px, py]) => (
                <circle key={px} cx={px} cy={py} r="3.5" />
              ))}
            </g>
          );
        })}
        {d.weeks.map((w, i) => (
          <text key={w} x={x(d, i)} y={H + 16} fontSize="11" textAnchor="middle">
            {w.slice(5)}
          </text>
        ))}
      </svg>
      <figcaption>
        Focus (1–5) per week, by topic: <Legend topics={d.topics} />
      </figcaption>
    </figure>
  );
}

/**
 * Minutes and focus per topic over the weeks, hand-drawn SVG (a few dozen lines each, so no chart library in the
 * offline bundle), each with a text alternative that gives every number drawn.
 */
export function Charts() {
  const { sessions, readings } = useStore();
  if (sessions.length === 0) return null;
  const d = chartData(sessions, readings);
  return (
    <section aria-labelledby="stats-title">
      <h2 id="stats-title">Statistics</h2>
      <MinutesChart d={d} />
      <FocusChart d={d} />
    </section>
  );
}
