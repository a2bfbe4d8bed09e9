import { useMemo, useState, type FormEvent } from 'react';
import { newId, useStore } from '../studyStore';
import type { Reading } from '../../data/types';
import { httpHref } from '../../data/validate';
import { UnreadableRows } from '../Unreadable';

const splitList = (s: string) =>
  s
    .split(/[;,]/)
    .map((x) => x.trim())
    .filter((x) => x !== '');

/** The title, linked only when the URL passes the import check: a row in the database may predate it. */
function ReadingTitle({ reading }: { reading: Reading }) {
  const href = httpHref(reading.url);
  if (!href) return <>{reading.title}</>;
  return (
    <a href={href} target="_blank" rel="noopener noreferrer">
      {reading.title}
    </a>
  );
}

export function Catalog({ onStudy }: { onStudy: (id: string) => void }) {
  const { readings, saveReading, editReading, deleteReading } = useStore();
  const [query, setQuery] = useState('');
  const [topic, setTopic] = useState('');
  const [editing, setEditing] = useState<Reading | null>(null);
  const topics = useMemo(() => [...new Set(readings.flatMap((r) => r.topics))].sort(), [readings]);
  const shown = readings
    .filter((r) => r.status !== 'hidden')
    .filter((r) => !topic || r.topics.includes(topic))
    .filter((r) => {
      const q = query.trim().toLowerCase();
      return !q || r.title.toLowerCase().includes(q) || r.authors.some((a) => a.toLowerCase().includes(q));
    })
    .sort((a, b) => a.title.localeCompare(b.title));

  const save = async (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    const f = new FormData(e.currentTarget);
    const get = (k: string) => String(f.get(k) ?? '').trim();
    const fields = {
      title: get('title'),
      url: get('url') || null,
      authors: splitList(get('authors')),
      year: get('year') ? Number(get('year')) : null,
      topics: splitList(get('topics')).map((t) => t.toLowerCase()),
      minutes: Number(get('minutes') || 30),
      difficulty: Number(get('difficulty') || 3),
    };
    // An edit changes only the form's fields, merged with the reading as it is now (its prerequisites and status may
    // have changed since the form opened); the reading's id, links and history stay.
    const form = e.currentTarget;
    const saved = editing
      ? await editReading(editing.id, fields)
      : await saveReading({
          id: newId(),
          ...fields,
          prerequisites: [],
          addedAt: new Date().toISOString(),
          status: 'unread',
          source: 'manual',
          progress: null,
          doi: null,
        });
    if (saved) {
      form.reset();
      setEditing(null);
    }
  };

  return (
    <section aria-labelledby="catalog-title">
      <h2 id="catalog-title">Catalog</h2>
      <div className="row">
        <label>
          Search readings <input type="search" value={query} onChange={(e) => setQuery(e.target.value)} />
        </label>
        <label>
          Topic{' '}
          <select value={topic} onChange={(e) => setTopic(e.target.value)}>
            <option value="">All topics</option>
            {topics.map((t) => (
              <option key={t} value={t}>
                {t}
              </option>
            ))}
          </select>
        </label>
      </div>
      <p aria-live="polite">
        {shown.length} of {readings.length} readings
      </p>
      <UnreadableRows store="readings" what="reading(s)" />
      <ul className="readings">
        {shown.map((r) => (
          <li key={r.id}>
            <span className="title">
              <ReadingTitle reading={r} />
            </span>{' '}
            <span className="meta">
              {r.authors.slice(0, 3).join(', ')}
              {r.authors.length > 3 ? ' et al.' : ''} {r.year ?? ''} · {r.minutes} min · {r.status}
              {r.source === 'demo' ? ' · demo' : ''}
            </span>
            <button type="button" onClick={() => onStudy(r.id)} aria-label={`Study ${r.title}`}>
              Study
            </button>
            <button type="button" onClick={() => setEditing(r)} aria-label={`Edit ${r.title}`}>
              Edit
            </button>
            <button type="button" onClick={() => void deleteReading(r.id)} aria-label={`Delete ${r.title}`}>
              Delete
            </button>
          </li>
        ))}
      </ul>
      <form key={editing?.id ?? 'new'} onSubmit={save} aria-labelledby="add-title" className="card">
        <h3 id="add-title">{editing ? `Edit “${editing.title}”` : 'Add a reading'}</h3>
        <label>
          Title <input name="title" required defaultValue={editing?.title} />
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
        <button type="submit">{editing ? 'Save changes' : 'Save reading'}</button>
        {editing && (
          <button type="button" onClick={() => setEditing(null)}>
            Cancel editing
          </button>
        )}
      </form>
    </section>
  );
}
