/**
 * Dates, in one place: the range the app accepts, comparison as dates (never
 * as text: "+099999-…" sorts before "2026-…" as text), and display that
 * cannot throw. Stored dates are ISO 8601 strings; validate.ts refuses any
 * outside the range, so within the app every date has a four-digit year.
 */

/** The first year the app accepts in a stored date (session times, dates added, imports). */
const MIN_YEAR = 1900;
/** The last year the app accepts. */
const MAX_YEAR = 2200;
const MIN_DATE_MS = Date.UTC(MIN_YEAR, 0, 1);
/** Exclusive: the first instant after the range. */
const END_DATE_MS = Date.UTC(MAX_YEAR + 1, 0, 1);
export const DATE_RANGE_TEXT = `years ${MIN_YEAR} to ${MAX_YEAR}`;

/** Milliseconds since the epoch, or null for anything that is not a date. */
export function parseDate(v: unknown): number | null {
  if (typeof v !== 'string' || v.trim() === '') return null;
  const t = Date.parse(v);
  return Number.isNaN(t) ? null : t;
}

/**
 * A local date and time as a form's datetime-local input holds it
 * ("YYYY-MM-DDTHH:MM", optionally with seconds; the year may have more than
 * four digits), in milliseconds, or null when it is not one.
 */
export function parseLocalDateTime(v: string): number | null {
  const m = /^(\d{4,6})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,3}))?)?$/.exec(v.trim());
  if (!m) return null;
  const [year, month, day, hour, minute, second = 0, ms = 0] = m
    .slice(1)
    .map((x, i) => (x === undefined ? undefined : i === 6 ? Number(x.padEnd(3, '0')) : Number(x))) as number[];
  if (month < 1 || month > 12 || day < 1 || day > 31 || hour > 23 || minute > 59 || second > 59) return null;
  const d = new Date(2000, month - 1, day, hour, minute, second, ms);
  d.setFullYear(year, month - 1, day); // the constructor would read years 0-99 as 1900-1999
  const t = d.getTime();
  return Number.isNaN(t) || d.getDate() !== day ? null : t;
}

export function inDateRange(t: number): boolean {
  return t >= MIN_DATE_MS && t < END_DATE_MS;
}

/**
 * Oldest first, as dates. Text that is not a date sorts after every date, by
 * text, so one bad value cannot make the order inconsistent.
 */
export function compareDates(a: string, b: string): number {
  const ta = parseDate(a);
  const tb = parseDate(b);
  if (ta !== null && tb !== null) return ta - tb || (a < b ? -1 : a > b ? 1 : 0);
  if (ta !== null) return -1;
  if (tb !== null) return 1;
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Date and time in the reader's locale; text that is not a date is shown as it is. */
export function formatDateTime(iso: string): string {
  const t = parseDate(iso);
  return t === null ? iso : new Date(t).toLocaleString();
}

/**
 * The local Monday of the week holding `iso`, as YYYY-MM-DD, or null when
 * there is none (not a date, or a Monday before the first instant Date holds).
 */
export function weekStart(iso: string): string | null {
  const t = parseDate(iso);
  if (t === null) return null;
  const d = new Date(t);
  d.setHours(0, 0, 0, 0);
  d.setDate(d.getDate() - ((d.getDay() + 6) % 7));
  return Number.isNaN(d.getTime()) ? null : d.toISOString().slice(0, 10);
}
