import { useStore } from '../studyStore';
import { compareDates, weekStart } from '../../data/dates';

const COLORS = ['#3b6fd8', '#d8833b', '#3bab6f', '#a34fc4', '#c4394f', '#7f8c2b', '#2b8c8c', '#8c5a2b'];

/** Minutes per topic per week (stacked bars) and focus over time, as SVG with text alternatives. */
export function Charts() {
  const { sessions, readings } = useStore();
  if (sessions.length === 0) return null;
  const topicOf = new Map(readings.map((r) => [r.id, r.topics[0] ?? 'untagged']));
  // Sessions reach here validated (years 1900 to 2200), so every one has a week; weekStart cannot throw either way.
  const weekOf = new Map(sessions.map((s) => [s.id, weekStart(s.start) ?? s.start.slice(0, 10)]));
  const weeks = [...new Set(weekOf.values())].sort(compareDates);
  const totals = new Map<string, number>();
  for (const s of sessions) totals.set(topicOf.get(s.readingId) ?? 'untagged', (totals.get(topicOf.get(s.readingId) ?? 'untagged') ?? 0) + s.activeMinutes);
  const topics = [...totals.entries()]
    .sort((a, b) => b[1] - a[1])
    .slice(0, COLORS.length - 1)
    .map(([t]) => t);
  const bucket = (t: string) => (topics.includes(t) ? t : 'other');
  const keys = [...topics, 'other'];
  const grid = weeks.map((w) => {
    const row = new Map<string, number>(keys.map((k) => [k, 0]));
    for (const s of sessions)
      if (weekOf.get(s.id) === w)
        row.set(bucket(topicOf.get(s.readingId) ?? 'untagged'), row.get(bucket(topicOf.get(s.readingId) ?? 'untagged'))! + s.activeMinutes);
    return row;
  });
  const max = Math.max(1, ...grid.map((r) => [...r.values()].reduce((a, b) => a + b, 0)));
  const W = 560;
  const H = 180;
  const bw = Math.min(60, (W - 40) / weeks.length - 8);
  const sorted = [...sessions].sort((a, b) => compareDates(a.start, b.start));
  const t0 = Date.parse(sorted[0].start);
  const t1 = Math.max(t0 + 1, Date.parse(sorted[sorted.length - 1].start));
  const summary = weeks
    .map(
      (w, i) =>
        `week of ${w}: ${[...grid[i].entries()]
          .filter(([, m]) => m > 0)
          .map(([k, m]) => `${k} ${m} min`)
          .join(', ')}`,
    )
    .join('; ');
  return (
    <section aria-labelledby="stats-title">
      <h2 id="stats-title">Statistics</h2>
      <figure>
        <svg role="img" aria-label={`Minutes per topic per week. ${summary}`} viewBox={`0 0 ${W} ${H + 30}`} width="100%">
          {weeks.map((w, i) => {
            let y = H;
            return (
              <g key={w}>
                {keys.map((k, ki) => {
                  const h = (grid[i].get(k)! / max) * (H - 10);
                  y -= h;
                  return h > 0 ? <rect key={k} x={30 + i * (bw + 8)} y={y} width={bw} height={h} fill={COLORS[ki % COLORS.length]} /> : null;
                })}
                <text x={30 + i * (bw + 8) + bw / 2} y={H + 16} fontSize="10" textAnchor="middle">
                  {w.slice(5)}
                </text>
              </g>
            );
          })}
        </svg>
        <figcaption>
          Minutes per topic per week:{' '}
          {keys.map((k, ki) => (
            <span key={k} className="legend">
              <span style={{ background: COLORS[ki % COLORS.length] }} aria-hidden="true" /> {k}
            </span>
          ))}
        </figcaption>
      </figure>
      <figure>
        <svg
          role="img"
          aria-label={`Focus over time, from ${sorted[0].start.slice(0, 10)}: ${sorted.map((s) => s.focus).join(', ')}`}
          viewBox={`0 0 ${W} 120`}
          width="100%"
        >
          <polyline
            fill="none"
            stroke="#3b6fd8"
            strokeWidth="2"
            points={sorted.map((s) => `${30 + ((Date.parse(s.start) - t0) / (t1 - t0)) * (W - 40)},${110 - (s.focus - 1) * 25}`).join(' ')}
          />
          {[1, 3, 5].map((f) => (
            <text key={f} x={5} y={114 - (f - 1) * 25} fontSize="10">
              {f}
            </text>
          ))}
        </svg>
        <figcaption>Focus (1–5) of each session over time</figcaption>
      </figure>
    </section>
  );
}
