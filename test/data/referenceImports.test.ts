/**
 * Issue 15: reference files as reference managers write them (JabRef/Better
 * BibTeX .bib, RIS, Zotero CSV), read into readings that keep every field a
 * reading has a place for. The fixtures are in test/data/fixtures/imports/.
 */
import { describe, expect, it } from 'vitest';
import { readingsFromBibtex } from '../../src/data/bibtex';
import { readingsFromRis } from '../../src/data/ris';
import { readingsFromZoteroCsv } from '../../src/data/csv';
import type { ParsedImport } from '../../src/data/importRecord';
import { fixture } from '../support/imports';

let k = 0;
const id = () => `ref${k++}`;
const byTitle = (p: ParsedImport, start: string) => p.records.find((r) => r.reading.title.startsWith(start))!;

describe('BibTeX (library.bib)', () => {
  const bib = readingsFromBibtex(fixture('library.bib'), 'library.bib', id);

  it('turns LaTeX into Unicode: accents, ß, å, ç and math', () => {
    const notes = byTitle(bib, 'How to Take Smart Notes');
    expect(notes.reading.title).toBe('How to Take Smart Notes: Über Straßen, ångström, Garçon and α-Tests');
    expect(notes.reading.authors).toEqual(['Ahrens, Sönke', 'Barnes and Noble, Inc.']); // a braced name is one author
    expect(byTitle(bib, 'Long Short-Term').reading.authors).toEqual(['Hochreiter, Sepp', 'Schmidhuber, Jürgen']);
  });

  it('expands @string macros and # concatenation', () => {
    expect(bib.records[1].reading.title).toBe('Long Short-Term Memory');
    expect(bib.records[1].line).toBe(19);
  });

  it('keeps the DOI (normalised) and the URL of an entry that has both', () => {
    const a = byTitle(bib, 'Attention').reading;
    expect([a.doi, a.url]).toEqual(['10.48550/arxiv.1706.03762', 'https://arxiv.org/abs/1706.03762']);
    expect(bib.records.at(-1)!.reading).toMatchObject({ doi: '10.1162/neco.1997.9.8.1735', url: 'https://doi.org/10.1162/neco.1997.9.8.1735' });
  });

  it('keeps a page count as progress in pages, a page range only as the time estimate, and the ISBN for matching', () => {
    const notes = byTitle(bib, 'How to Take Smart Notes');
    expect(notes.reading.progress).toEqual({ unit: 'pages', total: 352, done: 0 });
    expect(notes.isbn).toBe('9781542866507');
    expect(byTitle(bib, 'Attention').reading).toMatchObject({ progress: null, minutes: 22 });
  });

  it('keeps markup as text: TeX formatting goes, a literal <script> stays inert text; a biblatex date gives the year', () => {
    const m = byTitle(bib, 'Plain').reading;
    expect(m.title).toBe('Plain emphasis, bold and a literal <script>alert(1)</script>');
    expect(m.authors).toEqual(["O'Neil, Cathy", 'van der Berg, Jan']);
    expect(m.year).toBe(2020);
  });

  it('refuses only the broken entries, each with file, line and reason; an @ in a comment breaks nothing', () => {
    expect(bib.records.map((r) => r.line)).toEqual([8, 19, 30, 40, 57]);
    expect(bib.refused).toEqual([
      'library.bib, line 47 (entry badyear), field year: must be a whole number from 1000 to 2100, got "20x1"',
      expect.stringMatching(/^library\.bib, line 53 \(entry unclosed\): Unterminated brace-value/),
    ]);
  });

  it('converts TeX in keywords, unescapes \\_ and \\% in a DOI or URL, and does not stumble on LaTeX in fields a reading does not keep', () => {
    const p = readingsFromBibtex(
      String.raw`@article{k, title = {T}, keywords = {M{\"u}ller, a\_b; Graphs}, doi = {10.1000/abc\_def}, url = {https://ex.org/a\_b\%20c}, abstract = {\begin{foo} \weird{x}}, file = {:C\:/x.pdf:pdf}}`,
      'k.bib',
      id,
    );
    expect(p.refused).toEqual([]);
    expect(p.records[0].reading).toMatchObject({ topics: ['a_b', 'graphs', 'müller'], doi: '10.1000/abc_def', url: 'https://ex.org/a_b%20c' });
  });

  it('refuses an author or keyword longer than a backup keeps (500 characters)', () => {
    const long = 'x'.repeat(501);
    const p = readingsFromBibtex(`@misc{a, title = {T}, author = {${long}}}\n@misc{b, title = {U}, keywords = {${long}}}`, 'l.bib', id);
    expect(p.records).toEqual([]);
    expect(p.refused).toEqual([
      'l.bib, line 1 (entry a), field author: is longer than 500 characters',
      'l.bib, line 2 (entry b), field keywords: is longer than 500 characters',
    ]);
  });
});

describe('RIS (library.ris)', () => {
  const ris = readingsFromRis(fixture('library.ris'), 'library.ris', id);

  it('reads titles, authors, years, DOIs, URLs, keywords, pages and ISBNs', () => {
    expect(ris.records.map((r) => r.line)).toEqual([1, 10, 22]);
    expect(ris.records[0].reading).toMatchObject({
      title: 'Attention is all you need',
      year: 2017,
      doi: '10.48550/arxiv.1706.03762',
      topics: ['deep learning'],
    });
    expect(ris.records[1].reading).toMatchObject({
      authors: ['Hochreiter, Sepp', 'Schmidhuber, Jürgen'],
      year: 1997,
      url: 'https://direct.mit.edu/neco/article/9/8/1735/6109',
      minutes: 92,
      progress: null,
    });
    const book = ris.records[2];
    expect(book.reading).toMatchObject({
      title: 'Thinking, Fast and Slow: a very long title that continues on the next line',
      progress: { unit: 'pages', total: 499, done: 0 },
      topics: ['psychology', 'decision making'],
    });
    expect(book.isbn).toBe('9780374275631');
  });

  it('refuses a bad record and one left open, with their lines', () => {
    expect(ris.refused).toEqual([
      'library.ris, line 39: the record (TY CHAP) is not closed by an ER line before the end of the file',
      'library.ris, line 34 (TY JOUR), field PY: must be a whole number from 1000 to 2100, got "abcd"',
    ]);
  });
});

describe('Zotero CSV (zotero.csv)', () => {
  const csv = readingsFromZoteroCsv(fixture('zotero.csv'), 'zotero.csv', id);

  it('reads DOI, Num Pages ("xvi, 352" counts 352), Pages, ISBN and manual tags only', () => {
    const [notes, attention, rl] = csv.records;
    expect(notes.reading).toMatchObject({
      topics: ['notes', 'productivity'],
      progress: { unit: 'pages', total: 352, done: 0 },
      addedAt: expect.stringMatching(/^2026-10-0/),
    });
    expect(notes.isbn).toBe('9781542866507');
    expect(attention.reading).toMatchObject({ doi: '10.48550/arxiv.1706.03762', topics: [], minutes: 22 });
    expect(rl.reading.topics).toEqual(['rl', '"quoted", tag']);
    expect(rl.line).toBe(4);
  });

  it("adds Zotero's automatic tags only when asked", () => {
    const withAuto = readingsFromZoteroCsv(fixture('zotero.csv'), 'zotero.csv', id, new Date(), { autoTags: true });
    expect(withAuto.records[0].reading.topics).toEqual(['notes', 'productivity', 'education', 'study and teaching']);
  });

  it('refuses only the bad rows, naming line and column', () => {
    expect(csv.records).toHaveLength(3);
    expect(csv.refused).toEqual([
      'zotero.csv, line 6, field Url: only http and https links are allowed, got javascript:',
      'zotero.csv, line 7: 3 fields, but the header has 21',
    ]);
  });

  it('a page count that is not one is no progress, and stops nothing', () => {
    const p = readingsFromZoteroCsv('"Title","Num Pages"\n"A","various"\n"B","12"\n', 'z.csv', id);
    expect(p.records.map((r) => r.reading.progress)).toEqual([null, { unit: 'pages', total: 12, done: 0 }]);
    expect(p.refused).toEqual([]);
  });
});
