/**
 * Focus-session drafts (fake-indexeddb): written, read back and deleted; deleted with the saved
 * session in one transaction; a damaged row skipped; left out of backups and untouched by a restore;
 * and the upgrade from a populated version 3 (the last version without drafts) keeps every row.
 */
import 'fake-indexeddb/auto';
import { describe, expect, it } from 'vitest';
import { openDB } from 'idb';
import { exportBackup } from '../../src/data/backup';
import { DB_VERSION, openStudyDb, parseBackup, upgradeSteps } from '../../src/data/db';
import { Repo } from '../../src/data/repo';
import type { FocusDraft, PathPack, Reading, StudySession } from '../../src/data/types';

let n = 0;
const freshName = () => `drafts-${Date.now()}-${n++}`;

const reading = (id: string): Reading => ({
  id,
  title: `Reading ${id}`,
  url: null,
  authors: [],
  year: null,
  topics: ['ml'],
  minutes: 30,
  difficulty: 3,
  prerequisites: [],
  addedAt: '2026-11-01T10:00:00.000Z',
  status: 'unread',
  source: 'manual',
  progress: null,
  doi: null,
});
const session = (id: string, readingId: string): StudySession => ({
  id,
  readingId,
  start: '2026-11-02T09:00:00.000Z',
  end: '2026-11-02T09:40:00.000Z',
  activeMinutes: 15,
  focus: 4,
  interruptions: 1,
  understanding: 70,
  quizScore: null,
  notes: '',
  progressAt: null,
});
const draft = (id: string, readingId: string, extra: Partial<FocusDraft> = {}): FocusDraft => ({
  id,
  readingId,
  startedAt: '2026-11-02T09:00:00.000Z',
  activeMs: 15 * 60_000,
  running: true,
  interruptions: 0,
  lastSeenAt: '2026-11-02T09:15:00.000Z',
  ...extra,
});

describe('focus-session drafts', () => {
  it('are written, rewritten, read back newest first and deleted', async () => {
    const repo = new Repo(await openStudyDb(freshName()));
    expect(await repo.drafts()).toEqual([]);
    await repo.saveDraft(draft('d1', 'r1', { activeMs: 1000 }));
    await repo.saveDraft(draft('d1', 'r1', { activeMs: 6000, running: false, interruptions: 2, lastSeenAt: '2026-11-02T09:20:00.000Z' }));
    await repo.saveDraft(draft('d2', 'r2', { lastSeenAt: '2026-11-02T10:00:00.000Z' }));
    expect(await repo.drafts()).toEqual([
      draft('d2', 'r2', { lastSeenAt: '2026-11-02T10:00:00.000Z' }),
      draft('d1', 'r1', { activeMs: 6000, running: false, interruptions: 2, lastSeenAt: '2026-11-02T09:20:00.000Z' }),
    ]);
    await repo.deleteDraft('d2');
    expect((await repo.drafts()).map((d) => d.id)).toEqual(['d1']);
    repo.close();
  });

  it('a saved session deletes its draft in the same transaction; a failed save keeps it', async () => {
    const repo = new Repo(await openStudyDb(freshName()));
    await repo.saveReading(reading('r1'));
    await repo.saveDraft(draft('d1', 'r1'));
    await expect(repo.saveSession(session('s0', 'missing'), { draftId: 'd1' })).rejects.toThrow(/no reading has id "missing"/);
    expect((await repo.drafts()).map((d) => d.id)).toEqual(['d1']);
    await repo.saveSession(session('s1', 'r1'), { draftId: 'd1' });
    expect(await repo.drafts()).toEqual([]);
    expect((await repo.sessions()).map((s) => s.id)).toEqual(['s1']);
    repo.close();
  });

  it('refuses a bad draft and skips a damaged row, keeping it in the database', async () => {
    const repo = new Repo(await openStudyDb(freshName()));
    await expect(repo.saveDraft(draft('d1', 'r1', { activeMs: -5 }))).rejects.toThrow(/draft, field activeMs/);
    await repo.db.put('drafts', { ...draft('bad', 'r1'), running: 'yes' } as unknown as FocusDraft);
    await repo.saveDraft(draft('d2', 'r1'));
    expect((await repo.drafts()).map((d) => d.id)).toEqual(['d2']);
    expect(await repo.db.count('drafts')).toBe(2);
    repo.close();
  });

  it('are not part of a backup, and a restore leaves them alone', async () => {
    const db = await openStudyDb(freshName());
    await db.put('readings', reading('r1'));
    await db.put('drafts', draft('d1', 'r1'));
    const backup = await exportBackup(db);
    expect(Object.keys(backup)).not.toContain('drafts');
    expect(JSON.stringify(backup)).not.toContain('d1');
    await new Repo(db).restore(parseBackup(JSON.stringify({ ...backup, readings: [reading('r2')] })), 'b.json');
    expect((await db.getAll('readings')).map((r) => r.id)).toEqual(['r2']);
    expect(await db.getAll('drafts')).toEqual([draft('d1', 'r1')]);
    db.close();
  });
});

describe('upgrade to the drafts store', () => {
  it('a populated version-3 database upgrades with every row kept and an empty drafts store', async () => {
    const name = freshName();
    // A real version-3 database, built by the version 1 to 3 steps, holding version-3 rows.
    const v3 = await openDB(name, 3, {
      async upgrade(db, oldVersion, _n, tx) {
        for (let v = oldVersion + 1; v <= 3; v++) await upgradeSteps[v](db, tx as never);
      },
    });
    const pack: PathPack = { id: 'p1', name: 'pack', importedAt: '2026-11-03T00:00:00.000Z', sequences: [['r1']] };
    const checkpoint = { id: 'c1', createdAt: '2026-11-03T00:00:00.000Z', blob: new Uint8Array([1, 2, 3]), meta: { step: 7 } };
    await v3.put('readings', reading('r1'));
    await v3.put('sessions', session('s1', 'r1'));
    await v3.put('settings', { dailyBudgetMinutes: 45 }, 'settings');
    await v3.put('checkpoints', checkpoint);
    await v3.put('pathPacks', pack);
    expect(Array.from(v3.objectStoreNames)).not.toContain('drafts');
    v3.close();

    const db = await openStudyDb(name);
    expect(db.version).toBe(DB_VERSION);
    expect(DB_VERSION).toBeGreaterThanOrEqual(4);
    expect(await db.getAll('readings')).toEqual([reading('r1')]);
    expect(await db.getAll('sessions')).toEqual([session('s1', 'r1')]);
    expect(await db.getAllFromIndex('sessions', 'by-start')).toHaveLength(1);
    expect(await db.get('settings', 'settings')).toEqual({ dailyBudgetMinutes: 45 });
    expect(await db.getAll('checkpoints')).toEqual([checkpoint]);
    expect(await db.getAll('pathPacks')).toEqual([pack]);
    expect(await db.getAll('drafts')).toEqual([]);
    await db.put('drafts', draft('d1', 'r1'));
    expect(await db.getAll('drafts')).toEqual([draft('d1', 'r1')]);
    db.close();
  });
});
