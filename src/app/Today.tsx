import { useStore } from './store';
import type { StudySession } from '../data/types';
import { compareDates, formatDateTime } from '../data/dates';
import { UnreadableRows } from './Unreadable';

const sameDay = (iso: string, d: Date) => {
  const x = new Date(iso);
  return x.getFullYear() === d.getFullYear() && x.getMonth() === d.getMonth() && x.getDate() === d.getDate();
};

/** Active minutes studied today. */
export function todaysMinutes(sessions: StudySession[], today = new Date()): number {
  return sessions.filter((s) => sameDay(s.start, today)).reduce((a, s) => a + s.activeMinutes, 0);
}

/** Today's attention budget and what is spent of it. */
export function Budget() {
  const { sessions, settings, saveSettings } = useStore();
  const today = new Date();
  const spent = todaysMinutes(sessions, today);
  const left = Math.max(0, settings.dailyBudgetMinutes - spent);
  return (
    <section aria-labelledby="budget-title">
      <h2 id="budget-title">Today</h2>
      <p data-testid="budget">
        {spent} of {settings.dailyBudgetMinutes} minutes studied today; {left} left.
      </p>
      <label>
        Daily budget (minutes){' '}
        <input
          type="number"
          min={0}
          max={1440}
          value={settings.dailyBudgetMinutes}
          onChange={(e) => void saveSettings({ dailyBudgetMinutes: Number(e.target.value) })}
        />
      </label>
    </section>
  );
}

/** Every session, newest first. */
export function History() {
  const { sessions, readings } = useStore();
  const title = new Map(readings.map((r) => [r.id, r.title]));
  const rows = [...sessions].sort((a, b) => compareDates(b.start, a.start));
  return (
    <section aria-labelledby="history-title">
      <h2 id="history-title">History</h2>
      <UnreadableRows store="sessions" what="study session(s)" />
      {rows.length === 0 ? (
        <p>No study sessions yet.</p>
      ) : (
        <table>
          <caption className="sr-only">Study sessions, newest first</caption>
          <thead>
            <tr>
              <th scope="col">When</th>
              <th scope="col">Reading</th>
              <th scope="col">Minutes</th>
              <th scope="col">Focus</th>
              <th scope="col">Understanding</th>
              <th scope="col">Interruptions</th>
            </tr>
          </thead>
          <tbody>
            {rows.map((s) => (
              <tr key={s.id}>
                <td>{formatDateTime(s.start)}</td>
                <td>{title.get(s.readingId) ?? '(deleted reading)'}</td>
                <td>{s.activeMinutes}</td>
                <td>{s.focus}</td>
                <td>{s.understanding ?? '–'}</td>
                <td>{s.interruptions}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
