/**
 * The backup format: export, parse (migrating older versions), restore.
 *
 * Versions (BACKUP_VERSION is the one this app writes):
 *   1  readings, sessions, settings, pathPacks; any list or the settings may
 *      be missing. Apps before version 2 could write links to deleted
 *      readings (path packs), empty authors and over-long path-pack names.
 *   2  every field present; every link names a reading in the file.
 *   3  readings carry progress (pages or percent) and doi, sessions
 *      progressAt, all null when a version-2 file is read; status may be
 *      "abandoned"; a reviews list (the FSRS review log, issue 20).
 *
 * A file of an older version passes through migrations[v] for each later
 * version v, then through the same validation every import and every
 * database row passes (validate.ts). The next version adds one function to
 * `migrations`, a fixture in test/data/fixtures/, and bumps BACKUP_VERSION.
 */
import type { IDBPDatabase } from 'idb';
import type { StudyDB } from './schema';
import { DEFAULT_SETTINGS, type Data } from './types';
import { PATH_PACK_NAME_MAX, ValidationError, validatePathPack, validateReading, validateReview, validateSession, validateSettings } from './validate';

export const BACKUP_FORMAT = 'studypath-backup';
export const BACKUP_VERSION = 3;

export interface Backup extends Data {
  format: typeof BACKUP_FORMAT;
  version: number;
  exportedAt: string;
}

/** A backup written by a later version of the app than this one. */
export class NewerVersionError extends ValidationError {
  constructor(file: string, version: number) {
    super(
      `${file} was made by a newer version of StudyPath (backup version ${version}; this app reads versions 1 to ${BACKUP_VERSION}): update the app, then restore it.`,
    );
    this.name = 'NewerVersionError';
  }
}

type Raw = Record<string, unknown>;
const list = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);
const obj = (v: unknown): Raw => (typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Raw) : {});

/**
 * migrations[v] turns a parsed version v - 1 file into version v's shape. A
 * migration repairs what older apps wrote; what it cannot repair is left for
 * validation to refuse, naming the field.
 */
export const migrations: Record<number, (b: Raw) => Raw> = {
  2: (b) => {
    const readings = list(b.readings);
    const ids = new Set(readings.map((r) => obj(r).id).filter((id): id is string => typeof id === 'string'));
    // eslint-disable-next-line no-control-regex
    const blank = (a: unknown) => typeof a === 'string' && a.replace(/[\u0000-\u001f\u007f]/g, '').trim() === '';
    return {
      ...b,
      version: 2,
      // A list that is not one stays as it is, for validation to name.
      readings: Array.isArray(b.readings)
        ? readings.map((r) => (Array.isArray(obj(r).authors) ? { ...obj(r), authors: (obj(r).authors as unknown[]).filter((a) => !blank(a)) } : r))
        : (b.readings ?? []),
      sessions: b.sessions ?? [],
      settings: b.settings ?? DEFAULT_SETTINGS,
      pathPacks: !Array.isArray(b.pathPacks)
        ? (b.pathPacks ?? [])
        : b.pathPacks.map((x: unknown) => {
            const p = obj(x);
            if (!Array.isArray(p.sequences)) return x;
            // Version-1 apps left deleted readings' ids in packs: such a link carries nothing.
            const sequences = (p.sequences as unknown[]).map((s) => (Array.isArray(s) ? s.filter((id) => typeof id !== 'string' || ids.has(id)) : s));
            const name = typeof p.name === 'string' ? p.name.slice(0, PATH_PACK_NAME_MAX) : p.name;
            return { ...p, name, sequences: sequences.filter((s) => !Array.isArray(s) || s.length >= 2) };
          }),
    };
  },
  3: (b) => ({
    ...b,
    version: 3,
    readings: Array.isArray(b.readings) ? b.readings.map((r) => ({ ...obj(r), progress: obj(r).progress ?? null, doi: obj(r).doi ?? null })) : b.readings,
    sessions: Array.isArray(b.sessions) ? b.sessions.map((x) => ({ ...obj(x), progressAt: obj(x).progressAt ?? null })) : b.sessions,
    reviews: b.reviews ?? [],
  }),
};

export async function exportBackup(db: IDBPDatabase<StudyDB>): Promise<Backup> {
  const tx = db.transaction(['readings', 'sessions', 'settings', 'pathPacks', 'reviews'], 'readonly');
  const [readings, sessions, settings, pathPacks, reviews] = await Promise.all([
    tx.objectStore('readings').getAll(),
    tx.objectStore('sessions').getAll(),
    tx.objectStore('settings').get('settings'),
    tx.objectStore('pathPacks').getAll(),
    tx.objectStore('reviews').getAll(),
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
    reviews,
  };
}

/** Every link names a reading of the same data, and no id appears twice: what the repo keeps true of the database. */
function checkLinks(d: Data, file: string): void {
  const ids = new Set<string>();
  d.readings.forEach((x, i) => {
    if (ids.has(x.id)) throw new ValidationError(`${file}, readings[${i}], field id: "${x.id}" appears twice`);
    ids.add(x.id);
  });
  d.readings.forEach((x, i) =>
    x.prerequisites.forEach((p, j) => {
      if (!ids.has(p)) throw new ValidationError(`${file}, readings[${i}], field prerequisites[${j}]: no reading has id "${p}"`);
    }),
  );
  const sids = new Set<string>();
  d.sessions.forEach((x, i) => {
    if (!ids.has(x.readingId)) throw new ValidationError(`${file}, sessions[${i}], field readingId: no reading has id "${x.readingId}"`);
    if (sids.has(x.id)) throw new ValidationError(`${file}, sessions[${i}], field id: "${x.id}" appears twice`);
    sids.add(x.id);
  });
  const rids = new Set<string>();
  d.reviews.forEach((x, i) => {
    if (!ids.has(x.readingId)) throw new ValidationError(`${file}, reviews[${i}], field readingId: no reading has id "${x.readingId}"`);
    if (rids.has(x.id)) throw new ValidationError(`${file}, reviews[${i}], field id: "${x.id}" appears twice`);
    rids.add(x.id);
  });
  const pids = new Set<string>();
  d.pathPacks.forEach((p, i) => {
    if (pids.has(p.id)) throw new ValidationError(`${file}, pathPacks[${i}], field id: "${p.id}" appears twice`);
    pids.add(p.id);
    p.sequences.forEach((s, k) =>
      s.forEach((id, m) => {
        if (!ids.has(id)) throw new ValidationError(`${file}, pathPacks[${i}], field sequences[${k}][${m}]: no reading has id "${id}"`);
      }),
    );
  });
}

/**
 * Parse and validate a backup file completely before anything is written,
 * migrating an older version first. Errors name the file and the path of the
 * bad field; a file from a newer app is named as such (NewerVersionError).
 */
export function parseBackup(json: string, file = 'backup'): Backup {
  let raw: unknown;
  try {
    raw = JSON.parse(json);
  } catch (e) {
    throw new ValidationError(`${file}: not valid JSON (${e instanceof Error ? e.message : String(e)})`);
  }
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) throw new ValidationError(`${file}: not a StudyPath backup (expected an object)`);
  let r = raw as Raw;
  if (r.format !== BACKUP_FORMAT) throw new ValidationError(`${file}: not a StudyPath backup (field format is ${JSON.stringify(r.format)})`);
  const version = r.version;
  if (typeof version !== 'number' || !Number.isInteger(version) || version < 1)
    throw new ValidationError(
      `${file}, field version: backup version ${JSON.stringify(version)} is not supported (this app reads versions 1 to ${BACKUP_VERSION})`,
    );
  if (version > BACKUP_VERSION) throw new NewerVersionError(file, version);
  for (let v = version + 1; v <= BACKUP_VERSION; v++) r = migrations[v](r);
  const arr = (k: string) => {
    if (!Array.isArray(r[k])) throw new ValidationError(`${file}, field ${k}: must be a list`);
    return r[k] as unknown[];
  };
  const data: Data = {
    readings: arr('readings').map((x, i) => validateReading(x, `${file}, readings[${i}]`)),
    sessions: arr('sessions').map((x, i) => validateSession(x, `${file}, sessions[${i}]`)),
    settings: validateSettings(r.settings, `${file}, settings`),
    pathPacks: arr('pathPacks').map((x, i) => validatePathPack(x, `${file}, pathPacks[${i}]`)),
    reviews: arr('reviews').map((x, i) => validateReview(x, `${file}, reviews[${i}]`)),
  };
  checkLinks(data, file);
  return { format: BACKUP_FORMAT, version: BACKUP_VERSION, exportedAt: typeof r.exportedAt === 'string' ? r.exportedAt : new Date().toISOString(), ...data };
}
