/**
 * Validation of untrusted records (imports, backups, older database rows).
 * Every failure names where it happened and the field; nothing here writes.
 * Text stays text: titles, notes and URLs are never interpreted as markup.
 */
import type { FocusDraft, PathPack, Reading, ReadingProgress, ReadingStatus, ReviewRecord, Settings, StudySession } from './types';
import { DATE_RANGE_TEXT, inDateRange, parseDate, parseLocalDateTime } from './dates';

export class ValidationError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ValidationError';
  }
}

const fail = (where: string, field: string, what: string): never => {
  throw new ValidationError(`${where}, field ${field}: ${what}`);
};

const MAX_TEXT = 10_000;

export function text(v: unknown, where: string, field: string, opts: { required?: boolean; max?: number } = {}): string {
  if (v === undefined || v === null || v === '') {
    if (opts.required) fail(where, field, 'is required');
    return '';
  }
  if (typeof v !== 'string') fail(where, field, `must be text, got ${typeof v}`);
  // Control characters are stripped on purpose (imports are untrusted text).
  // eslint-disable-next-line no-control-regex
  const s = (v as string).replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/g, '').trim();
  if (s.length > (opts.max ?? MAX_TEXT)) fail(where, field, `is longer than ${opts.max ?? MAX_TEXT} characters`);
  if (opts.required && s === '') fail(where, field, 'is required');
  return s;
}

export function int(v: unknown, where: string, field: string, lo: number, hi: number): number {
  const n = typeof v === 'string' && v.trim() !== '' ? Number(v) : v;
  if (typeof n !== 'number' || !Number.isInteger(n) || n < lo || n > hi)
    fail(where, field, `must be a whole number from ${lo} to ${hi}, got ${JSON.stringify(v)}`);
  return n as number;
}

function optionalInt(v: unknown, where: string, field: string, lo: number, hi: number): number | null {
  return v === undefined || v === null || v === '' ? null : int(v, where, field, lo, hi);
}

/** Only absolute http and https URLs are kept: a javascript:, data: or relative URL is refused. */
export function httpUrl(v: unknown, where: string, field: string): string | null {
  const s = text(v, where, field, { max: 2048 });
  if (s === '') return null;
  let u: URL;
  try {
    u = new URL(s);
  } catch {
    return fail(where, field, `"${s.slice(0, 80)}" is not an absolute URL`);
  }
  if (u.protocol !== 'http:' && u.protocol !== 'https:') fail(where, field, `only http and https links are allowed, got ${u.protocol}`);
  return u.toString();
}

/**
 * The href for a URL about to become a link: httpUrl's form of it, or null
 * where httpUrl refuses it (the reading is then shown without a link). For
 * rows that may predate validation or bypass it, such as an old database row.
 */
export function httpHref(v: unknown): string | null {
  try {
    return httpUrl(v, 'link', 'url');
  } catch (e) {
    if (e instanceof ValidationError) return null;
    throw e;
  }
}

/**
 * A date and time, as canonical ISO 8601. Dates outside the years the app
 * accepts (src/data/dates.ts) are refused: JavaScript holds years up to
 * 275760, and a session there would be kept, sorted and charted.
 */
export function isoDate(v: unknown, where: string, field: string): string {
  const s = text(v, where, field, { required: true, max: 40 });
  return inRange(parseDate(s), s, where, field);
}

/**
 * A form's date and time (an <input type="datetime-local"> value such as
 * "2026-11-10T19:30", in local time), as canonical ISO 8601, refused outside
 * the same range as isoDate. The browser lets such an input hold years up to
 * 275760, which Date.parse does not read.
 */
export function localDateTime(v: unknown, where: string, field: string): string {
  const s = text(v, where, field, { required: true, max: 40 });
  return inRange(parseLocalDateTime(s), s, where, field);
}

function inRange(t: number | null, s: string, where: string, field: string): string {
  if (t === null) return fail(where, field, `"${s}" is not a date`);
  if (!inDateRange(t)) fail(where, field, `"${s}" is outside the dates this app accepts (${DATE_RANGE_TEXT})`);
  return new Date(t).toISOString();
}

function list(v: unknown, where: string, field: string): string[] {
  if (v === undefined || v === null) return [];
  if (!Array.isArray(v)) fail(where, field, 'must be a list');
  return (v as unknown[]).map((x, i) => text(x, where, `${field}[${i}]`, { required: true, max: 500 }));
}

/**
 * Names, topics and the like from an import: each cleaned as text, and the
 * ones left empty (blank, or only control characters) dropped, since a stored
 * list holds no empty entries.
 */
export function textList(values: string[], where: string, field: string, max: number): string[] {
  return values.map((x) => text(x, where, field, { max })).filter((x) => x !== '');
}

const STATUSES: ReadingStatus[] = ['unread', 'reading', 'finished', 'abandoned', 'hidden'];

/**
 * A DOI in its normal form: lower case (DOIs are case-insensitive), without a
 * resolver prefix ("https://doi.org/", "doi:"), or null when there is none.
 * Anything that is not a DOI ("10." registrant "/" suffix) is refused.
 */
export function normalDoi(v: unknown, where: string, field: string): string | null {
  const s = text(v, where, field, { max: 300 })
    .replace(/^(https?:\/\/)?(dx\.)?doi\.org\//i, '')
    .replace(/^doi:\s*/i, '')
    .toLowerCase();
  if (s === '') return null;
  if (!/^10\.\d{4,9}\/\S+$/.test(s)) fail(where, field, `"${s.slice(0, 80)}" is not a DOI (10.<registrant>/<suffix>)`);
  return s;
}

function readingProgress(v: unknown, where: string): ReadingProgress | null {
  if (v === undefined || v === null) return null;
  if (typeof v !== 'object' || Array.isArray(v)) return fail(where, 'progress', 'must be an object or null');
  const p = v as Record<string, unknown>;
  if (p.unit !== 'pages' && p.unit !== 'percent') fail(where, 'progress.unit', 'must be pages or percent');
  const total = p.unit === 'percent' ? int(p.total ?? 100, where, 'progress.total', 100, 100) : int(p.total, where, 'progress.total', 1, 100_000);
  return { unit: p.unit as ReadingProgress['unit'], total, done: int(p.done ?? 0, where, 'progress.done', 0, total) };
}

export function validateReading(raw: unknown, where: string): Reading {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) throw new ValidationError(`${where}: must be an object`);
  const r = raw as Record<string, unknown>;
  const status = (r.status ?? 'unread') as ReadingStatus;
  if (!STATUSES.includes(status)) fail(where, 'status', `must be one of ${STATUSES.join(', ')}`);
  const source = (r.source ?? 'import') as Reading['source'];
  if (!['manual', 'import', 'demo'].includes(source)) fail(where, 'source', 'must be manual, import or demo');
  return {
    id: text(r.id, where, 'id', { required: true, max: 100 }),
    title: text(r.title, where, 'title', { required: true, max: 1000 }),
    url: httpUrl(r.url, where, 'url'),
    authors: list(r.authors, where, 'authors'),
    year: optionalInt(r.year, where, 'year', 1000, 2100),
    topics: list(r.topics, where, 'topics'),
    minutes: int(r.minutes ?? 30, where, 'minutes', 1, 100_000),
    difficulty: int(r.difficulty ?? 3, where, 'difficulty', 1, 5),
    prerequisites: list(r.prerequisites, where, 'prerequisites'),
    addedAt: isoDate(r.addedAt ?? new Date().toISOString(), where, 'addedAt'),
    status,
    source,
    progress: readingProgress(r.progress, where),
    doi: normalDoi(r.doi, where, 'doi'),
  };
}

export function validateSession(raw: unknown, where: string): StudySession {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) throw new ValidationError(`${where}: must be an object`);
  const r = raw as Record<string, unknown>;
  const start = isoDate(r.start, where, 'start');
  const end = isoDate(r.end, where, 'end');
  if (Date.parse(end) < Date.parse(start)) fail(where, 'end', 'is before start');
  return {
    id: text(r.id, where, 'id', { required: true, max: 100 }),
    readingId: text(r.readingId, where, 'readingId', { required: true, max: 100 }),
    start,
    end,
    activeMinutes: int(r.activeMinutes, where, 'activeMinutes', 0, 24 * 60),
    focus: int(r.focus, where, 'focus', 1, 5),
    interruptions: int(r.interruptions ?? 0, where, 'interruptions', 0, 10_000),
    understanding: optionalInt(r.understanding, where, 'understanding', 0, 100),
    quizScore: optionalInt(r.quizScore, where, 'quizScore', 0, 100),
    notes: text(r.notes, where, 'notes'),
    progressAt: optionalInt(r.progressAt, where, 'progressAt', 0, 100_000),
  };
}

const RATINGS = [1, 2, 3, 4] as const;

/** One review of the FSRS log (issue 20). */
export function validateReview(raw: unknown, where: string): ReviewRecord {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) throw new ValidationError(`${where}: must be an object`);
  const r = raw as Record<string, unknown>;
  const rating = int(r.rating, where, 'rating', 1, 4);
  return {
    id: text(r.id, where, 'id', { required: true, max: 100 }),
    readingId: text(r.readingId, where, 'readingId', { required: true, max: 100 }),
    at: isoDate(r.at, where, 'at'),
    rating: RATINGS[rating - 1],
    minutes: int(r.minutes, where, 'minutes', 0, 24 * 60),
  };
}

export function validateSettings(raw: unknown, where: string): Settings {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) throw new ValidationError(`${where}: must be an object`);
  const r = raw as Record<string, unknown>;
  const dailyBudgetMinutes = int(r.dailyBudgetMinutes ?? 60, where, 'dailyBudgetMinutes', 0, 24 * 60);
  return r.reviewMinutes === undefined ? { dailyBudgetMinutes } : { dailyBudgetMinutes, reviewMinutes: int(r.reviewMinutes, where, 'reviewMinutes', 1, 120) };
}

/** A focus-session draft as read back from the database (the app wrote it, but a row may be damaged). */
export function validateDraft(raw: unknown, where: string): FocusDraft {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) throw new ValidationError(`${where}: must be an object`);
  const r = raw as Record<string, unknown>;
  if (typeof r.running !== 'boolean') fail(where, 'running', 'must be true or false');
  return {
    id: text(r.id, where, 'id', { required: true, max: 100 }),
    readingId: text(r.readingId, where, 'readingId', { required: true, max: 100 }),
    startedAt: isoDate(r.startedAt, where, 'startedAt'),
    activeMs: int(r.activeMs, where, 'activeMs', 0, 24 * 60 * 60_000),
    running: r.running as boolean,
    interruptions: int(r.interruptions, where, 'interruptions', 0, 10_000),
    lastSeenAt: isoDate(r.lastSeenAt, where, 'lastSeenAt'),
  };
}

/** The longest path-pack name the app keeps (an import names the pack after its file). */
export const PATH_PACK_NAME_MAX = 200;

/**
 * A path pack's own fields. Whether each sequence's ids name readings is a
 * question for the whole data set (see checkLinks in backup.ts, and the repo).
 */
export function validatePathPack(raw: unknown, where: string): PathPack {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) throw new ValidationError(`${where}: must be an object`);
  const p = raw as Record<string, unknown>;
  if (!Array.isArray(p.sequences)) fail(where, 'sequences', 'must be a list');
  const sequences = (p.sequences as unknown[]).map((s, k) => {
    if (!Array.isArray(s)) fail(where, `sequences[${k}]`, 'must be a list');
    return (s as unknown[]).map((id, m) => text(id, where, `sequences[${k}][${m}]`, { required: true, max: 100 }));
  });
  return {
    id: text(p.id, where, 'id', { required: true, max: 100 }),
    name: text(p.name, where, 'name', { required: true, max: PATH_PACK_NAME_MAX }),
    importedAt: isoDate(p.importedAt, where, 'importedAt'),
    sequences,
  };
}
