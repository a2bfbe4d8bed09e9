/** Prerequisite cycles (issue 13): found by a pure function, refused by every write, named in the message. */
import 'fake-indexeddb/auto';
import { describe, expect, it } from 'vitest';
import { cycleMessage, findCycle, firstCycle } from '../../src/data/prerequisites';
import { openStudyDb } from '../../src/data/db';
import { Repo } from '../../src/data/repo';
import { ValidationError } from '../../src/data/validate';
import { freshDbName } from '../support/backup';
import { aReading } from '../support/records';

const links = (pairs: Record<string, string[]>) => Object.entries(pairs).map(([id, prerequisites]) => ({ id, prerequisites }));

describe('finding a cycle', () => {
  it('a reading on itself, a direct and an indirect cycle, each as the path that closes it', () => {
    expect(findCycle([], 'a', ['a'])).toEqual(['a', 'a']);
    expect(findCycle(links({ b: ['a'] }), 'a', ['b'])).toEqual(['a', 'b', 'a']);
    expect(findCycle(links({ b: ['c'], c: ['d'], d: ['a'] }), 'a', ['x', 'b'])).toEqual(['a', 'b', 'c', 'd', 'a']);
  });

  it('a diamond and a chain are no cycle; the edited reading’s old links are not used', () => {
    expect(findCycle(links({ b: ['d'], c: ['d'], d: [] }), 'a', ['b', 'c'])).toBeNull();
    expect(findCycle(links({ a: ['b'], b: [] }), 'b', ['c'])).toBeNull();
    // a's stored links would make b → a → b, but a is being given new ones.
    expect(findCycle(links({ a: ['b'], b: [] }), 'a', [])).toBeNull();
    expect(findCycle(links({ a: ['b'], b: [] }), 'b', ['a'])).toEqual(['b', 'a', 'b']);
  });

  it('firstCycle over a whole set, and the message names the readings by title', () => {
    expect(firstCycle(links({ a: ['b'], b: ['c'], c: [] }))).toBeNull();
    expect(firstCycle(links({ a: ['b'], b: ['c'], c: ['b'] }))).toEqual(['b', 'c', 'b']);
    const titles = new Map([
      ['a', 'A'],
      ['b', 'B'],
    ]);
    expect(cycleMessage(['a', 'b', 'a'], (id) => titles.get(id))).toMatch(/^“A” → “B” → “A” would be a cycle/);
  });
});

describe('the repository refuses a cycle', () => {
  it('from saveReading and updateReading, direct, indirect and on itself, changing nothing', async () => {
    const repo = new Repo(await openStudyDb(freshDbName('cycles')));
    await repo.saveReading(aReading('a', { title: 'A' }));
    await repo.saveReading(aReading('b', { title: 'B', prerequisites: ['a'] }));
    await repo.saveReading(aReading('c', { title: 'C', prerequisites: ['b'] }));
    const before = await repo.readings();
    await expect(repo.updateReading('a', { prerequisites: ['b'] })).rejects.toThrow('reading "A", field prerequisites: “A” → “B” → “A” would be a cycle');
    await expect(repo.updateReading('a', { prerequisites: ['c'] })).rejects.toThrow('“A” → “C” → “B” → “A” would be a cycle');
    await expect(repo.saveReading(aReading('c', { title: 'C', prerequisites: ['c'] }))).rejects.toThrow(ValidationError);
    await expect(repo.saveReading(aReading('c', { title: 'C', prerequisites: ['c'] }))).rejects.toThrow('“C” → “C” would be a cycle');
    expect(await repo.readings()).toEqual(before);
    repo.close();
  });

  it('from an import and a restore, naming the file', async () => {
    const repo = new Repo(await openStudyDb(freshDbName('cycles')));
    await repo.saveReading(aReading('a', { title: 'A' }));
    await expect(
      repo.importReadings([aReading('a', { title: 'A', prerequisites: ['b'] }), aReading('b', { title: 'B', prerequisites: ['a'] })], 'x.bib'),
    ).rejects.toThrow('x.bib, field prerequisites: “A” → “B” → “A” would be a cycle');
    const data = {
      readings: [aReading('p', { title: 'P', prerequisites: ['p'] })],
      sessions: [],
      settings: { dailyBudgetMinutes: 30 },
      pathPacks: [],
      reviews: [],
    };
    await expect(repo.restore(data, 'loop.json')).rejects.toThrow('loop.json, field prerequisites: “P” → “P” would be a cycle');
    expect((await repo.readings()).map((r) => [r.id, r.prerequisites])).toEqual([['a', []]]);
    repo.close();
  });

  it('undoing a delete does not bring back a link that links added since would make a cycle', async () => {
    const repo = new Repo(await openStudyDb(freshDbName('cycles')));
    await repo.saveReading(aReading('a'));
    await repo.saveReading(aReading('b', { prerequisites: ['a'] }));
    await repo.saveReading(aReading('c', { prerequisites: ['b'] }));
    // b goes (c loses its link to b); then a comes to build on c, which is no cycle without b.
    const entry = await repo.deleteReading('b');
    await repo.updateReading('a', { prerequisites: ['c'] });
    await repo.undo(entry.seq!);
    const now = await repo.readings();
    expect(firstCycle(now)).toBeNull();
    // b is back with its link to a; c's link back to b would close a → c → b → a, so it stays out.
    expect(now.map((r) => [r.id, r.prerequisites])).toEqual([
      ['a', ['c']],
      ['b', ['a']],
      ['c', []],
    ]);
    repo.close();
  });
});
