/**
 * The built-in demo: generated deterministically by scripts/demo-data.ts,
 * committed as public/demo/demo.json, and a valid backup whose history
 * respects the prerequisites.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { demoBackup } from '../../scripts/demo-data';
import { parseBackup } from '../../src/data/db';

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
});
