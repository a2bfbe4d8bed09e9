import { useEffect, useRef, useState, type FormEvent, type KeyboardEvent } from 'react';
import { RatingFields, ratingsFrom } from '../history/SessionFields';
import type { Reading } from '../../data/types';
import type { SessionOutcome } from '../../data/sessionWrites';
import { UNDER_A_MINUTE } from '../../data/sessionWrites';
import { int, ValidationError } from '../../data/validate';

/** The three ends of a session, each chosen by one key. */
const OUTCOMES: { value: SessionOutcome; label: string; key: string }[] = [
  { value: 'finished', label: 'Finished', key: 'f' },
  { value: 'continue', label: 'Continue later', key: 'c' },
  { value: 'abandoned', label: 'Abandon', key: 'a' },
];

export interface SessionEndValues {
  outcome: SessionOutcome;
  progressAt: number | null;
  ratings: ReturnType<typeof ratingsFrom>;
}

/** A key typed into a field is text, not a choice. */
const typing = (t: EventTarget) => t instanceof HTMLTextAreaElement || t instanceof HTMLSelectElement || (t instanceof HTMLInputElement && t.type !== 'radio');

/**
 * The end of a focus session: what the reading is now (F finished, C continue later, A abandon;
 * focus starts on that choice), how far the learner got when the reading tracks pages or percent
 * (reaching the end suggests "finished"), and the ratings. Under a minute, nothing can be saved,
 * and it says why.
 */
export function SessionEnd(props: {
  reading: Reading;
  activeMs: number;
  onSave: (v: SessionEndValues) => Promise<void>;
  onResume: () => void;
  onDiscard: () => void;
}) {
  const { reading, activeMs } = props;
  const [outcome, setOutcome] = useState<SessionOutcome>(reading.status === 'finished' ? 'finished' : 'continue');
  const [hint, setHint] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const group = useRef<HTMLFieldSetElement>(null);
  const tooShort = activeMs < 60_000;
  const progress = reading.progress;

  const resume = useRef<HTMLButtonElement>(null);
  // Focus goes to the choice, so that one key says how the session ended (under a minute: to Resume).
  useEffect(() => {
    (group.current?.querySelector<HTMLInputElement>('input:checked') ?? resume.current)?.focus();
  }, []);

  if (tooShort) {
    return (
      <div>
        <p role="alert" className="notice error">
          Not saved: {Math.floor(activeMs / 1000)} second(s) of active study. {UNDER_A_MINUTE[0].toUpperCase() + UNDER_A_MINUTE.slice(1)}. Resume to keep going,
          or discard it.
        </p>
        <button type="button" ref={resume} onClick={props.onResume}>
          Resume
        </button>
        <button type="button" onClick={props.onDiscard}>
          Discard
        </button>
      </div>
    );
  }

  const choose = (value: SessionOutcome) => {
    setOutcome(value);
    group.current?.querySelector<HTMLInputElement>(`input[value="${value}"]`)?.focus();
  };
  const onKeyDown = (e: KeyboardEvent<HTMLFormElement>) => {
    if (e.ctrlKey || e.metaKey || e.altKey || typing(e.target)) return;
    const match = OUTCOMES.find((o) => o.key === e.key.toLowerCase());
    if (!match) return;
    e.preventDefault();
    choose(match.value);
  };
  const unit = progress?.unit === 'pages' ? 'page' : 'percent';
  const onProgress = (value: string) => {
    const reachedEnd = progress !== null && value.trim() !== '' && Number(value) >= progress.total;
    if (reachedEnd && outcome !== 'finished') {
      setOutcome('finished');
      setHint(`That is the end of “${reading.title}”, so it is marked finished; choose otherwise if it is not.`);
    } else if (!reachedEnd) setHint(null);
  };
  const submit = async (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    const f = new FormData(e.currentTarget);
    let progressAt: number | null = null;
    try {
      const raw = String(f.get('progressAt') ?? '').trim();
      if (progress && raw !== '') progressAt = int(raw, 'Session', `reached ${unit}`, 0, progress.total);
    } catch (err) {
      if (!(err instanceof ValidationError)) throw err;
      setError(err.message);
      return;
    }
    setError(null);
    await props.onSave({ outcome, progressAt, ratings: ratingsFrom(f) });
  };

  return (
    <form onSubmit={submit} onKeyDown={onKeyDown}>
      <p>{Math.round(activeMs / 60_000)} active minute(s). How did it go?</p>
      <fieldset ref={group}>
        <legend>“{reading.title}” is now (keys F, C, A)</legend>
        {OUTCOMES.map((o) => (
          <label key={o.value}>
            <input type="radio" name="outcome" value={o.value} checked={outcome === o.value} onChange={() => setOutcome(o.value)} /> {o.label} (
            {o.key.toUpperCase()})
          </label>
        ))}
      </fieldset>
      {progress && (
        <label>
          Reached {unit} (of {progress.total}){' '}
          <input name="progressAt" type="number" min={0} max={progress.total} defaultValue={progress.done} onChange={(e) => onProgress(e.target.value)} />
        </label>
      )}
      {hint && <p role="status">{hint}</p>}
      <RatingFields />
      {error && (
        <p role="alert" className="notice error">
          {error}
        </p>
      )}
      <button type="submit">Save session</button>
      <button type="button" onClick={props.onDiscard}>
        Discard
      </button>
    </form>
  );
}
