import { useStore } from '../studyStore';
import type { StudySession } from '../../data/types';

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
