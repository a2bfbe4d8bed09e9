/**
 * The one undo mechanism (issue 12, problem 6): delete (with its cascade),
 * hide and restore each leave a tombstone, and undo gives back exactly the
 * state before, as a backup sees it.
 */
import 'fake-indexeddb/auto';
import { describe, expect, it } from 'vitest';
import { openStudyDb } from '../../src/data/db';
import { exportBackup } from '../../src/data/backup';
import { Repo } from '../../src/data/repo';
import { TRASH_KEEP } from '../../src/data/trashTx';
import type { Reading, StudySession } from '../../src/data/types';
import { freshDbName } from '../support/backup';
import { aReading } from '../support/records';

const reading = (id: string, extra: Partial<Reading> = {}): Reading =>
  aReading(id, { title: `Reading ${id}`, authors: ['A. Author'], year: 2020, difficulty: 3, ...extra });
const session = (id: string, readingId: string): StudySession => ({
  id,
  readingId,
  start: '2026-11-02T09:00:00.000Z',
  end: '2026-11-02T09:30:00.000Z',
  activeMinutes: 25,
  focus: 4,
  interruptions: 0,
  understanding: 70,
  quizScore: null,
  notes: '',
  progressAt: null,
});

/** a ← b ← c (b builds on a, c on a and b), a session on a and on b, a path pack through all three. */
async function populated(): Promise<Repo> {
  const repo = new Repo(await openStudyDb(freshDbName('trash')));
  await repo.saveReading(reading('a'));
  await repo.saveReading(reading('b', { prerequisites: ['a'] }));
  await repo.saveReading(reading('c', { prerequisites: ['b', 'a'], status: 'reading' }));
  await repo.saveSession(session('s1', 'a'));
  await repo.saveSession(session('s2', 'b'));
  await repo.saveSettings({ dailyBudgetMinutes: 90 });
  await repo.db.put('reviews', { id: 'v1', readingId: 'a', at: '2026-11-04T09:00:00.000Z', rating: 3, minutes: 5 });
  await repo.savePathPack({
    id: 'p',
    name: 'pack',
    importedAt: '2026-11-03T00:00:00.000Z',
    sequences: [
      ['a', 'b', 'c'],
      ['a', 'c'],
      ['b', 'c'],
    ],
  });
  return repo;
}
const state = async (repo: Repo) => ({ ...(await exportBackup(repo.db)), exportedAt: '' });

describe('trash and undo', () => {
  it('delete, then undo, gives back the same state, the cascade included', async () => {
    const repo = await populated();
    const before = await state(repo);
    const entry = await repo.deleteReading('a');
    const after = await state(repo);
    expect(after.readings.map((r) => [r.id, r.prerequisites])).toEqual([
      ['b', []],
      ['c', ['b']],
    ]);
    expect(after.sessions.map((s) => s.id)).toEqual(['s2']);
    expect(after.reviews).toEqual([]);
    expect(after.pathPacks[0].sequences).toEqual([
      ['b', 'c'],
      ['b', 'c'],
    ]);
    await repo.undo(entry.seq!);
    expect(await state(repo)).toEqual(before);
    await expect(repo.undo(entry.seq!)).rejects.toThrow(/Nothing to undo: that change was undone already/);
    repo.close();
  });

  it('undo of a delete keeps what changed since, and brings back no link to a reading deleted since', async () => {
    const repo = await populated();
    const first = await repo.deleteReading('a');
    await repo.deleteReading('b');
    await repo.updateReading('c', { title: 'Edited since' });
    await repo.undo(first.seq!);
    const now = await state(repo);
    expect(now.readings.map((r) => [r.id, r.title, r.prerequisites])).toEqual([
      ['a', 'Reading a', []],
      ['c', 'Edited since', ['a']],
    ]);
    expect(now.sessions.map((s) => s.id)).toEqual(['s1']);
    expect(now.pathPacks[0].sequences).toEqual([
      ['a', 'c'],
      ['a', 'c'],
    ]);
    repo.close();
  });

  it('hide, then undo, gives back the status it had', async () => {
    const repo = await populated();
    const before = await state(repo);
    const entry = await repo.hideReading('c');
    expect((await state(repo)).readings.find((r) => r.id === 'c')!.status).toBe('hidden');
    await repo.undo(entry.seq!);
    expect(await state(repo)).toEqual(before);
    repo.close();
  });

  it('restore, then undo, gives back all the data it replaced, settings included', async () => {
    const repo = await populated();
    const before = await state(repo);
    const entry = await repo.restore(
      { readings: [reading('x')], sessions: [], settings: { dailyBudgetMinutes: 20 }, pathPacks: [], reviews: [] },
      'other.json',
    );
    expect(entry.label).toBe('Restored other.json');
    expect((await state(repo)).readings.map((r) => r.id)).toEqual(['x']);
    await repo.undo(entry.seq!);
    expect(await state(repo)).toEqual(before);
    repo.close();
  });

  it(`keeps the newest ${TRASH_KEEP} tombstones`, async () => {
    const repo = new Repo(await openStudyDb(freshDbName('trash')));
    await repo.saveReading(reading('a'));
    const seqs: number[] = [];
    for (let i = 0; i < TRASH_KEEP + 3; i++) seqs.push((await repo.hideReading('a')).seq!);
    expect(await repo.db.getAllKeys('trash')).toEqual(seqs.slice(3));
    await expect(repo.undo(seqs[0])).rejects.toThrow(/Nothing to undo/);
    repo.close();
  });
});
