/**
 * The built-in demo: generated deterministically by scripts/demo-data.ts,
 * committed as public/demo/demo.json, and a valid backup whose history
 * respects the prerequisites.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { demoBackup } from '../../scripts/demo-data';
import { parseBackup } from '../../src/data/db';
import { demoAsOf } from '../../src/data/demoDates';
import { dueReviews } from '../../src/recommend/reviews';

describe('demo data', () => {
  const committed = readFileSync('public/demo/demo.json', 'utf8');
  it('is exactly what the seeded generator produces (run `npm run demo:data` after changing it)', () => {
    expect(JSON.parse(committed)).toEqual(JSON.parse(JSON.stringify(demoBackup())));
  });
  it('is a valid backup with at least 150 readings across several topics and weeks of history', () => {
    const b = parseBackup(committed, 'public/demo/demo.json');
    expect(b.readings.length).toBeGreaterThanOrEqual(150);
    expect(new Set(b.readings.flatMap((r) => r.topics)).size).toBeGreaterThanOrEqual(10);
    expect(b.readings.every((r) => r.source === 'demo')).toBe(true);
    expect(b.readings.filter((r) => r.prerequisites.length > 0).length).toBeGreaterThan(100);
    const times = b.sessions.map((s) => Date.parse(s.start)).sort((x, y) => x - y);
    expect(b.sessions.length).toBeGreaterThanOrEqual(30);
    expect((times[times.length - 1] - times[0]) / 86_400_000).toBeGreaterThanOrEqual(21);
  });
  it('never studies a reading before its prerequisites are finished', () => {
    const b = parseBackup(committed, 'demo.json');
    const known = new Set(b.readings.filter((r) => r.status === 'finished' && !b.sessions.some((s) => s.readingId === r.id)).map((r) => r.id));
    const finishedAt = new Map<string, number>();
    for (const s of b.sessions) if (s.understanding !== null) finishedAt.set(s.readingId, Date.parse(s.end));
    const byId = new Map(b.readings.map((r) => [r.id, r]));
    for (const s of b.sessions) {
      for (const p of byId.get(s.readingId)!.prerequisites) {
        const ok = known.has(p) || (finishedAt.get(p) ?? Infinity) <= Date.parse(s.start);
        expect(ok, `${s.id} studies ${s.readingId} before ${p} is finished`).toBe(true);
      }
    }
  });

  it('keeps a review log: each reading finished in the app is a review card, and few are due the day after the demo ends', () => {
    const b = parseBackup(committed, 'demo.json');
    const finishedInApp = new Set(b.sessions.filter((s) => s.understanding !== null).map((s) => s.readingId));
    expect(new Set(b.reviews.map((r) => r.readingId))).toEqual(finishedInApp);
    const due = dueReviews(b.readings, b.reviews, new Date(b.exportedAt)).length;
    expect(due).toBeLessThanOrEqual(3);
  });
  it('is moved to end the day before it is loaded: whole days, every date, order kept', () => {
    const b = parseBackup(committed, 'demo.json');
    const now = new Date('2027-03-15T08:30:00.000Z');
    const moved = demoAsOf(b, now);
    expect(moved.exportedAt.slice(0, 10)).toBe('2027-03-15');
    const by = Date.parse(moved.sessions[0].start) - Date.parse(b.sessions[0].start);
    expect(by % 86_400_000).toBe(0);
    for (const [was, is] of [
      [b.sessions.map((s) => s.end), moved.sessions.map((s) => s.end)],
      [b.readings.map((r) => r.addedAt), moved.readings.map((r) => r.addedAt)],
      [b.reviews.map((r) => r.at), moved.reviews.map((r) => r.at)],
    ])
      was.forEach((d, i) => expect(Date.parse(is[i]) - Date.parse(d)).toBe(by));
    // Still a valid backup, and the same reviews are due on its last day as on the original's.
    const again = parseBackup(JSON.stringify(moved), 'moved.json');
    expect(dueReviews(again.readings, again.reviews, now).length).toBe(
      dueReviews(b.readings, b.reviews, new Date(Date.parse(b.exportedAt) + (now.getTime() - Date.parse(moved.exportedAt)))).length,
    );
  });
});
