/**
 * What studying changes (issue 13): a first session makes a reading "reading", the end of a focus
 * session sets the status the learner chose, sessions carry progress, the catalog sets a status,
 * sessions are corrected and deleted; each change the learner makes is undone exactly, and a
 * session under a minute is refused.
 */
import 'fake-indexeddb/auto';
import { describe, expect, it } from 'vitest';
import { openStudyDb } from '../../src/data/db';
import { exportBackup } from '../../src/data/backup';
import { Repo } from '../../src/data/repo';
import { ValidationError } from '../../src/data/validate';
import type { Reading, StudySession } from '../../src/data/types';
import { freshDbName } from '../support/backup';
import { aReading } from '../support/records';

const session = (id: string, readingId: string, extra: Partial<StudySession> = {}): StudySession => ({
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
  ...extra,
});

async function withReadings(...readings: Reading[]): Promise<Repo> {
  const repo = new Repo(await openStudyDb(freshDbName('progress')));
  for (const r of readings) await repo.saveReading(r);
  return repo;
}
const state = async (repo: Repo) => ({ ...(await exportBackup(repo.db)), exportedAt: '' });
const statusOf = async (repo: Repo, id: string) => (await repo.readings()).find((r) => r.id === id)!.status;

describe('status', () => {
  it('the first session makes an unread reading "reading", with no tombstone; later sessions leave the status', async () => {
    const repo = await withReadings(aReading('a'), aReading('f', { status: 'finished' }));
    const saved = await repo.saveSession(session('s1', 'a'));
    expect(saved.entry).toBeNull();
    expect(await statusOf(repo, 'a')).toBe('reading');
    await repo.saveSession(session('s2', 'f'));
    expect(await statusOf(repo, 'f')).toBe('finished');
    expect(await repo.db.count('trash')).toBe(0);
    repo.close();
  });

  it('finished and abandoned at the end of a session; undo puts back what the session alone would have left', async () => {
    const repo = await withReadings(aReading('a'), aReading('b', { status: 'reading' }));
    const finished = await repo.saveSession(session('s1', 'a'), { outcome: 'finished' });
    expect(finished.status).toBe('finished');
    expect(finished.entry!.label).toBe('Marked “R a” as finished');
    expect(await statusOf(repo, 'a')).toBe('finished');
    const afterFinish = await state(repo);
    const abandoned = await repo.saveSession(session('s2', 'b'), { outcome: 'abandoned' });
    expect(await statusOf(repo, 'b')).toBe('abandoned');
    await repo.undo(abandoned.entry!.seq!);
    // b is as it was, with its session kept.
    expect((await state(repo)).readings).toEqual(afterFinish.readings);
    expect((await repo.sessions()).map((s) => s.id)).toEqual(['s1', 's2']);
    await repo.undo(finished.entry!.seq!);
    expect(await statusOf(repo, 'a')).toBe('reading');
    // "continue later" on a reading that is already being read changes nothing to undo.
    expect((await repo.saveSession(session('s3', 'b'), { outcome: 'continue' })).entry).toBeNull();
    repo.close();
  });

  it('a status set in the catalog, then undone, gives back exactly the state before', async () => {
    const repo = await withReadings(aReading('a', { status: 'reading' }));
    for (const status of ['finished', 'abandoned', 'unread'] as const) {
      const before = await state(repo);
      const entry = await repo.setStatus('a', status);
      expect(await statusOf(repo, 'a')).toBe(status);
      await repo.undo(entry!.seq!);
      expect(await state(repo)).toEqual(before);
    }
    expect(await repo.setStatus('a', 'reading')).toBeNull();
    expect(await repo.db.count('trash')).toBe(0);
    repo.close();
  });

  it('finishing writes the first review of its FSRS log, rated from understanding; undo takes it back', async () => {
    const repo = await withReadings(aReading('a'), aReading('b', { status: 'reading' }), aReading('c', { status: 'reading' }));
    const finished = await repo.saveSession(session('s1', 'a', { understanding: 95 }), { outcome: 'finished' });
    await repo.saveSession(session('s2', 'b', { understanding: 40, end: '2026-11-03T10:00:00.000Z', start: '2026-11-03T09:00:00.000Z' }));
    await repo.setStatus('b', 'finished');
    await repo.setStatus('c', 'finished');
    const reviews = (await repo.db.getAll('reviews')).sort((x, y) => x.readingId.localeCompare(y.readingId));
    // a: Easy at the session's end; b: Hard, from its latest rated session; c: no session, so Good.
    expect(reviews.map((r) => [r.readingId, r.rating])).toEqual([
      ['a', 4],
      ['b', 2],
      ['c', 3],
    ]);
    expect(reviews[0].at).toBe('2026-11-02T09:30:00.000Z');
    await repo.undo(finished.entry!.seq!);
    expect((await repo.db.getAll('reviews')).map((r) => r.readingId).sort()).toEqual(['b', 'c']);
    // A session on a reading that is finished already writes no second finishing review.
    await repo.saveSession(session('s3', 'c'), { outcome: 'finished' });
    expect(await repo.db.count('reviews')).toBe(2);
    repo.close();
  });

  it('a tombstone written before issue 13 (hide) still undoes', async () => {
    const repo = await withReadings(aReading('a', { status: 'reading' }));
    const seq = await repo.db.add('trash', { kind: 'hide', at: '2026-11-01T00:00:00.000Z', label: 'Hid “R a”', readingId: 'a', status: 'reading' });
    await repo.setStatus('a', 'hidden');
    await repo.undo(seq);
    expect(await statusOf(repo, 'a')).toBe('reading');
    repo.close();
  });
});

describe('progress', () => {
  it('the latest session moves the reading’s pages; an earlier one entered later does not; past the end is refused', async () => {
    const repo = await withReadings(aReading('a', { progress: { unit: 'pages', total: 300, done: 0 } }), aReading('n'));
    await repo.saveSession(session('s1', 'a', { progressAt: 120 }));
    expect((await repo.readings())[0].progress).toEqual({ unit: 'pages', total: 300, done: 120 });
    await repo.saveSession(session('s0', 'a', { start: '2026-11-01T09:00:00.000Z', end: '2026-11-01T09:30:00.000Z', progressAt: 40 }));
    expect((await repo.readings())[0].progress!.done).toBe(120);
    expect((await repo.sessions()).map((s) => [s.id, s.progressAt])).toEqual([
      ['s0', 40],
      ['s1', 120],
    ]);
    await expect(repo.saveSession(session('s2', 'a', { end: '2026-11-03T09:30:00.000Z', progressAt: 301 }))).rejects.toThrow(
      'session, field progressAt: 301 is past the end of “R a” (300 pages)',
    );
    await expect(repo.saveSession(session('s3', 'n', { progressAt: 5 }))).rejects.toThrow('field progressAt: “R n” does not track pages or percent');
    expect((await repo.sessions()).length).toBe(2);
    repo.close();
  });
});

describe('sessions corrected and deleted', () => {
  it('a correction, then undo, gives back the session as it was', async () => {
    const repo = await withReadings(aReading('a'));
    await repo.saveSession(session('s1', 'a', { notes: 'first go' }));
    const before = await state(repo);
    const entry = await repo.editSession(session('s1', 'a', { activeMinutes: 40, focus: 2, notes: 'corrected' }));
    expect(entry.label).toMatch(/^Corrected the session of .* on “R a”$/);
    expect((await repo.sessions())[0]).toMatchObject({ activeMinutes: 40, focus: 2, notes: 'corrected' });
    await repo.undo(entry.seq!);
    expect(await state(repo)).toEqual(before);
    repo.close();
  });

  it('a deletion, then undo, gives back the session; the reading keeps the status it had', async () => {
    const repo = await withReadings(aReading('a'));
    await repo.saveSession(session('s1', 'a'));
    const before = await state(repo);
    const entry = await repo.deleteSession('s1');
    expect(await repo.sessions()).toEqual([]);
    // The status is the learner's: deleting the only session leaves "reading".
    expect(await statusOf(repo, 'a')).toBe('reading');
    await repo.undo(entry.seq!);
    expect(await state(repo)).toEqual(before);
    await expect(repo.deleteSession('nope')).rejects.toThrow('the session was deleted already');
    repo.close();
  });

  it('undoing a session’s deletion after its reading was deleted waits for that undo', async () => {
    const repo = await withReadings(aReading('a'));
    await repo.saveSession(session('s1', 'a'));
    const sessionEntry = await repo.deleteSession('s1');
    const readingEntry = await repo.deleteReading('a');
    await expect(repo.undo(sessionEntry.seq!)).rejects.toThrow('Undo its deletion first');
    await repo.undo(readingEntry.seq!);
    await repo.undo(sessionEntry.seq!);
    expect((await repo.sessions()).map((s) => s.id)).toEqual(['s1']);
    repo.close();
  });
});

describe('under a minute', () => {
  it('is refused by save and by correction, saying why, and nothing changes', async () => {
    const repo = await withReadings(aReading('a'));
    await expect(repo.saveSession(session('s0', 'a', { activeMinutes: 0 }))).rejects.toThrow(ValidationError);
    await expect(repo.saveSession(session('s0', 'a', { activeMinutes: 0 }))).rejects.toThrow(
      'session, field activeMinutes: a session under one minute is not saved: it is too short to tell anything about your study',
    );
    expect(await repo.sessions()).toEqual([]);
    expect(await statusOf(repo, 'a')).toBe('unread');
    await repo.saveSession(session('s1', 'a'));
    await expect(repo.editSession(session('s1', 'a', { activeMinutes: 0 }))).rejects.toThrow('field activeMinutes: a session under one minute');
    expect((await repo.sessions())[0].activeMinutes).toBe(25);
    repo.close();
  });
});
