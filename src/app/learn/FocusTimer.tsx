import { useCallback, useEffect, useLayoutEffect, useRef, useState, type FormEvent } from 'react';
import { newId, useStore } from '../studyStore';
import { RatingFields, ratingsFrom } from '../history/SessionFields';

/**
 * A focus timer on one reading: start, pause, stop. Only running time counts;
 * the tab going out of sight pauses the timer and counts an interruption. At
 * the end it asks for focus and understanding and saves the session.
 */
export function FocusTimer({ readingId, onDone }: { readingId: string; onDone: () => void }) {
  const { readings, saveSession } = useStore();
  const reading = readings.find((r) => r.id === readingId);
  const [startedAt] = useState(() => new Date());
  const [running, setRunning] = useState(true);
  const [activeMs, setActiveMs] = useState(0);
  const [interruptions, setInterruptions] = useState(0);
  const [stopped, setStopped] = useState(false);
  // Set by the running layout effect before anything reads it (running starts true).
  const last = useRef(0);
  /**
   * Adds the running time since the last bank to the total. The delta is taken now, not inside a state
   * updater: React may run an updater later, after `last` has moved on, and the minutes would be lost
   * (seen after a long sleep of the page: the first tick's 8 minutes vanished).
   */
  const bank = useCallback(() => {
    const now = performance.now();
    const delta = now - last.current;
    last.current = now;
    setActiveMs((ms) => ms + delta);
  }, []);

  // A layout effect: the clock starts in the same task as the click that (re)started it, not after the next paint.
  useLayoutEffect(() => {
    if (!running) return;
    last.current = performance.now();
    const t = setInterval(bank, 1000);
    return () => clearInterval(t);
  }, [running, bank]);

  useEffect(() => {
    const onVisibility = () => {
      if (document.hidden && running) {
        bank();
        setRunning(false);
        setInterruptions((n) => n + 1);
      }
    };
    document.addEventListener('visibilitychange', onVisibility);
    return () => document.removeEventListener('visibilitychange', onVisibility);
  }, [running, bank]);

  if (!reading) return null;
  const minutes = Math.round(activeMs / 60_000);
  const clock = `${Math.floor(activeMs / 60_000)}:${String(Math.floor(activeMs / 1000) % 60).padStart(2, '0')}`;

  const save = async (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    const ok = await saveSession({
      id: newId(),
      readingId,
      start: startedAt.toISOString(),
      end: new Date().toISOString(),
      activeMinutes: Math.max(minutes, 0),
      interruptions,
      quizScore: null,
      ...ratingsFrom(new FormData(e.currentTarget)),
    });
    if (ok) onDone();
  };

  return (
    <section aria-labelledby="timer-title" className="card">
      <h2 id="timer-title">Studying: {reading.title}</h2>
      <p role="timer" aria-label="Active study time" aria-live="off" className="clock">
        {clock}
      </p>
      <p>
        Interruptions: <span data-testid="interruptions">{interruptions}</span>
      </p>
      {!stopped ? (
        <div className="row">
          {running ? (
            <button
              type="button"
              onClick={() => {
                bank();
                setRunning(false);
              }}
            >
              Pause
            </button>
          ) : (
            <button type="button" onClick={() => setRunning(true)}>
              Resume
            </button>
          )}
          <button
            type="button"
            onClick={() => {
              if (running) bank();
              setRunning(false);
              setStopped(true);
            }}
          >
            Stop
          </button>
        </div>
      ) : (
        <form onSubmit={save}>
          <p>{minutes} active minute(s). How did it go?</p>
          <RatingFields />
          <button type="submit">Save session</button>
          <button type="button" onClick={onDone}>
            Discard
          </button>
        </form>
      )}
    </section>
  );
}
