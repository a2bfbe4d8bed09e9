import { useMemo, useState } from 'react';
import { useStore } from '../studyStore';
import type { Reading, ReadingStatus } from '../../data/types';
import { ReadingForm } from './ReadingForm';
import { httpHref } from '../../data/validate';
import { UnreadableRows } from '../Unreadable';

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

export function Catalog({ onStudy }: { onStudy: (id: string) => void }) {
  const { readings, deleteReading, setStatus } = useStore();
  const [query, setQuery] = useState('');
  const [topic, setTopic] = useState('');
  const [editing, setEditing] = useState<Reading | null>(null);
  /** Bumped after each save: the add form starts afresh, with a new reading's id. */
  const [added, setAdded] = useState(0);
  const topics = useMemo(() => [...new Set(readings.flatMap((r) => r.topics))].sort(), [readings]);
  const shown = readings
    .filter((r) => r.status !== 'hidden')
    .filter((r) => !topic || r.topics.includes(topic))
    .filter((r) => {
      const q = query.trim().toLowerCase();
      return !q || r.title.toLowerCase().includes(q) || r.authors.some((a) => a.toLowerCase().includes(q));
    })
    .sort((a, b) => a.title.localeCompare(b.title));

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
      <ReadingForm
        key={editing?.id ?? `new-${added}`}
        editing={editing}
        onDone={() => {
          setEditing(null);
          setAdded((n) => n + 1);
        }}
      />
    </section>
  );
}
