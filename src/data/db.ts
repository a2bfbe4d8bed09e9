/**
 * IndexedDB schema, explicit upgrade steps per version, and whole-database
 * backup export/import. The data layer knows nothing of components.
 *
 * Versions:
 *   1  readings, sessions (the first shape: no difficulty/source on readings,
 *      no interruptions/quizScore on sessions)
 *   2  settings and checkpoints stores; old rows get the new fields' defaults
 *   3  pathPacks store; sessions indexed by start time
 *   4  drafts store: the focus session in progress (not part of backups)
 */
import { openDB, type DBSchema, type IDBPDatabase, type IDBPTransaction } from 'idb';
import { DEFAULT_SETTINGS, type CheckpointRecord, type FocusDraft, type PathPack, type Reading, type Settings, type StudySession } from './types';
import { ValidationError, validateReading, validateSession, validateSettings, text, isoDate } from './validate';

const DB_NAME = 'studypath';
export const DB_VERSION = 4;

export interface StudyDB extends DBSchema {
  readings: { key: string; value: Reading; indexes: { 'by-status': string } };
  sessions: { key: string; value: StudySession; indexes: { 'by-reading': string; 'by-start': string } };
  settings: { key: string; value: Settings };
  checkpoints: { key: string; value: CheckpointRecord };
  pathPacks: { key: string; value: PathPack };
  drafts: { key: string; value: FocusDraft };
}

// Upgrade steps see older shapes than the current schema types describe.
type AnyDB = IDBPDatabase<unknown>;
type AnyTx = IDBPTransaction<unknown, string[], 'versionchange'>;

/** upgradeSteps[v] moves a database from version v - 1 to v. */
export const upgradeSteps: Record<number, (db: AnyDB, tx: AnyTx) => Promise<void>> = {
  1: async (db) => {
    const readings = db.createObjectStore('readings', { keyPath: 'id' });
    readings.createIndex('by-status', 'status');
    const sessions = db.createObjectStore('sessions', { keyPath: 'id' });
    sessions.createIndex('by-reading', 'readingId');
  },
  2: async (db, tx) => {
    db.createObjectStore('settings');
    db.createObjectStore('checkpoints', { keyPath: 'id' });
    let rc = await tx.objectStore('readings').openCursor();
    while (rc) {
      const r = rc.value as Record<string, unknown>;
      await rc.update({ ...r, difficulty: r.difficulty ?? 3, source: r.source ?? 'manual' });
      rc = await rc.continue();
    }
    let sc = await tx.objectStore('sessions').openCursor();
    while (sc) {
      const s = sc.value as Record<string, unknown>;
      await sc.update({ ...s, interruptions: s.interruptions ?? 0, quizScore: s.quizScore ?? null });
      sc = await sc.continue();
    }
  },
  3: async (db, tx) => {
    db.createObjectStore('pathPacks', { keyPath: 'id' });
    tx.objectStore('sessions').createIndex('by-start', 'start');
  },
  4: async (db) => {
    // Focus-session drafts (issue 12, problem 1): one row per session in progress, keyed by its id,
    // written from its first second and deleted when it is saved or discarded. No existing row changes.
    // Other parts of version 4 go beside this one, each self-contained.
    db.createObjectStore('drafts', { keyPath: 'id' });
  },
};

export async function openStudyDb(name = DB_NAME, version = DB_VERSION): Promise<IDBPDatabase<StudyDB>> {
  return openDB<StudyDB>(name, version, {
    async upgrade(db, oldVersion, newVersion, tx) {
      for (let v = oldVersion + 1; v <= (newVersion ?? version); v++) {
        await upgradeSteps[v](db as unknown as AnyDB, tx as unknown as AnyTx);
      }
    },
    blocked() {
      // Another tab holds an older version open; it is asked to close in its versionchange handler.
    },
  });
}

export const BACKUP_FORMAT = 'studypath-backup';
export const BACKUP_VERSION = 1;

export interface Backup {
  format: typeof BACKUP_FORMAT;
  version: number;
  exportedAt: string;
  readings: Reading[];
  sessions: StudySession[];
  settings: Settings;
  pathPacks: PathPack[];
}

export async function exportBackup(db: IDBPDatabase<StudyDB>): Promise<Backup> {
  const tx = db.transaction(['readings', 'sessions', 'settings', 'pathPacks'], 'readonly');
  const [readings, sessions, settings, pathPacks] = await Promise.all([
    tx.objectStore('readings').getAll(),
    tx.objectStore('sessions').getAll(),
    tx.objectStore('settings').get('settings'),
    tx.objectStore('pathPacks').getAll(),
  ]);
  await tx.done;
  return {
    format: BACKUP_FORMAT,
    version: BACKUP_VERSION,
    exportedAt: new Date().toISOString(),
    readings,
    sessions,
    settings: settings ?? DEFAULT_SETTINGS,
    pathPacks,
  };
}

/**
 * Parse and validate a backup file completely before anything is written.
 * Errors name the file and the path of the bad field.
 */
export function parseBackup(json: string, file = 'backup'): Backup {
  let raw: unknown;
  try {
    raw = JSON.parse(json);
  } catch (e) {
    throw new ValidationError(`${file}: not valid JSON (${e instanceof Error ? e.message : String(e)})`);
  }
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) throw new ValidationError(`${file}: not a StudyPath backup (expected an object)`);
  const r = raw as Record<string, unknown>;
  if (r.format !== BACKUP_FORMAT) throw new ValidationError(`${file}: not a StudyPath backup (field format is ${JSON.stringify(r.format)})`);
  if (r.version !== BACKUP_VERSION)
    throw new ValidationError(`${file}: backup version ${JSON.stringify(r.version)} is not supported (this app reads version ${BACKUP_VERSION})`);
  const arr = (k: string) => {
    const v = r[k] ?? [];
    if (!Array.isArray(v)) throw new ValidationError(`${file}, field ${k}: must be a list`);
    return v as unknown[];
  };
  const readings = arr('readings').map((x, i) => validateReading(x, `${file}, readings[${i}]`));
  const ids = new Set<string>();
  readings.forEach((x, i) => {
    if (ids.has(x.id)) throw new ValidationError(`${file}, readings[${i}], field id: "${x.id}" appears twice`);
    ids.add(x.id);
  });
  readings.forEach((x, i) =>
    x.prerequisites.forEach((p, j) => {
      if (!ids.has(p)) throw new ValidationError(`${file}, readings[${i}], field prerequisites[${j}]: no reading has id "${p}"`);
    }),
  );
  const sessions = arr('sessions').map((x, i) => validateSession(x, `${file}, sessions[${i}]`));
  const sids = new Set<string>();
  sessions.forEach((x, i) => {
    if (!ids.has(x.readingId)) throw new ValidationError(`${file}, sessions[${i}], field readingId: no reading has id "${x.readingId}"`);
    if (sids.has(x.id)) throw new ValidationError(`${file}, sessions[${i}], field id: "${x.id}" appears twice`);
    sids.add(x.id);
  });
  const pathPacks = arr('pathPacks').map((x, i) => {
    const where = `${file}, pathPacks[${i}]`;
    if (typeof x !== 'object' || x === null) throw new ValidationError(`${where}: must be an object`);
    const p = x as Record<string, unknown>;
    if (!Array.isArray(p.sequences)) throw new ValidationError(`${where}, field sequences: must be a list`);
    const sequences = (p.sequences as unknown[]).map((s, k) => {
      if (!Array.isArray(s)) throw new ValidationError(`${where}, field sequences[${k}]: must be a list`);
      return (s as unknown[]).map((id, m) => {
        const v = text(id, where, `sequences[${k}][${m}]`, { required: true, max: 100 });
        if (!ids.has(v)) throw new ValidationError(`${where}, field sequences[${k}][${m}]: no reading has id "${v}"`);
        return v;
      });
    });
    return {
      id: text(p.id, where, 'id', { required: true, max: 100 }),
      name: text(p.name, where, 'name', { required: true, max: 200 }),
      importedAt: isoDate(p.importedAt, where, 'importedAt'),
      sequences,
    };
  });
  return {
    format: BACKUP_FORMAT,
    version: BACKUP_VERSION,
    exportedAt: typeof r.exportedAt === 'string' ? r.exportedAt : new Date().toISOString(),
    readings,
    sessions,
    settings: validateSettings(r.settings ?? DEFAULT_SETTINGS, `${file}, settings`),
    pathPacks,
  };
}

/** Replace the learner's data with a validated backup, in one transaction: all or nothing. */
export async function restoreBackup(db: IDBPDatabase<StudyDB>, b: Backup): Promise<void> {
  const tx = db.transaction(['readings', 'sessions', 'settings', 'pathPacks'], 'readwrite');
  const done = tx.done;
  done.catch(() => undefined); // observed below; an abort must not surface as an unhandled rejection
  try {
    // A request can throw synchronously (e.g. a value IndexedDB cannot clone):
    // every request is queued inside this try so that any failure aborts them all.
    const requests: Promise<unknown>[] = [];
    const queue = (request: Promise<unknown>) => {
      request.catch(() => undefined); // after an abort every queued request rejects; the first error is rethrown below
      requests.push(request);
    };
    queue(tx.objectStore('readings').clear());
    queue(tx.objectStore('sessions').clear());
    queue(tx.objectStore('pathPacks').clear());
    for (const r of b.readings) queue(tx.objectStore('readings').put(r));
    for (const s of b.sessions) queue(tx.objectStore('sessions').put(s));
    for (const p of b.pathPacks) queue(tx.objectStore('pathPacks').put(p));
    queue(tx.objectStore('settings').put(b.settings, 'settings'));
    await Promise.all(requests);
    await done;
  } catch (e) {
    try {
      tx.abort();
    } catch {
      // the transaction already ended
    }
    throw e;
  }
}
