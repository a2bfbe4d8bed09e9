import { useEffect, useId, useRef, useState, type FormEvent } from 'react';
import { useStore } from '../studyStore';
import { newId } from '../ids';
import type { Reading, ReadingProgress } from '../../data/types';
import { PrerequisitePicker } from './PrerequisitePicker';

const splitList = (s: string) =>
  s
    .split(/[;,]/)
    .map((x) => x.trim())
    .filter((x) => x !== '');

type Unit = ReadingProgress['unit'] | 'none';

/** The form's progress: null when not tracked; the repository checks the numbers and names a bad field. */
function progressFrom(unit: Unit, f: FormData): ReadingProgress | null {
  if (unit === 'none') return null;
  const num = (k: string, fallback: number) => (String(f.get(k) ?? '').trim() === '' ? fallback : Number(f.get(k)));
  return { unit, total: unit === 'percent' ? 100 : num('progressTotal', NaN), done: num('progressDone', 0) };
}

/**
 * Add a reading, or edit one: its fields, the readings it builds on (searched by title; a cycle is
 * refused) and, for a long reading, pages or a percentage that sessions advance. An edit changes
 * only what the learner changed, merged with the reading as it is now: links or progress changed
 * since the form opened (a session, another tab) are kept unless edited here too.
 */
export function ReadingForm({ editing, focusFirst = false, onDone }: { editing: Reading | null; focusFirst?: boolean; onDone: () => void }) {
  const { readings, saveReading, editReading } = useStore();
  const headingId = useId();
  const titleField = useRef<HTMLInputElement>(null);
  // An edit opens with focus on its first field; so does the add form after a save.
  useEffect(() => {
    if (focusFirst) titleField.current?.focus();
  }, [focusFirst]);
  const [id] = useState(() => editing?.id ?? newId());
  const [title, setTitle] = useState(editing?.title ?? '');
  const [prerequisites, setPrerequisites] = useState<string[]>(editing?.prerequisites ?? []);
  const [unit, setUnit] = useState<Unit>(editing?.progress?.unit ?? 'none');

  const save = async (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    const form = e.currentTarget;
    const f = new FormData(form);
    const get = (k: string) => String(f.get(k) ?? '').trim();
    const progress = progressFrom(unit, f);
    const fields: Partial<Reading> = {
      title: get('title'),
      url: get('url') || null,
      authors: splitList(get('authors')),
      year: get('year') ? Number(get('year')) : null,
      topics: splitList(get('topics')).map((t) => t.toLowerCase()),
      minutes: Number(get('minutes') || 30),
      difficulty: Number(get('difficulty') || 3),
    };
    if (!editing || JSON.stringify(prerequisites) !== JSON.stringify(editing.prerequisites)) fields.prerequisites = prerequisites;
    if (!editing || JSON.stringify(progress) !== JSON.stringify(editing.progress)) fields.progress = progress;
    const saved = editing
      ? await editReading(editing.id, fields)
      : await saveReading({
          id,
          ...(fields as Omit<Reading, 'id' | 'addedAt' | 'status' | 'source' | 'doi'>),
          addedAt: new Date().toISOString(),
          status: 'unread',
          source: 'manual',
          doi: null,
        });
    if (saved) {
      form.reset();
      onDone();
    }
  };

  return (
    <form onSubmit={save} aria-labelledby={headingId} className="card">
      <h3 id={headingId}>{editing ? `Edit “${editing.title}”` : 'Add a reading'}</h3>
      <label>
        Title <input ref={titleField} name="title" required value={title} onChange={(e) => setTitle(e.target.value)} />
      </label>
      <label>
        URL <input name="url" type="url" placeholder="https://" defaultValue={editing?.url ?? ''} />
      </label>
      <label>
        Authors <input name="authors" placeholder="Last, First; Last, First" defaultValue={editing?.authors.join('; ')} />
      </label>
      <label>
        Year <input name="year" type="number" min={1000} max={2100} defaultValue={editing?.year ?? ''} />
      </label>
      <label>
        Topics <input name="topics" placeholder="transformers, nlp" defaultValue={editing?.topics.join(', ')} />
      </label>
      <label>
        Estimated minutes <input name="minutes" type="number" min={1} defaultValue={editing?.minutes ?? 30} />
      </label>
      <label>
        Difficulty (1–5) <input name="difficulty" type="number" min={1} max={5} defaultValue={editing?.difficulty ?? 3} />
      </label>
      <PrerequisitePicker readingId={id} title={title} readings={readings} value={prerequisites} onChange={setPrerequisites} />
      <fieldset>
        <legend>Progress</legend>
        <label>
          Track{' '}
          <select name="progressUnit" value={unit} onChange={(e) => setUnit(e.target.value as Unit)}>
            <option value="none">Not tracked</option>
            <option value="pages">Pages</option>
            <option value="percent">Percent</option>
          </select>
        </label>
        {unit === 'pages' && (
          <label>
            Pages in total <input name="progressTotal" type="number" min={1} required defaultValue={editing?.progress?.total} />
          </label>
        )}
        {unit !== 'none' && (
          <label>
            {unit === 'pages' ? 'Pages read' : 'Percent read'} <input name="progressDone" type="number" min={0} defaultValue={editing?.progress?.done ?? 0} />
          </label>
        )}
      </fieldset>
      <button type="submit">{editing ? 'Save changes' : 'Save reading'}</button>
      {editing && (
        <button type="button" onClick={onDone}>
          Cancel editing
        </button>
      )}
    </form>
  );
}
