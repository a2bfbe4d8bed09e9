/**
 * Issue 12, problem 2: every backup the app exports restores. Each case is a
 * way an earlier app wrote a backup its own restore refused: a deleted
 * reading left in a path pack, a stale edit form writing back a link to a
 * deleted reading, an empty CSV or BibTeX author, a path pack named after a
 * long file. Each is now kept out of the database by the write that made it.
 */
import 'fake-indexeddb/auto';
import { describe, expect, it } from 'vitest';
import { openStudyDb } from '../../src/data/db';
import { Repo } from '../../src/data/repo';
import { readingsFromZoteroCsv } from '../../src/data/csv';
import { readingsFromBibtex } from '../../src/data/bibtex';
import { parsePathPack } from '../../src/data/pathpack';
import type { Reading } from '../../src/data/types';
import { freshDbName, roundTrip } from '../support/backup';
import { aReading } from '../support/records';
import { strictReadings } from '../support/imports';

const reading = (id: string, extra: Partial<Reading> = {}): Reading =>
  aReading(id, { title: `Reading ${id}`, url: `https://example.org/${id}`, difficulty: 3, ...extra });

async function repoWith(...readings: Reading[]): Promise<Repo> {
  const repo = new Repo(await openStudyDb(freshDbName('integrity')));
  for (const r of readings) await repo.saveReading(r);
  return repo;
}

let k = 0;
const id = () => `imp${k++}`;

describe('every state the app writes exports a backup that restores', () => {
  it('deleting a reading takes it out of path packs (a sequence left with one reading goes)', async () => {
    const repo = await repoWith(reading('a'), reading('b'), reading('c'));
    const pack = parsePathPack('# map 1 Reading a\n# map 2 Reading b\n# map 3 Reading c\n1 1\n1 2\n1 3\n2 1\n2 2\n', 'pack.txt', await repo.readings(), 'p1');
    await repo.savePathPack(pack.pack);
    await repo.deleteReading('b');
    expect((await repo.pathPacks())[0].sequences).toEqual([['a', 'c']]);
    const { first, second } = await roundTrip(repo);
    expect(second).toEqual(first);
    repo.close();
  });

  it('an edit form opened before its prerequisite was deleted does not write the dead link back', async () => {
    const repo = await repoWith(reading('a'), reading('b', { prerequisites: ['a'] }));
    const form = (await repo.readings()).find((r) => r.id === 'b')!; // the copy the edit form holds
    await repo.deleteReading('a');
    await repo.saveReading({ ...form, title: 'Edited' });
    expect((await repo.readings()).map((r) => [r.id, r.title, r.prerequisites])).toEqual([['b', 'Edited', []]]);
    const { first, second } = await roundTrip(repo);
    expect(second).toEqual(first);
    repo.close();
  });

  it('an edit merges with the row as it is now, not with the copy the form opened with', async () => {
    const repo = await repoWith(reading('a'));
    await repo.hideReading('a'); // hidden from Today while the Catalog's form is open
    await repo.updateReading('a', { title: 'Edited', minutes: 45 });
    expect((await repo.readings())[0]).toMatchObject({ title: 'Edited', minutes: 45, status: 'hidden' });
    await repo.deleteReading('a');
    await expect(repo.updateReading('a', { title: 'Again' })).rejects.toThrow(/the reading was deleted meanwhile/);
    repo.close();
  });

  it('empty authors and topics in a Zotero CSV or BibTeX file are dropped, not kept as empty entries', async () => {
    const csv = '"Title","Author","Manual Tags"\n"Paper","Doe, Jane; \u0001 ;","nlp; \u0002"\n';
    const bib = '@article{x, title = {Bib paper}, author = {\u0001 and Roe, Rick}, keywords = {\u0003, ml}}';
    const fromCsv = strictReadings(readingsFromZoteroCsv(csv, 'z.csv', id));
    const fromBib = strictReadings(readingsFromBibtex(bib, 'r.bib', id));
    expect(fromCsv.map((r) => [r.authors, r.topics])).toEqual([[['Doe, Jane'], ['nlp']]]);
    expect(fromBib.map((r) => [r.authors, r.topics])).toEqual([[['Roe, Rick'], ['ml']]]);
    const repo = await repoWith();
    await repo.importReadings([...fromCsv, ...fromBib], 'both');
    const { first, second } = await roundTrip(repo);
    expect(first.readings).toHaveLength(2);
    expect(second).toEqual(first);
    repo.close();
  });

  it("a path pack named after a long file name is named within the length a backup's pack may have", async () => {
    const repo = await repoWith(reading('a'), reading('b'));
    const file = `${'long-name-'.repeat(40)}.txt`;
    const { pack } = parsePathPack('# map 1 Reading a\n# map 2 Reading b\n1 1\n1 2\n', file, await repo.readings(), 'p1');
    expect(pack.name).toBe(file.slice(0, 200));
    await repo.savePathPack(pack);
    const { first, second } = await roundTrip(repo);
    expect(first.pathPacks).toHaveLength(1);
    expect(second).toEqual(first);
    repo.close();
  });

  it("what the repo is handed is checked by the backup's own validation", async () => {
    const repo = await repoWith(reading('a'), reading('b'));
    const long = { id: 'p', name: 'x'.repeat(201), importedAt: '2026-11-01T00:00:00.000Z', sequences: [['a', 'b']] };
    await expect(repo.savePathPack(long)).rejects.toThrow(/path pack .*, field name: is longer than 200 characters/);
    await expect(repo.importReadings([reading('c', { authors: [''] })], 'x.csv')).rejects.toThrow(/x\.csv, reading 1, field authors\[0\]: is required/);
    expect(await repo.pathPacks()).toEqual([]);
    repo.close();
  });
});
