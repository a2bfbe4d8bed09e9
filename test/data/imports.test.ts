import { describe, expect, it } from 'vitest';
import { parseCsv, readingsFromZoteroCsv } from '../../src/data/csv';
import { readingsFromBibtex, splitBibtex } from '../../src/data/bibtex';
import { strictReadings } from '../support/imports';
import { parsePathPack } from '../../src/data/pathpack';
import type { Reading } from '../../src/data/types';
import { aReading } from '../support/records';

let k = 0;
const id = () => `id${k++}`;

describe('CSV', () => {
  it('handles quotes, doubled quotes, commas and newlines inside fields, CRLF and a BOM', () => {
    const rows = parseCsv('\ufeffa,b,c\r\n"x, y","say ""hi""","two\nlines"\r\n1,,3\n');
    expect(rows).toEqual([
      { line: 1, fields: ['a', 'b', 'c'] },
      { line: 2, fields: ['x, y', 'say "hi"', 'two\nlines'] },
      { line: 4, fields: ['1', '', '3'] },
    ]);
  });
  it.each([
    ['a,b\n"open,2\n', /f\.csv, line 2: a quoted field is never closed/],
    ['a,b\nx"y,2\n', /f\.csv, line 2: a quote inside an unquoted field/],
  ])('refuses malformed CSV %j naming the line', (text, msg) => {
    expect(() => parseCsv(text, 'f.csv')).toThrow(msg);
  });
});

const zoteroHeader = '"Key","Item Type","Publication Year","Author","Title","Publication Title","Url","Num Pages","Date Added","Manual Tags","Automatic Tags"';

describe('Zotero CSV export', () => {
  it('maps the columns onto readings', () => {
    const csv = `${zoteroHeader}\n"ABCD1234","journalArticle","2017","Vaswani, Ashish; Shazeer, Noam","Attention Is All You Need","NeurIPS","https://arxiv.org/abs/1706.03762","15","2026-11-01 10:00:00","transformers; NLP",""\n`;
    const [r] = strictReadings(readingsFromZoteroCsv(csv, 'z.csv', id));
    expect(r.title).toBe('Attention Is All You Need');
    expect(r.authors).toEqual(['Vaswani, Ashish', 'Shazeer, Noam']);
    expect(r.year).toBe(2017);
    expect(r.url).toBe('https://arxiv.org/abs/1706.03762');
    expect(r.topics).toEqual(['transformers', 'nlp']);
    expect(r.minutes).toBe(30);
    expect(r.source).toBe('import');
  });
  it.each([
    [`${zoteroHeader}\n"K","book","19x9","A","T","","","","","",""\n`, /z\.csv, line 2, field Publication Year: must be a whole number/],
    [`${zoteroHeader}\n"K","book","2001","A","","","","","","",""\n`, /z\.csv, line 2, field Title: is required/],
    [`${zoteroHeader}\n"K","book","2001","A","T","","javascript:alert(1)","","","",""\n`, /z\.csv, line 2, field Url: only http and https links are allowed/],
    [`${zoteroHeader}\n"K","book","2001"\n`, /z\.csv, line 2: 3 fields, but the header has 11/],
    ['"Name","Email"\n"x","y"\n', /z\.csv, line 1: no "Title" column/],
    ['', /z\.csv: the file is empty/],
  ])('refuses a bad file with the line and column named (%#)', (csv, msg) => {
    expect(() => strictReadings(readingsFromZoteroCsv(csv, 'z.csv', id))).toThrow(msg);
  });
  it('keeps markup in titles as plain text', () => {
    const csv = `${zoteroHeader}\n"K","book","2001","A","<img src=x onerror=alert(1)>","","","","","",""\n`;
    expect(strictReadings(readingsFromZoteroCsv(csv, 'z.csv', id))[0].title).toBe('<img src=x onerror=alert(1)>');
  });
});

describe('BibTeX', () => {
  const bib = `
@comment{ ignored {nested} }
@string{ nips = "NeurIPS" }
@inproceedings{vaswani2017,
  title = {Attention Is {All} You Need},
  author = "Vaswani, Ashish and Shazeer, Noam and Parmar, Niki",
  year = 2017,
  pages = {5998--6008},
  doi = {10.48550/arXiv.1706.03762},
  keywords = {transformers, NLP}
}
@book{goodfellow2016, title={Deep Learning}, author={Goodfellow, Ian and Bengio, Yoshua and Courville, Aaron}, year={2016}, url={https://www.deeplearningbook.org/}}
`;
  it('parses entries, skipping comments and strings', () => {
    const e = splitBibtex(bib);
    expect(e.map((x) => [x.type, x.line])).toEqual([
      ['comment', 2],
      ['string', 3],
      ['inproceedings', 4],
      ['book', 12],
    ]);
    const [a, b] = strictReadings(readingsFromBibtex(bib, 'r.bib', id));
    expect(a.title).toBe('Attention Is All You Need');
    expect(a.authors).toEqual(['Vaswani, Ashish', 'Shazeer, Noam', 'Parmar, Niki']);
    expect(a.year).toBe(2017);
    expect(a.url).toBe('https://doi.org/10.48550/arxiv.1706.03762');
    expect(a.doi).toBe('10.48550/arxiv.1706.03762');
    expect(a.minutes).toBe(2 * 11);
    expect(a.topics).toEqual(['nlp', 'transformers']); // the parser sorts keywords
    expect(b.url).toBe('https://www.deeplearningbook.org/');
  });
  it('keeps a script payload in a title as inert text', () => {
    const [r] = strictReadings(readingsFromBibtex('@misc{x, title = {<script>alert("pwned")</script>}, year = 2020}', 'x.bib', id));
    expect(r.title).toBe('<script>alert("pwned")</script>');
  });
  it.each([
    ['@article{k, title = {Unclosed, year = 2001}\n', /x\.bib, line 1 \(entry k\): Token mismatch, expected "\}".*, at line 2/],
    ['@article{k, title = {Unclosed', /x\.bib, line 1 \(entry k\): Unterminated brace-value "Unclosed".*, at line 1/],
    ['\n\n@article{k, title = {T}, year = {20x1}}', /x\.bib, line 3 \(entry k\), field year: must be a whole number/],
    ['@article{k, title = {T}, url = {javascript:alert(1)}}', /x\.bib, line 1 \(entry k\), field url: only http and https/],
    ['@article{k, year = 2001}', /x\.bib, line 1 \(entry k\), field title: is required/],
    ['@article{k{, title = {T}}', /x\.bib, line 1 \(entry k\): Token mismatch/],
    ['@article{k, title {T}}', /x\.bib, line 1 \(entry k\): title = value expected, equals sign missing/],
  ])('refuses %j with the line named', (text, msg) => {
    expect(() => strictReadings(readingsFromBibtex(text, 'x.bib', id))).toThrow(msg);
  });
});

describe('path packs', () => {
  const r = (rid: string, title: string, url: string | null): Reading => aReading(rid, { title, url, topics: [], difficulty: 3, source: 'demo' });
  const catalog = [r('a', 'Attention Is All You Need', 'https://arxiv.org/abs/1706.03762'), r('b', 'Deep Learning', null), r('c', 'Pattern Recognition', null)];
  it('maps items onto readings by URL or title and keeps user sequences in order', () => {
    const text = '# map 10 https://arxiv.org/abs/1706.03762\n# map 20 deep learning\n# map 30 Not In The Catalog\n1 20\n1 10\n1 30\n2 10\n3 10\n3 20\n';
    const p = parsePathPack(text, 'pack.txt', catalog, 'p1');
    expect(p.pack.sequences).toEqual([
      ['b', 'a'],
      ['a', 'b'],
    ]);
    expect(p.mappedItems).toBe(2);
    expect(p.droppedInteractions).toBe(2); // item 30 of user 1, and user 2's lone reading
  });
  it('refuses a pack that maps nothing, and bad lines with the line named', () => {
    expect(() => parsePathPack('1 2\n', 'p.txt', catalog, 'x')).toThrow(/p\.txt: no "# map ITEM URL-or-title" line matches/);
    expect(() => parsePathPack('# map 1 deep learning\n1 x\n', 'p.txt', catalog, 'x')).toThrow(/p\.txt, line 2, field item: "x"/);
    expect(() => parsePathPack('# map -1 deep learning\n', 'p.txt', catalog, 'x')).toThrow(/p\.txt, line 1, field item: "-1"/);
  });
});
