/**
 * IndexedDB schema and explicit upgrade steps per version (the backup format
 * is src/data/backup.ts, the trash src/data/trash.ts). The data layer knows
 * nothing of components.
 *
 * Versions:
 *   1  readings, sessions (the first shape: no difficulty/source on readings,
 *      no interruptions/quizScore on sessions)
 *   2  settings and checkpoints stores; old rows get the new fields' defaults
 *   3  pathPacks store; sessions indexed by start time
 *   4  drafts store: the focus session in progress (not part of backups);
 *      trash store (issue 12, undo): what a delete, hide or restore replaced,
 *      so that Undo can put it back. Nothing else changes in step 4 here;
 *      other stores added at version 4 go in the same step.
 *   5  readings gain progress (pages or percent) and doi, sessions progressAt,
 *      all null on old rows; status may be "abandoned"; reviews store (the
 *      FSRS review log, issue 20), indexed by reading.
 *
 * A database of a later version (a newer app, perhaps in another tab) is not
 * opened for writing: openStudyDb throws NewerDatabaseError, and
 * openForExport opens it as it is so that its data can still be exported.
 */
import { openDB, type IDBPDatabase, type IDBPTransaction } from 'idb';
import type { StudyDB } from './schema';

// Where older code imports the backup format from.
export { parseBackup, type Backup } from './backup';

const DB_NAME = 'studypath';
export const DB_VERSION = 5;

export type { StudyDB };

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
    db.createObjectStore('drafts', { keyPath: 'id' });
    // The trash (issue 12, undo), keyed by an increasing number so the newest is last.
    db.createObjectStore('trash', { keyPath: 'seq', autoIncrement: true });
  },
  5: async (db, tx) => {
    let rc = await tx.objectStore('readings').openCursor();
    while (rc) {
      const r = rc.value as Record<string, unknown>;
      await rc.update({ ...r, progress: r.progress ?? null, doi: r.doi ?? null });
      rc = await rc.continue();
    }
    let sc = await tx.objectStore('sessions').openCursor();
    while (sc) {
      const s = sc.value as Record<string, unknown>;
      await sc.update({ ...s, progressAt: s.progressAt ?? null });
      sc = await sc.continue();
    }
    db.createObjectStore('reviews', { keyPath: 'id' }).createIndex('by-reading', 'readingId');
  },
};

/** The database was written by a later version of the app than this one. */
export class NewerDatabaseError extends Error {
  constructor(readonly version: number) {
    super(
      `Your data was made by a newer version of StudyPath (database version ${version}; this app knows versions up to ${DB_VERSION}). Update the app to use it: nothing was changed, and a backup can still be exported.`,
    );
    this.name = 'NewerDatabaseError';
  }
}

export async function openStudyDb(name = DB_NAME, version = DB_VERSION): Promise<IDBPDatabase<StudyDB>> {
  try {
    return await openAndUpgrade(name, version);
  } catch (e) {
    if ((e as { name?: unknown } | null)?.name !== 'VersionError') throw e;
    const db = await openForExport(name);
    const newer = db.version;
    db.close();
    throw new NewerDatabaseError(newer);
  }
}

/** The database at whatever version it has, with no upgrade: for exporting a newer app's data. */
export function openForExport(name = DB_NAME): Promise<IDBPDatabase<StudyDB>> {
  return openDB<StudyDB>(name);
}

function openAndUpgrade(name: string, version: number): Promise<IDBPDatabase<StudyDB>> {
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
