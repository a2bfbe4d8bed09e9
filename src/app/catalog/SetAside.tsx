import { useEffect, useState } from 'react';
import { useStore } from '../studyStore';
import { trashEntries } from '../../data/trash';
import type { Reading, ReadingStatus, TrashEntry } from '../../data/types';

type Deleted = Extract<TrashEntry, { kind: 'delete' }>;

/** The status a hidden reading goes back to: the one it had when it was hidden, while that hide is in the trash. */
function statusBeforeHiding(trash: TrashEntry[], readingId: string): ReadingStatus {
  const hide = trash.find((e) => e.kind === 'hide' && e.readingId === readingId);
  return hide?.kind === 'hide' && hide.status !== 'hidden' ? hide.status : 'unread';
}

/**
 * Readings set aside, to bring back: hidden ones (shown again by the catalog's undoable status change) and
 * deleted ones whose tombstone is still in the trash (brought back by undoing that delete, trash.ts).
 */
export function SetAside({ matches }: { matches: (r: Reading) => boolean }) {
  const { repo, readings, setStatus, undo } = useStore();
  const [trash, setTrash] = useState<TrashEntry[]>([]);
  // Read again whenever the readings change: a delete, an undo or a restore changes the trash too.
  useEffect(() => {
    if (!repo) return;
    let live = true;
    void trashEntries(repo.db).then((t) => live && setTrash(t));
    return () => {
      live = false;
    };
  }, [repo, readings]);
  const hidden = readings.filter((r) => r.status === 'hidden' && matches(r)).sort((a, b) => a.title.localeCompare(b.title));
  const ids = new Set(readings.map((r) => r.id));
  // A reading deleted, brought back and deleted again has two tombstones: the newest is offered.
  const deleted = trash.filter((e): e is Deleted => e.kind === 'delete' && !ids.has(e.reading.id) && matches(e.reading));
  const offered = deleted.filter((e, i) => deleted.findIndex((d) => d.reading.id === e.reading.id) === i);
  return (
    <section aria-labelledby="set-aside-title">
      <h3 id="set-aside-title">Hidden and deleted readings</h3>
      {hidden.length === 0 && offered.length === 0 ? (
        <p className="muted">None: a reading you hide or delete is listed here, to bring back.</p>
      ) : (
        <ul className="readings">
          {hidden.map((r) => (
            <li key={r.id}>
              <span className="title">{r.title}</span> <span className="meta">hidden</span>{' '}
              <button type="button" onClick={() => void setStatus(r.id, statusBeforeHiding(trash, r.id))} aria-label={`Show again: ${r.title}`}>
                Show again
              </button>
            </li>
          ))}
          {offered.map((e) => (
            <li key={e.seq}>
              <span className="title">{e.reading.title}</span>{' '}
              <span className="meta">deleted{e.sessions.length > 0 ? ` with ${e.sessions.length} session(s)` : ''}</span>{' '}
              <button type="button" onClick={() => e.seq !== undefined && void undo(e.seq)} aria-label={`Bring back: ${e.reading.title}`}>
                Bring back
              </button>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
