import type { FormEvent } from 'react';
import { newId, useStore } from '../studyStore';
import { RatingFields, ratingsFrom } from './SessionFields';

/** Record a session that happened away from the timer. */
export function ManualSession() {
  const { readings, saveSession } = useStore();
  const submit = async (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    const form = e.currentTarget;
    const f = new FormData(form);
    const start = new Date(String(f.get('start')));
    const minutes = Number(f.get('minutes'));
    const ok = await saveSession({
      id: newId(),
      readingId: String(f.get('reading')),
      start: start.toISOString(),
      end: new Date(start.getTime() + minutes * 60_000).toISOString(),
      activeMinutes: minutes,
      interruptions: Number(f.get('interruptions') || 0),
      quizScore: null,
      ...ratingsFrom(f),
    });
    if (ok) form.reset();
  };
  if (readings.length === 0) return null;
  return (
    <form className="card" onSubmit={submit} aria-labelledby="manual-title">
      <h3 id="manual-title">Record a past session</h3>
      <label>
        Reading{' '}
        <select name="reading" required>
          {[...readings]
            .sort((a, b) => a.title.localeCompare(b.title))
            .map((r) => (
              <option key={r.id} value={r.id}>
                {r.title}
              </option>
            ))}
        </select>
      </label>
      <label>
        Started at <input name="start" type="datetime-local" required />
      </label>
      <label>
        Active minutes <input name="minutes" type="number" min={1} max={1440} required />
      </label>
      <label>
        Interruptions <input name="interruptions" type="number" min={0} defaultValue={0} />
      </label>
      <RatingFields />
      <button type="submit">Save past session</button>
    </form>
  );
}
