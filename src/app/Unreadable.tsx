import { useStore } from './studyStore';

/**
 * Rows of one store that fail today's validation (written by an older version
 * of the app, or around its checks): named with the field at fault, while the
 * section shows every other row. The rows stay in the database as they are.
 */
export function UnreadableRows({ store, what }: { store: 'readings' | 'sessions'; what: string }) {
  const { unreadable } = useStore();
  const rows = unreadable.filter((u) => u.store === store);
  if (rows.length === 0) return null;
  return (
    <div className="notice error">
      <div>
        <p>
          {rows.length} {what} in this browser’s database could not be shown: {rows.length === 1 ? 'it fails' : 'they fail'} today’s checks. They are left in
          the database as they are.
        </p>
        <ul>
          {rows.map((u) => (
            <li key={u.id}>{u.message}</li>
          ))}
        </ul>
      </div>
    </div>
  );
}
