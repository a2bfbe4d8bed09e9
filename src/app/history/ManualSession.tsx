import { useState, type FormEvent } from 'react';
import { useStore } from '../studyStore';
import { newId } from '../ids';
import { RatingFields, ratingsFrom } from './SessionFields';
import { int, localDateTime, validateSession } from '../../data/validate';
import { refuseUnderAMinute } from '../../data/sessionWrites';

const WHERE = 'Record a past session';

/** Record a session that happened away from the timer. */
export function ManualSession() {
  const { readings, saveSession } = useStore();
  const [error, setError] = useState<string | null>(null);
  const sorted = [...readings].sort((a, b) => a.title.localeCompare(b.title));
  const [chosen, setChosen] = useState<string | null>(null);
  const reading = sorted.find((r) => r.id === chosen) ?? sorted[0];
  const progress = reading?.progress ?? null;
  const submit = async (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    const form = e.currentTarget;
    const f = new FormData(form);
    // Checked here, by the same validation the store applies again, so a refusal is shown in the form.
    let session;
    try {
      const start = localDateTime(f.get('start'), WHERE, 'start');
      const minutes = int(f.get('minutes'), WHERE, 'activeMinutes', 0, 24 * 60);
      session = validateSession(
        {
          id: newId(),
          readingId: String(f.get('reading')),
          start,
          end: new Date(Date.parse(start) + minutes * 60_000).toISOString(),
          activeMinutes: minutes,
          interruptions: Number(f.get('interruptions') || 0),
          quizScore: null,
          progressAt: progress && String(f.get('progressAt') ?? '').trim() !== '' ? int(f.get('progressAt'), WHERE, 'progressAt', 0, progress.total) : null,
          ...ratingsFrom(f),
        },
        WHERE,
      );
      refuseUnderAMinute(session, WHERE);
    } catch (err) {
      // Never silent: whatever went wrong is said in the form.
      setError(err instanceof Error ? err.message : String(err));
      return;
    }
    setError(null);
    if (await saveSession(session)) form.reset();
  };
  if (readings.length === 0) return null;
  return (
    <form className="card" onSubmit={submit} aria-labelledby="manual-title">
      <h3 id="manual-title">Record a past session</h3>
      <label>
        Reading{' '}
        <select name="reading" required value={reading?.id} onChange={(e) => setChosen(e.target.value)}>
          {sorted.map((r) => (
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
        Active minutes <input name="minutes" type="number" min={0} max={1440} required />
      </label>
      {progress && (
        <label>
          Reached {progress.unit === 'pages' ? 'page' : 'percent'} (of {progress.total}) <input name="progressAt" type="number" min={0} max={progress.total} />
        </label>
      )}
      <label>
        Interruptions <input name="interruptions" type="number" min={0} defaultValue={0} />
      </label>
      <RatingFields />
      {error && (
        <p role="alert" className="notice error">
          {error}
        </p>
      )}
      <button type="submit">Save past session</button>
    </form>
  );
}
