import 'fake-indexeddb/auto';
import { describe, expect, it } from 'vitest';
import { openStudyDb } from '../../src/data/db';
import { Repo, StorageError, type Change } from '../../src/data/repo';
import type { Reading, StudySession } from '../../src/data/types';
import { until } from '../support/harness';
import { aReading } from '../support/records';

let n = 0;
const name = () => `repo-${Date.now()}-${n++}`;
const reading = aReading;
const session = (id: string, readingId: string, start: string): StudySession => ({
  id,
  readingId,
  start,
  end: new Date(Date.parse(start) + 30 * 60_000).toISOString(),
  activeMinutes: 25,
  focus: 3,
  interruptions: 0,
  understanding: 60,
  quizScore: null,
  notes: '',
  progressAt: null,
});

describe('repository', () => {
  it('two tabs writing at once keep both sessions, and each hears about the other', async () => {
    const dbName = name();
    const heardA: Change[] = [];
    const heardB: Change[] = [];
    const a = new Repo(await openStudyDb(dbName), (c) => heardA.push(c));
    const b = new Repo(await openStudyDb(dbName), (c) => heardB.push(c));
    await a.saveReading(reading('r'));
    await Promise.all([a.saveSession(session('s-a', 'r', '2026-11-02T09:00:00.000Z')), b.saveSession(session('s-b', 'r', '2026-11-02T10:00:00.000Z'))]);
    expect((await a.sessions()).map((s) => s.id)).toEqual(['s-a', 's-b']);
    expect((await b.sessionsOf('r')).length).toBe(2);
    const heardSession = (heard: Change[], id: string) => heard.some((c) => c.store === 'sessions' && c.id === id);
    await until(() => heardSession(heardB, 's-a') && heardSession(heardA, 's-b'), "each tab's message about the other's session");
    expect(heardSession(heardB, 's-a')).toBe(true);
    expect(heardSession(heardA, 's-b')).toBe(true);
    a.close();
    b.close();
  });

  it('imports and backup restores reach other tabs and fail as StorageError', async () => {
    const dbName = name();
    const heard: Change[] = [];
    const a = new Repo(await openStudyDb(dbName));
    const b = new Repo(await openStudyDb(dbName), (c) => heard.push(c));
    await a.importReadings([reading('i1'), reading('i2')], 'refs.bib');
    await a.restore({ readings: [reading('r')], sessions: [], settings: { dailyBudgetMinutes: 30 }, pathPacks: [], reviews: [] }, 'backup.json');
    expect((await b.readings()).map((r) => r.id)).toEqual(['r']);
    const heardReadings = () => heard.filter((c) => c.store === 'readings').length;
    await until(() => heardReadings() >= 2, "the other tab's messages about the import and the restore");
    expect(heardReadings()).toBe(2);
    const poisoned = reading('p') as unknown as Record<string, unknown>;
    poisoned.poison = () => 1;
    const data = { readings: [poisoned as unknown as Reading], sessions: [], settings: { dailyBudgetMinutes: 30 }, pathPacks: [], reviews: [] };
    await expect(a.restore(data, 'bad.json')).rejects.toThrow(/Could not save the data from bad\.json/);
    expect((await b.readings()).map((r) => r.id)).toEqual(['r']);
    // A later write is a fence: one channel delivers in order, so once its message is heard, the failed
    // import would have been heard too. It announced nothing.
    await a.saveSettings({ dailyBudgetMinutes: 45 });
    await until(() => heard.some((c) => c.store === 'settings'), "the other tab's message about the settings");
    expect(heardReadings()).toBe(2);
    a.close();
    b.close();
  });

  it('refuses invalid records before writing, naming the field', async () => {
    const repo = new Repo(await openStudyDb(name()));
    await expect(repo.saveReading(reading('x', { url: 'javascript:alert(1)' }))).rejects.toThrow(/field url: only http and https/);
    await expect(repo.saveSession(session('s', 'missing', '2026-11-02T09:00:00.000Z'))).rejects.toThrow(StorageError);
    await expect(repo.saveSession(session('s', 'missing', '2026-11-02T09:00:00.000Z'))).rejects.toThrow(
      /Could not save the study session: no reading has id "missing"/,
    );
    expect(await repo.readings()).toEqual([]);
    expect(await repo.sessions()).toEqual([]);
    repo.close();
  });

  it('deleting a reading removes its sessions and the prerequisite links to it', async () => {
    const repo = new Repo(await openStudyDb(name()));
    await repo.saveReading(reading('a'));
    await repo.saveReading(reading('b', { prerequisites: ['a'] }));
    await repo.saveSession(session('s1', 'a', '2026-11-02T09:00:00.000Z'));
    await repo.deleteReading('a');
    expect((await repo.readings()).map((r) => [r.id, r.prerequisites])).toEqual([['b', []]]);
    expect(await repo.sessions()).toEqual([]);
    repo.close();
  });

  it('settings and checkpoints round-trip', async () => {
    const repo = new Repo(await openStudyDb(name()));
    expect((await repo.settings()).dailyBudgetMinutes).toBe(60);
    await repo.saveSettings({ dailyBudgetMinutes: 45 });
    expect(await repo.settings()).toEqual({ dailyBudgetMinutes: 45 });
    await expect(repo.saveSettings({ dailyBudgetMinutes: -5 })).rejects.toThrow(/dailyBudgetMinutes/);
    await repo.saveCheckpoint({ id: 'c1', createdAt: '2026-11-01T00:00:00.000Z', blob: Uint8Array.of(1, 2), meta: {} });
    await repo.saveCheckpoint({ id: 'c2', createdAt: '2026-11-02T00:00:00.000Z', blob: Uint8Array.of(3), meta: { step: 10 } });
    expect((await repo.latestCheckpoint())?.id).toBe('c2');
    repo.close();
  });
});
