/**
 * The IndexedDB layer (fake-indexeddb in Node): upgrading a populated older
 * database loses nothing; export -> wipe -> import gives identical data; a
 * bad backup is refused with the field named and changes nothing.
 */
import 'fake-indexeddb/auto';
import { describe, expect, it } from 'vitest';
import { openDB } from 'idb';
import { DB_VERSION, openStudyDb, upgradeSteps } from '../../src/data/db';
import { exportBackup, parseBackup } from '../../src/data/backup';
import { replaceAll } from '../../src/data/trash';
import type { Reading, StudySession } from '../../src/data/types';

let n = 0;
const freshName = () => `test-${Date.now()}-${n++}`;

function reading(id: string, extra: Partial<Reading> = {}): Reading {
  return {
    id,
    title: `Reading ${id}`,
    url: 'https://example.org/' + id,
    authors: ['A. Author'],
    year: 2017,
    topics: ['ml'],
    minutes: 45,
    difficulty: 3,
    prerequisites: [],
    addedAt: '2026-11-01T10:00:00.000Z',
    status: 'unread',
    source: 'manual',
    progress: null,
    doi: null,
    ...extra,
  };
}
function session(id: string, readingId: string): StudySession {
  return {
    id,
    readingId,
    start: '2026-11-02T09:00:00.000Z',
    end: '2026-11-02T09:40:00.000Z',
    activeMinutes: 35,
    focus: 4,
    interruptions: 1,
    understanding: 70,
    quizScore: null,
    notes: 'ok',
    progressAt: null,
  };
}

describe('database upgrades', () => {
  it('a populated version-1 database upgrades to the current version with nothing lost', async () => {
    const name = freshName();
    // Build a real version-1 database with the version-1 step, holding version-1 rows.
    const v1 = await openDB(name, 1, { upgrade: (db, _o, _n, tx) => upgradeSteps[1](db, tx as never) });
    const oldReadings = [
      {
        id: 'r1',
        title: 'Attention Is All You Need',
        url: 'https://arxiv.org/abs/1706.03762',
        authors: ['Vaswani'],
        year: 2017,
        topics: ['nlp'],
        minutes: 60,
        prerequisites: [],
        addedAt: '2026-10-01T00:00:00.000Z',
        status: 'finished',
      },
      {
        id: 'r2',
        title: '<b>bold</b> title',
        url: null,
        authors: [],
        year: null,
        topics: [],
        minutes: 20,
        prerequisites: ['r1'],
        addedAt: '2026-10-02T00:00:00.000Z',
        status: 'unread',
      },
    ];
    const oldSessions = [
      {
        id: 's1',
        readingId: 'r1',
        start: '2026-10-03T08:00:00.000Z',
        end: '2026-10-03T09:00:00.000Z',
        activeMinutes: 50,
        focus: 5,
        understanding: 80,
        notes: 'dense',
      },
    ];
    for (const r of oldReadings) await v1.put('readings', r);
    for (const s of oldSessions) await v1.put('sessions', s);
    v1.close();

    const db = await openStudyDb(name);
    expect(db.version).toBe(DB_VERSION);
    const readings = await db.getAll('readings');
    expect(readings.map((r) => r.id).sort()).toEqual(['r1', 'r2']);
    for (const old of oldReadings) {
      const now = readings.find((r) => r.id === old.id)!;
      expect(now).toEqual({ ...old, difficulty: 3, source: 'manual', progress: null, doi: null });
    }
    const sessions = await db.getAll('sessions');
    expect(sessions).toEqual([{ ...oldSessions[0], interruptions: 0, quizScore: null, progressAt: null }]);
    expect(await db.getAllFromIndex('sessions', 'by-start')).toHaveLength(1);
    await db.put('settings', { dailyBudgetMinutes: 90 }, 'settings');
    expect(Array.from(db.objectStoreNames).sort()).toEqual(['checkpoints', 'drafts', 'pathPacks', 'readings', 'reviews', 'sessions', 'settings', 'trash']);
    db.close();
  });
});

describe('backup: export, wipe, import', () => {
  it('gives back identical data', async () => {
    const db = await openStudyDb(freshName());
    await db.put('readings', reading('a'));
    await db.put('readings', reading('b', { prerequisites: ['a'], title: 'Title with "quotes" & <tags>', status: 'finished' }));
    await db.put('sessions', session('s1', 'b'));
    await db.put('settings', { dailyBudgetMinutes: 75 }, 'settings');
    await db.put('pathPacks', { id: 'p1', name: 'pack', importedAt: '2026-11-03T00:00:00.000Z', sequences: [['a', 'b']] });
    const backup = await exportBackup(db);
    const json = JSON.stringify(backup);
    await db.clear('readings');
    await db.clear('sessions');
    await db.clear('pathPacks');
    await replaceAll(db, parseBackup(json, 'backup.json'), 'Restored backup.json', '2026-11-04T00:00:00.000Z');
    const again = await exportBackup(db);
    expect({ ...again, exportedAt: '' }).toEqual({ ...backup, exportedAt: '' });
    db.close();
  });

  it.each([
    [
      'a newer version',
      (b: Record<string, unknown>) => (b.version = 99),
      /made by a newer version of StudyPath \(backup version 99; this app reads versions 1 to 3\)/,
    ],
    ['a version that is not one', (b: Record<string, unknown>) => (b.version = 'x'), /field version: backup version "x" is not supported/],
    ['not a backup', (b: Record<string, unknown>) => (b.format = 'other'), /not a StudyPath backup/],
    ['a javascript: URL', (b: { readings: Reading[] }) => (b.readings[0].url = 'javascript:alert(1)'), /readings\[0\], field url: only http and https/],
    [
      'a session of a missing reading',
      (b: { sessions: StudySession[] }) => (b.sessions[0].readingId = 'zzz'),
      /sessions\[0\], field readingId: no reading has id "zzz"/,
    ],
    [
      'focus out of range',
      (b: { sessions: StudySession[] }) => ((b.sessions[0] as unknown as Record<string, unknown>).focus = 9),
      /sessions\[0\], field focus: must be a whole number from 1 to 5/,
    ],
    [
      'a missing title',
      (b: { readings: Reading[] }) => ((b.readings[1] as unknown as Record<string, unknown>).title = ''),
      /readings\[1\], field title: is required/,
    ],
  ])('refuses %s, naming the field, and changes nothing', async (_, spoil, msg) => {
    const db = await openStudyDb(freshName());
    await db.put('readings', reading('a'));
    await db.put('readings', reading('b'));
    await db.put('sessions', session('s1', 'a'));
    const before = await exportBackup(db);
    const bad = JSON.parse(JSON.stringify(before));
    spoil(bad);
    expect(() => parseBackup(JSON.stringify(bad), 'backup.json')).toThrow(msg);
    expect(() => parseBackup(JSON.stringify(bad), 'backup.json')).toThrow(/^backup\.json/);
    const after = await exportBackup(db);
    expect({ ...after, exportedAt: '' }).toEqual({ ...before, exportedAt: '' });
    db.close();
  });

  it('refuses text that is not JSON', () => {
    expect(() => parseBackup('{"format": ', 'b.json')).toThrow(/b\.json: not valid JSON/);
  });

  it('a failing write inside the import transaction leaves the old data in place', async () => {
    const db = await openStudyDb(freshName());
    await db.put('readings', reading('keep'));
    const good = parseBackup(JSON.stringify({ format: 'studypath-backup', version: 1, readings: [reading('new')], sessions: [] }));
    // A value IndexedDB cannot store (a function) makes a put throw mid-transaction.
    (good.readings[0] as unknown as Record<string, unknown>).poison = () => 1;
    await expect(replaceAll(db, good, 'Restored', '2026-11-04T00:00:00.000Z')).rejects.toThrow();
    expect((await db.getAll('readings')).map((r) => r.id)).toEqual(['keep']);
    db.close();
  });
});
