import { useStore } from '../studyStore';
import type { ReviewRecord, StudySession } from '../../data/types';
import { DEFAULT_REVIEW_MINUTES } from '../../data/reviewLog';

const sameDay = (iso: string, d: Date) => {
  const x = new Date(iso);
  return x.getFullYear() === d.getFullYear() && x.getMonth() === d.getMonth() && x.getDate() === d.getDate();
};

/** Minutes spent today: sessions' active minutes and rated reviews' minutes (a finishing entry has none). */
export function todaysMinutes(sessions: StudySession[], reviews: ReviewRecord[], today = new Date()): number {
  const studied = sessions.filter((s) => sameDay(s.start, today)).reduce((a, s) => a + s.activeMinutes, 0);
  return studied + reviews.filter((r) => sameDay(r.at, today)).reduce((a, r) => a + r.minutes, 0);
}

/** Today's attention budget and what is spent of it. */
export function Budget() {
  const { sessions, reviews, settings, saveSettings } = useStore();
  const today = new Date();
  const spent = todaysMinutes(sessions, reviews, today);
  const left = Math.max(0, settings.dailyBudgetMinutes - spent);
  return (
    <section aria-labelledby="budget-title">
      <h2 id="budget-title">Today</h2>
      <p data-testid="budget">
        {spent} of {settings.dailyBudgetMinutes} minutes studied or reviewed today; {left} left.
      </p>
      <label>
        Daily budget (minutes){' '}
        <input
          type="number"
          min={0}
          max={1440}
          value={settings.dailyBudgetMinutes}
          onChange={(e) => void saveSettings({ ...settings, dailyBudgetMinutes: Number(e.target.value) })}
        />
      </label>{' '}
      <label>
        Review length (minutes){' '}
        <input
          type="number"
          min={1}
          max={120}
          value={settings.reviewMinutes ?? DEFAULT_REVIEW_MINUTES}
          onChange={(e) => void saveSettings({ ...settings, reviewMinutes: Number(e.target.value) })}
        />
      </label>
    </section>
  );
}
