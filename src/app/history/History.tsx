import { useEffect, useRef, useState } from 'react';
import { useStore } from '../studyStore';
import { compareDates, formatDateTime } from '../../data/dates';
import { UnreadableRows } from '../Unreadable';
import { SessionEditor } from './SessionEditor';

/**
 * Every session, newest first, with its notes; each can be corrected or deleted (both undoable
 * from the page's notice). Closing the correction form returns focus to the row's Edit button;
 * a deletion moves focus to the section's heading, the row being gone.
 */
export function History() {
  const { sessions, readings, deleteSession } = useStore();
  const [editing, setEditing] = useState<string | null>(null);
  const heading = useRef<HTMLHeadingElement>(null);
  /** The session whose Edit button takes focus back once its correction form has closed. */
  const returnTo = useRef<string | null>(null);
  useEffect(() => {
    if (editing !== null || returnTo.current === null) return;
    document.querySelector<HTMLButtonElement>(`[data-session-edit="${CSS.escape(returnTo.current)}"]`)?.focus();
    returnTo.current = null;
  }, [editing]);
  const title = new Map(readings.map((r) => [r.id, r.title]));
  const rows = [...sessions].sort((a, b) => compareDates(b.start, a.start));
  const edited = sessions.find((s) => s.id === editing);
  const nameOf = (readingId: string) => title.get(readingId) ?? '(deleted reading)';
  const remove = async (id: string) => {
    if (editing === id) setEditing(null);
    if (await deleteSession(id)) heading.current?.focus();
  };
  return (
    <section aria-labelledby="history-title">
      <h2 id="history-title" ref={heading} tabIndex={-1}>
        History
      </h2>
      <UnreadableRows store="sessions" what="study session(s)" />
      {rows.length === 0 ? (
        <p>No study sessions yet.</p>
      ) : (
        <table>
          <caption className="sr-only">Study sessions, newest first</caption>
          <thead>
            <tr>
              <th scope="col">When</th>
              <th scope="col">Reading</th>
              <th scope="col">Minutes</th>
              <th scope="col">Focus</th>
              <th scope="col">Understanding</th>
              <th scope="col">Interruptions</th>
              <th scope="col">Notes</th>
              <th scope="col">
                <span className="sr-only">Actions</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {rows.map((s) => {
              const when = `the session of ${formatDateTime(s.start)} on ${nameOf(s.readingId)}`;
              return (
                <tr key={s.id}>
                  <td>{formatDateTime(s.start)}</td>
                  <td>{nameOf(s.readingId)}</td>
                  <td>{s.activeMinutes}</td>
                  <td>{s.focus}</td>
                  <td>{s.understanding ?? '–'}</td>
                  <td>{s.interruptions}</td>
                  <td className="notes">{s.notes}</td>
                  <td>
                    <button type="button" data-session-edit={s.id} onClick={() => setEditing(s.id)} aria-label={`Edit ${when}`}>
                      Edit
                    </button>
                    <button type="button" onClick={() => void remove(s.id)} aria-label={`Delete ${when}`}>
                      Delete
                    </button>
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      )}
      {edited && (
        <SessionEditor
          key={edited.id}
          session={edited}
          title={nameOf(edited.readingId)}
          onClose={() => {
            returnTo.current = edited.id;
            setEditing(null);
          }}
        />
      )}
    </section>
  );
}
