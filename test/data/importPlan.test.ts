/**
 * Issue 15: an import is planned before anything is written (new, already
 * there, refused), matches the same reference across formats, merges into
 * the reading that is there without touching what the learner made of it,
 * changes nothing the second time, restores from a backup, and is undoable.
 */
import 'fake-indexeddb/auto';
import { describe, expect, it } from 'vitest';
import { openStudyDb } from '../../src/data/db';
import { Repo } from '../../src/data/repo';
import { readingsFromBibtex } from '../../src/data/bibtex';
import { readingsFromRis } from '../../src/data/ris';
import { readingsFromZoteroCsv } from '../../src/data/csv';
import { mergeReading, planImport } from '../../src/data/importPlan';
import type { ParsedImport } from '../../src/data/importRecord';
import { freshDbName, roundTrip } from '../support/backup';
import { aReading } from '../support/records';
import { fixture } from '../support/imports';

let k = 0;
const id = () => `imp${k++}`;
const bib = () => readingsFromBibtex(fixture('library.bib'), 'library.bib', id);
const ris = () => readingsFromRis(fixture('library.ris'), 'library.ris', id);
const csv = () => readingsFromZoteroCsv(fixture('zotero.csv'), 'zotero.csv', id);

const newRepo = async () => new Repo(await openStudyDb(freshDbName('import')));

/** Plans `parsed` against the repo's readings and writes it; returns the plan. */
async function importInto(repo: Repo, parsed: ParsedImport) {
  const plan = planImport(parsed, await repo.readings());
  await repo.applyImport(plan);
  return plan;
}

describe('planning an import', () => {
  it('counts new records, repeats inside the file, and refusals, before anything is written', () => {
    const plan = planImport(bib(), []);
    expect([plan.added.length, plan.alreadyThere, plan.repeated, plan.refused.length]).toEqual([4, 0, 1, 2]);
    // The second Hochreiter entry (initials, a DOI) is the first one: merged into it, which gains its DOI.
    const lstm = plan.added.find((r) => r.title === 'Long Short-Term Memory')!;
    expect(lstm).toMatchObject({ authors: ['Hochreiter, Sepp', 'Schmidhuber, Jürgen'], doi: '10.1162/neco.1997.9.8.1735' });
  });

  it('matches by DOI, else by title, year and first author without case, accents or punctuation; different DOIs never match', () => {
    const there = [
      aReading('a', { title: 'ATTENTION is all you need!', year: 2017, authors: ['Ashish Vaswani'] }),
      aReading('b', { title: 'Other', doi: '10.48550/arxiv.1706.03762' }),
    ];
    const p = (title: string, doi: string | null) =>
      planImport(
        { file: 'f', records: [{ line: 1, isbn: null, reading: aReading('n', { title, year: 2017, authors: ['Vaswani, A.'], doi }) }], refused: [], work: 0 },
        there,
      );
    expect(p('Attention Is All You Need', null)).toMatchObject({ added: [], alreadyThere: 1 });
    expect(p('Attention Is All You Need', '10.1000/new').merged).toMatchObject([{ id: 'a', gains: { doi: '10.1000/new' } }]);
    expect(p('Anything', '10.48550/arxiv.1706.03762')).toMatchObject({ added: [], alreadyThere: 1 });
    expect(p('Attention Is All You Need', '10.9999/other').added).toHaveLength(0); // "a" has no DOI: title, year and author decide
    const typedIn = [aReading('t', { title: 'Attention is all you need', year: null, authors: [] })];
    expect(
      planImport(
        {
          file: 'f',
          records: [{ line: 1, isbn: null, reading: aReading('n', { title: 'Attention Is All You Need', year: 2017, authors: ['Vaswani, A.'] }) }],
          refused: [],
          work: 0,
        },
        typedIn,
      ),
    ).toMatchObject({ added: [], merged: [{ id: 't', gains: { year: 2017, authors: ['Vaswani, A.'] } }] });
    const withDoi = [{ ...there[0], doi: '10.1000/one' }];
    expect(
      planImport(
        {
          file: 'f',
          records: [
            { line: 1, isbn: null, reading: aReading('n', { title: 'Attention is all you need', year: 2017, authors: ['Vaswani, A.'], doi: '10.1000/two' }) },
          ],
          refused: [],
          work: 0,
        },
        withDoi,
      ).added,
    ).toHaveLength(1);
  });

  it('merging keeps the reading and fills in only what it lacks', () => {
    const mine = aReading('m', {
      title: 'Mine',
      status: 'finished',
      prerequisites: ['x'],
      minutes: 90,
      url: 'https://mine.example/',
      topics: ['ML'],
      authors: [],
    });
    const merged = mergeReading(mine, {
      doi: '10.1/x',
      url: 'https://other.example/',
      year: 2001,
      authors: ['Doe, J.'],
      topics: ['ml', 'stats'],
      progress: { unit: 'pages', total: 10, done: 0 },
    });
    expect(merged).toEqual({
      ...mine,
      doi: '10.1/x',
      year: 2001,
      authors: ['Doe, J.'],
      topics: ['ML', 'stats'],
      progress: { unit: 'pages', total: 10, done: 0 },
    });
  });
});

describe('writing an import', () => {
  it('the same references across BibTeX, RIS and Zotero CSV become one reading each; importing again changes nothing', async () => {
    const repo = await newRepo();
    const first = await importInto(repo, bib());
    expect(first.added).toHaveLength(4);
    const second = await importInto(repo, ris());
    expect([second.added.length, second.alreadyThere]).toEqual([1, 2]); // Attention (DOI) and LSTM (DOI) are there; Kahneman is new
    const third = await importInto(repo, csv());
    expect([third.added.length, third.alreadyThere]).toEqual([1, 2]); // Smart Notes (title) and Attention (DOI) are there; Sutton is new
    const readings = await repo.readings();
    expect(readings).toHaveLength(6);
    const titles = readings.map((r) => r.title.toLowerCase());
    expect(new Set(titles).size).toBe(titles.length);
    // Merged fields: Smart Notes gains the CSV's manual tag; LSTM keeps its BibTeX URL (none) and gains RIS's.
    expect(readings.find((r) => r.title.startsWith('How to Take'))!.topics).toEqual(['notes', 'writing', 'productivity']);
    expect(readings.find((r) => r.title === 'Long Short-Term Memory')!.url).toBe('https://doi.org/10.1162/neco.1997.9.8.1735');

    const before = await repo.readings();
    for (const again of [bib(), ris(), csv()]) {
      const plan = planImport(again, await repo.readings());
      expect([plan.added.length, plan.merged.length]).toEqual([0, 0]);
      expect(plan.alreadyThere).toBe(again.records.length);
      await repo.applyImport(plan);
    }
    expect(await repo.readings()).toEqual(before);
    repo.close();
  });

  it('a reading already there keeps its id, status, sessions and prerequisites', async () => {
    const repo = await newRepo();
    await repo.saveReading(aReading('pre', { title: 'Prerequisite' }));
    await repo.saveReading(
      aReading('mine', { title: 'Attention is all you need', year: 2017, authors: ['Ashish Vaswani'], status: 'finished', prerequisites: ['pre'] }),
    );
    await repo.saveSession({
      id: 's1',
      readingId: 'mine',
      start: '2026-11-01T10:00:00.000Z',
      end: '2026-11-01T10:30:00.000Z',
      activeMinutes: 30,
      focus: 4,
      interruptions: 0,
      understanding: 80,
      quizScore: null,
      notes: '',
      progressAt: null,
    });
    const plan = await importInto(repo, bib());
    expect(plan.alreadyThere).toBe(1);
    const mine = (await repo.readings()).find((r) => r.id === 'mine')!;
    expect(mine).toMatchObject({
      status: 'finished',
      prerequisites: ['pre'],
      doi: '10.48550/arxiv.1706.03762',
      topics: ['t', 'attention', 'nlp', 'transformers'],
    });
    expect((await repo.sessions()).map((s) => s.readingId)).toEqual(['mine']);
    repo.close();
  });

  it('whatever an import accepts, a backup restores', async () => {
    const repo = await newRepo();
    for (const p of [bib(), ris(), csv(), readingsFromZoteroCsv(fixture('zotero.csv'), 'z2.csv', id, new Date(), { autoTags: true })])
      await importInto(repo, p);
    const { first, second } = await roundTrip(repo);
    expect(first.readings.length).toBeGreaterThan(0);
    expect(second).toEqual(first);
    repo.close();
  });

  it('Undo takes the import back: added readings go, merged fields return, unless changed since', async () => {
    const repo = await newRepo();
    await repo.saveReading(aReading('mine', { title: 'Long Short-Term Memory', year: 1997, authors: ['Hochreiter, Sepp'], topics: [] }));
    const before = await repo.readings();
    const entry = await repo.applyImport(planImport(ris(), before));
    expect((await repo.readings()).length).toBe(3);
    expect(entry).toMatchObject({ kind: 'import', merged: [{ id: 'mine', before: { doi: null, url: null } }] });
    await repo.undo(entry.seq!);
    expect(await repo.readings()).toEqual(before);

    // A field the learner changed after the import keeps the change; the import's other fields go back.
    const again = await repo.applyImport(planImport(ris(), before));
    await repo.updateReading('mine', { url: 'https://mine.example/' });
    await repo.undo(again.seq!);
    expect(await repo.readings()).toEqual([{ ...before[0], url: 'https://mine.example/' }]);
    repo.close();
  });
});
