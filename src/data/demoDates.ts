/**
 * The built-in demo's history ends on the day before it is loaded: every date
 * in it moves by the same whole number of days, so its six weeks of sessions
 * and reviews read as the weeks just past, whatever day the demo is opened.
 */
import type { Backup } from './backup';

const DAY = 86_400_000;

const shift = (iso: string, by: number) => new Date(Date.parse(iso) + by).toISOString();

/** `b` with every date moved by whole days so that its export day is `now`'s day (times of day kept). */
export function demoAsOf(b: Backup, now: Date): Backup {
  const by = Math.floor((now.getTime() - Date.parse(b.exportedAt)) / DAY) * DAY;
  return {
    ...b,
    exportedAt: shift(b.exportedAt, by),
    readings: b.readings.map((r) => ({ ...r, addedAt: shift(r.addedAt, by) })),
    sessions: b.sessions.map((s) => ({ ...s, start: shift(s.start, by), end: shift(s.end, by) })),
    pathPacks: b.pathPacks.map((p) => ({ ...p, importedAt: shift(p.importedAt, by) })),
    reviews: b.reviews.map((r) => ({ ...r, at: shift(r.at, by) })),
  };
}
