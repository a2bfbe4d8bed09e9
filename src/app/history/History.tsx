import { useStore } from '../studyStore';
import { compareDates, formatDateTime } from '../../data/dates';
import { UnreadableRows } from '../Unreadable';

/** Every session, newest first. */
export function History() {
  const { sessions, readings } = useStore();
  const title = new Map(readings.map((r) => [r.id, r.title]));
  const rows = [...sessions].sort((a, b) => compareDates(b.start, a.start));
  return (
    <section aria-labelledby="history-title">
      <h2 id="history-title">History</h2>
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
            </tr>
          </thead>
          <tbody>
            {rows.map((s) => (
              <tr key={s.id}>
                <td>{formatDateTime(s.start)}</td>
                <td>{title.get(s.readingId) ?? '(deleted reading)'}</td>
                <td>{s.activeMinutes}</td>
                <td>{s.focus}</td>
                <td>{s.understanding ?? '–'}</td>
                <td>{s.interruptions}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
