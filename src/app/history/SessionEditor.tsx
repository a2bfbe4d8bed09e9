import { useEffect, useRef, useState, type FormEvent } from 'react';
import { useStore } from '../studyStore';
import { RatingFields, ratingsFrom } from './SessionFields';
import type { StudySession } from '../../data/types';
import { int, localDateTime, validateSession } from '../../data/validate';
import { refuseUnderAMinute } from '../../data/sessionWrites';
import { formatDateTime } from '../../data/dates';

const WHERE = 'Correct a session';

/** An ISO date as an <input type="datetime-local"> holds it, in local time: "2026-11-10T19:30". */
function localInput(iso: string): string {
  const d = new Date(iso);
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}`;
}

/**
 * The correction form of one session: when it started, its active minutes and its ratings. Focus
 * moves to its first field when it opens; a refusal (a date out of range, under a minute) is said
 * in the form and changes nothing. The change is undoable from the page's notice.
 */
export function SessionEditor({ session, title, onClose }: { session: StudySession; title: string; onClose: (saved: boolean) => void }) {
  const editSession = useStore((s) => s.editSession);
  const [error, setError] = useState<string | null>(null);
  const first = useRef<HTMLInputElement>(null);
  useEffect(() => first.current?.focus(), []);

  const submit = async (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    const f = new FormData(e.currentTarget);
    let corrected: StudySession;
    try {
      const start = localDateTime(f.get('start'), WHERE, 'start');
      const minutes = int(f.get('minutes'), WHERE, 'activeMinutes', 0, 24 * 60);
      // The session keeps its length in time, made long enough for its active minutes.
      const length = Math.max(Date.parse(session.end) - Date.parse(session.start), minutes * 60_000);
      corrected = validateSession(
        { ...session, start, end: new Date(Date.parse(start) + length).toISOString(), activeMinutes: minutes, ...ratingsFrom(f) },
        WHERE,
      );
      refuseUnderAMinute(corrected, WHERE);
    } catch (err) {
      setError(err instanceof Error ? err.message : String(err));
      return;
    }
    setError(null);
    if (await editSession(corrected)) onClose(true);
  };

  return (
    <form className="card" onSubmit={submit} aria-labelledby="correct-title">
      <h3 id="correct-title">
        Correct the session of {formatDateTime(session.start)} on “{title}”
      </h3>
      <label>
        Started at <input ref={first} name="start" type="datetime-local" required defaultValue={localInput(session.start)} />
      </label>
      <label>
        Active minutes <input name="minutes" type="number" min={0} max={1440} required defaultValue={session.activeMinutes} />
      </label>
      <RatingFields initial={session} />
      {error && (
        <p role="alert" className="notice error">
          {error}
        </p>
      )}
      <button type="submit">Save correction</button>
      <button type="button" onClick={() => onClose(false)}>
        Cancel correction
      </button>
    </form>
  );
}
