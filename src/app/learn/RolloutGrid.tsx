/**
 * The attention rollout over the learner's history (recommend/explain.ts attentionRollout) as a keyboard
 * grid: one row per session (the query), one cell per session it may draw on, shaded by the share. One cell
 * is in the tab order at a time (roving tabindex); the arrow keys move it, Home and End go to the row's
 * ends, Ctrl+Home and Ctrl+End to the first and last cells. Each cell's name says its row, column and value.
 */
import { useRef, useState, type KeyboardEvent } from 'react';
import type { AttentionMaps } from '../../worker/protocol';

export const ROLLOUT_TITLE = 'Attention rollout over your history (how much each earlier session feeds the newest)';

const pct = (w: number) => `${(w * 100).toFixed(1)} %`;

/** A cell's accessible name: row reading, column reading, value (a later session cannot feed an earlier one). */
function cellLabel(rowTitle: string, q: number, colTitle: string, k: number, w: number): string {
  const row = `Row: session ${q + 1}, ${rowTitle}`;
  const col = `column: session ${k + 1}, ${colTitle}`;
  return `${row}; ${col}; ${k > q ? 'none, a later session' : pct(w)}`;
}

const KEYS: Record<string, (q: number, k: number, n: number, ctrl: boolean) => [number, number]> = {
  ArrowUp: (q, k) => [q - 1, k],
  ArrowDown: (q, k) => [q + 1, k],
  ArrowLeft: (q, k) => [q, k - 1],
  ArrowRight: (q, k) => [q, k + 1],
  Home: (q, _k, _n, ctrl) => [ctrl ? 0 : q, 0],
  End: (q, _k, n, ctrl) => [ctrl ? n - 1 : q, n - 1],
};

export function RolloutGrid({ maps, title }: { maps: AttentionMaps; title: (id: string) => string }) {
  const n = maps.history.length;
  const m = maps.rollout;
  const grid = useRef<HTMLDivElement>(null);
  // The cell in the tab order: the newest session's row, first column, until the learner moves.
  const [active, setActive] = useState<[number, number]>([n - 1, 0]);
  const [focused, setFocused] = useState(false);
  if (n === 0 || m.length !== n * n) return null;
  const [aq, ak] = [Math.min(active[0], n - 1), Math.min(active[1], n - 1)];
  const cell = Math.max(8, Math.min(16, Math.floor(320 / n)));
  const newest = m.slice((n - 1) * n, n * n);
  const earlier = newest.slice(0, n - 1);
  const top = earlier.indexOf(Math.max(...earlier));
  const summary =
    `Your newest session, ${title(maps.history[n - 1])}, keeps ${pct(newest[n - 1])} of its own` +
    (top >= 0 ? `; of the earlier ones it draws most on ${title(maps.history[top])} (session ${top + 1}, ${pct(newest[top])}).` : '.');
  const onKeyDown = (e: KeyboardEvent) => {
    const move = KEYS[e.key];
    if (!move) return;
    e.preventDefault();
    const [q, k] = move(aq, ak, n, e.ctrlKey).map((x) => Math.max(0, Math.min(n - 1, x)));
    setActive([q, k]);
    grid.current?.querySelector<HTMLElement>(`[data-cell="${q}-${k}"]`)?.focus();
  };
  return (
    <>
      <p id="rollout-summary" data-testid="rollout-summary">
        {summary}
      </p>
      <div
        ref={grid}
        role="grid"
        aria-label={ROLLOUT_TITLE}
        aria-describedby="rollout-summary"
        aria-rowcount={n}
        aria-colcount={n}
        className="heatmap"
        style={{ width: n * cell }}
        onKeyDown={onKeyDown}
        onFocus={() => setFocused(true)}
        onBlur={() => setFocused(false)}
      >
        {maps.history.map((rowId, q) => (
          <div role="row" key={q} aria-rowindex={q + 1} style={{ display: 'flex', height: cell }}>
            {maps.history.map((colId, k) => {
              const w = k > q ? 0 : m[q * n + k];
              const on = q === aq && k === ak;
              return (
                <div
                  role="gridcell"
                  key={k}
                  aria-colindex={k + 1}
                  data-cell={`${q}-${k}`}
                  tabIndex={on ? 0 : -1}
                  aria-label={cellLabel(title(rowId), q, title(colId), k, w)}
                  title={k > q ? undefined : `${title(rowId)} ← ${title(colId)}: ${pct(w)}`}
                  onClick={() => setActive([q, k])}
                  style={{
                    width: cell - 1,
                    height: cell - 1,
                    marginRight: 1,
                    background: k > q ? 'transparent' : `rgba(37, 99, 235, ${Math.min(1, 0.05 + w).toFixed(3)})`,
                    outline: on && focused ? '2px solid #111' : undefined,
                    outlineOffset: 1,
                  }}
                />
              );
            })}
          </div>
        ))}
      </div>
    </>
  );
}
