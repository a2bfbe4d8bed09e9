import { useEffect, useMemo, useRef, useState } from 'react';
import { useStore } from '../studyStore';
import type { Reading, ReadingStatus } from '../../data/types';
import { ReadingForm } from './ReadingForm';
import { httpHref } from '../../data/validate';
import { UnreadableRows } from '../Unreadable';
import { matchesSearch, notesByReading } from './search';
import { SetAside } from './SetAside';

/** The statuses the catalog sets (hiding is the Today section's, and a hidden reading is not listed here). */
const STATUSES: ReadingStatus[] = ['unread', 'reading', 'finished', 'abandoned'];

const progressText = (p: NonNullable<Reading['progress']>) => (p.unit === 'pages' ? `p. ${p.done} of ${p.total}` : `${p.done}% read`);

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

/**
 * The catalog: search (title, authors, topics and the notes of a reading's sessions), a topic filter, each reading
 * with its status, Study, Edit (the form opens in place, at the reading) and Delete, the add form, and the readings
 * set aside (hidden or deleted) to bring back. Closing an edit returns focus to the reading's Edit button.
 */
export function Catalog({ onStudy }: { onStudy: (id: string) => void }) {
  const { readings, sessions, deleteReading, setStatus } = useStore();
  const [query, setQuery] = useState('');
  const [topic, setTopic] = useState('');
  const [editing, setEditing] = useState<Reading | null>(null);
  /** Bumped after each save: the add form starts afresh, with a new reading's id. */
  const [added, setAdded] = useState(0);
  /** The reading whose Edit button takes focus back once its form has closed. */
  const returnTo = useRef<string | null>(null);
  useEffect(() => {
    if (editing !== null || returnTo.current === null) return;
    document.querySelector<HTMLButtonElement>(`[data-reading-edit="${CSS.escape(returnTo.current)}"]`)?.focus();
    returnTo.current = null;
  }, [editing]);
  const topics = useMemo(() => [...new Set(readings.flatMap((r) => r.topics))].sort(), [readings]);
  const notes = useMemo(() => notesByReading(sessions), [sessions]);
  const shown = readings
    .filter((r) => r.status !== 'hidden')
    .filter((r) => !topic || r.topics.includes(topic))
    .filter((r) => matchesSearch(r, query, notes))
    .sort((a, b) => a.title.localeCompare(b.title));
  const closeEdit = () => {
    returnTo.current = editing?.id ?? null;
    setEditing(null);
    setAdded((n) => n + 1);
  };

  return (
    <section aria-labelledby="catalog-title">
      <h2 id="catalog-title">Catalog</h2>
      <div className="row">
        <label>
          Search readings <input type="search" value={query} onChange={(e) => setQuery(e.target.value)} aria-describedby="search-what" />
        </label>
        <span id="search-what" className="muted">
          Titles, authors, topics and your session notes
        </span>
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
              {r.authors.length > 3 ? ' et al.' : ''} {r.year ?? ''} · {r.minutes} min
              {r.progress ? ` · ${progressText(r.progress)}` : ''}
              {r.source === 'demo' ? ' · demo' : ''}
            </span>{' '}
            <select aria-label={`Status of ${r.title}`} value={r.status} onChange={(e) => void setStatus(r.id, e.target.value as ReadingStatus)}>
              {STATUSES.map((s) => (
                <option key={s} value={s}>
                  {s}
                </option>
              ))}
            </select>
            <button type="button" data-reading-study={r.id} onClick={() => onStudy(r.id)} aria-label={`Study ${r.title}`}>
              Study
            </button>
            <button type="button" data-reading-edit={r.id} onClick={() => setEditing(r)} aria-label={`Edit ${r.title}`} aria-expanded={editing?.id === r.id}>
              Edit
            </button>
            <button type="button" onClick={() => void deleteReading(r.id)} aria-label={`Delete ${r.title}`}>
              Delete
            </button>
            {editing?.id === r.id && <ReadingForm key={r.id} editing={editing} focusFirst onDone={closeEdit} />}
          </li>
        ))}
      </ul>
      {/* One form at a time: while a reading is edited in place, the add form waits. */}
      {editing && !shown.some((r) => r.id === editing.id) && <ReadingForm key={editing.id} editing={editing} onDone={closeEdit} />}
      {/* After a save the fresh add form takes focus, ready for the next reading. */}
      {!editing && <ReadingForm key={`new-${added}`} editing={null} focusFirst={added > 0} onDone={() => setAdded((n) => n + 1)} />}
      <SetAside matches={(r) => matchesSearch(r, query, notes)} />
    </section>
  );
}
