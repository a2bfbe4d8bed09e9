/**
 * Reads and writes of the learner's data, for the UI and the trainer.
 * Each write is its own transaction, so two tabs writing at once both keep
 * their rows; every write is announced on a BroadcastChannel so other tabs
 * refresh. A failed write (quota exceeded, aborted transaction) is rethrown as
 * a StorageError with a message for the user, never dropped.
 */
import type { IDBPDatabase } from 'idb';
import { restoreBackup, type Backup, type StudyDB } from './db';
import { DEFAULT_SETTINGS, type CheckpointRecord, type PathPack, type Reading, type Settings, type StudySession } from './types';
import { ValidationError, validateReading, validateSession, validateSettings } from './validate';
import { compareDates } from './dates';

export class StorageError extends Error {
  constructor(
    message: string,
    override readonly cause?: unknown,
  ) {
    super(message);
    this.name = 'StorageError';
  }
}

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
function check<T>(store: Unreadable['store'], raw: unknown[], validate: (x: unknown, where: string) => T): Checked<T> {
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

export type Change = { store: 'readings' | 'sessions' | 'settings' | 'checkpoints' | 'pathPacks'; id?: string };

const CHANNEL = 'studypath-changes';

function describe(e: unknown, what: string): StorageError {
  const name = e instanceof DOMException || e instanceof Error ? e.name : '';
  if (name === 'QuotaExceededError')
    return new StorageError(`Could not save ${what}: this browser's storage for the app is full. Export a backup and free some space, then try again.`, e);
  if (name === 'AbortError') return new StorageError(`Could not save ${what}: the browser aborted the write. Nothing was changed; try again.`, e);
  return new StorageError(`Could not save ${what}: ${e instanceof Error ? e.message : String(e)}`, e);
}

export class Repo {
  private channel: BroadcastChannel | null;

  constructor(
    readonly db: IDBPDatabase<StudyDB>,
    onRemoteChange?: (c: Change) => void,
  ) {
    this.channel = typeof BroadcastChannel === 'undefined' ? null : new BroadcastChannel(CHANNEL);
    if (this.channel && onRemoteChange) this.channel.onmessage = (ev: MessageEvent<Change>) => onRemoteChange(ev.data);
  }

  private announce(c: Change): void {
    this.channel?.postMessage(c);
  }

  private async write<T>(what: string, change: Change, fn: () => Promise<T>): Promise<T> {
    try {
      const out = await fn();
      this.announce(change);
      return out;
    } catch (e) {
      throw describe(e, what);
    }
  }

  /** The readings that pass validation, and the rows that do not. */
  async readingsChecked(): Promise<Checked<Reading>> {
    return check('readings', await this.db.getAll('readings'), validateReading);
  }
  /** Sessions oldest first (compared as dates), and the rows that fail validation. */
  async sessionsChecked(): Promise<Checked<StudySession>> {
    // Not through the by-start index: a row without a usable start would be missing from it, unreported.
    const checked = check('sessions', await this.db.getAll('sessions'), validateSession);
    checked.rows.sort((a, b) => compareDates(a.start, b.start) || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
    return checked;
  }
  async readings(): Promise<Reading[]> {
    return (await this.readingsChecked()).rows;
  }
  async sessions(): Promise<StudySession[]> {
    return (await this.sessionsChecked()).rows;
  }
  sessionsOf(readingId: string): Promise<StudySession[]> {
    return this.db.getAllFromIndex('sessions', 'by-reading', readingId);
  }
  async settings(): Promise<Settings> {
    return (await this.db.get('settings', 'settings')) ?? DEFAULT_SETTINGS;
  }
  pathPacks(): Promise<PathPack[]> {
    return this.db.getAll('pathPacks');
  }

  /** Validates, then saves (insert or replace). */
  async saveReading(r: Reading): Promise<Reading> {
    const v = validateReading(r, 'reading');
    return this.write(`the reading "${v.title}"`, { store: 'readings', id: v.id }, async () => {
      await this.db.put('readings', v);
      return v;
    });
  }

  /** Deletes a reading, its sessions and every prerequisite link to it, in one transaction. */
  deleteReading(id: string): Promise<void> {
    return this.write('the deletion', { store: 'readings', id }, async () => {
      const tx = this.db.transaction(['readings', 'sessions'], 'readwrite');
      const sessions = await tx.objectStore('sessions').index('by-reading').getAllKeys(id);
      await Promise.all(sessions.map((k) => tx.objectStore('sessions').delete(k)));
      let cur = await tx.objectStore('readings').openCursor();
      while (cur) {
        if (cur.value.prerequisites.includes(id)) await cur.update({ ...cur.value, prerequisites: cur.value.prerequisites.filter((p) => p !== id) });
        cur = await cur.continue();
      }
      await tx.objectStore('readings').delete(id);
      await tx.done;
    });
  }

  async saveSession(s: StudySession): Promise<StudySession> {
    const v = validateSession(s, 'session');
    return this.write('the study session', { store: 'sessions', id: v.id }, async () => {
      const tx = this.db.transaction(['readings', 'sessions'], 'readwrite');
      if (!(await tx.objectStore('readings').get(v.readingId))) throw new Error(`no reading has id "${v.readingId}"`);
      await tx.objectStore('sessions').put(v);
      await tx.done;
      return v;
    });
  }

  async saveSettings(s: Settings): Promise<Settings> {
    const v = validateSettings(s, 'settings');
    return this.write('the settings', { store: 'settings' }, async () => {
      await this.db.put('settings', v, 'settings');
      return v;
    });
  }

  saveCheckpoint(c: CheckpointRecord): Promise<void> {
    return this.write('the model checkpoint', { store: 'checkpoints', id: c.id }, async () => {
      await this.db.put('checkpoints', c);
    });
  }
  checkpoint(id: string): Promise<CheckpointRecord | undefined> {
    return this.db.get('checkpoints', id);
  }
  /** Makes checkpoint `from` the checkpoint `to` (replacing it) in one transaction: a reload sees one or the other, whole. */
  promoteCheckpoint(from: string, to: string): Promise<void> {
    return this.write('the model checkpoint', { store: 'checkpoints', id: to }, async () => {
      const tx = this.db.transaction('checkpoints', 'readwrite');
      const c = await tx.store.get(from);
      if (!c) throw new Error(`no checkpoint "${from}" to promote`);
      await Promise.all([tx.store.put({ ...c, id: to }), tx.store.delete(from), tx.done]);
    });
  }
  deleteCheckpoint(id: string): Promise<void> {
    return this.write('the model checkpoint', { store: 'checkpoints', id }, () => this.db.delete('checkpoints', id));
  }
  latestCheckpoint(): Promise<CheckpointRecord | undefined> {
    return this.db.getAll('checkpoints').then((all) => all.sort((a, b) => compareDates(b.createdAt, a.createdAt))[0]);
  }

  /** Add already-validated readings (an import), all in one transaction. */
  importReadings(readings: Reading[], from: string): Promise<void> {
    return this.write(`the readings from ${from}`, { store: 'readings' }, async () => {
      const tx = this.db.transaction('readings', 'readwrite');
      await Promise.all([...readings.map((r) => tx.store.put(r)), tx.done]);
    });
  }

  /** Replace everything with a validated backup, in one transaction (see restoreBackup). */
  restore(b: Backup, from: string): Promise<void> {
    return this.write(`the data from ${from}`, { store: 'readings' }, () => restoreBackup(this.db, b));
  }

  savePathPack(p: PathPack): Promise<void> {
    return this.write(`the path pack "${p.name}"`, { store: 'pathPacks', id: p.id }, async () => {
      await this.db.put('pathPacks', p);
    });
  }

  close(): void {
    this.channel?.close();
    this.db.close();
  }
}
