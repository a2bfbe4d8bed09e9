/** Rows read back from the database through today's validation: the ones that pass, and a report of the ones that do not. */
import { ValidationError } from './validate';

/** A database row that fails today's validation (written by an older app, or around the checks): kept, not shown. */
export interface Unreadable {
  store: 'readings' | 'sessions';
  id: string;
  /** Names the row and the field, as validation says it. */
  message: string;
}

export interface Checked<T> {
  rows: T[];
  unreadable: Unreadable[];
}

/**
 * Rows as the app reads them: each through the same validation as a form or an
 * import, so what the sections and the trainer see has the shape they expect.
 * A row that fails is reported instead of breaking whoever reads it.
 */
export function check<T>(store: Unreadable['store'], raw: unknown[], validate: (x: unknown, where: string) => T): Checked<T> {
  const rows: T[] = [];
  const unreadable: Unreadable[] = [];
  for (const x of raw) {
    const id = String((x as { id?: unknown } | null)?.id);
    try {
      rows.push(validate(x, `database, ${store} ${JSON.stringify(id)}`));
    } catch (e) {
      if (!(e instanceof ValidationError)) throw e;
      unreadable.push({ store, id, message: e.message });
    }
  }
  return { rows, unreadable };
}
