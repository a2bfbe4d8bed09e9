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
        <table className="sessions" role="table">
          <caption className="sr-only">Study sessions, newest first</caption>
          <thead role="rowgroup">
            <tr role="row">
              <th scope="col" role="columnheader">
                When
              </th>
              <th scope="col" role="columnheader">
                Reading
              </th>
              <th scope="col" role="columnheader">
                Minutes
              </th>
              <th scope="col" role="columnheader">
                Focus
              </th>
              <th scope="col" role="columnheader">
                Understanding
              </th>
              <th scope="col" role="columnheader">
                Interruptions
              </th>
              <th scope="col" role="columnheader">
                Notes
              </th>
              <th scope="col" role="columnheader">
                <span className="sr-only">Actions</span>
              </th>
            </tr>
          </thead>
          <tbody role="rowgroup">
            {rows.map((s) => {
              const when = `the session of ${formatDateTime(s.start)} on ${nameOf(s.readingId)}`;
              return (
                <tr key={s.id} role="row">
                  <td role="cell" data-label="When">
                    {formatDateTime(s.start)}
                  </td>
                  <td role="cell" data-label="Reading">
                    {nameOf(s.readingId)}
                  </td>
                  <td role="cell" data-label="Minutes">
                    {s.activeMinutes}
                  </td>
                  <td role="cell" data-label="Focus">
                    {s.focus}
                  </td>
                  <td role="cell" data-label="Understanding">
                    {s.understanding ?? '–'}
                  </td>
                  <td role="cell" data-label="Interruptions">
                    {s.interruptions}
                  </td>
                  <td role="cell" className="notes" data-label="Notes">
                    {s.notes}
                  </td>
                  <td role="cell">
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
