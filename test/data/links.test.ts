/**
 * Only absolute http and https URLs become links. The boundary of the one
 * check (httpUrl in src/data/validate.ts); every way a URL comes in from a
 * file or a form refusing the rest with the field named and nothing written;
 * and the catalog linking none of them even when one reaches it anyway (a
 * row written into the database before the check, or around it).
 */
import 'fake-indexeddb/auto';
import { createElement } from 'react';
import { renderToStaticMarkup } from 'react-dom/server';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { ValidationError, httpHref, httpUrl, validateReading } from '../../src/data/validate';
import { readingsFromZoteroCsv } from '../../src/data/csv';
import { readingsFromBibtex } from '../../src/data/bibtex';
import { parseBackup } from '../../src/data/db';
import { parsePathPack } from '../../src/data/pathpack';
import type { Reading } from '../../src/data/types';
import { useStore } from '../../src/app/studyStore';
import { aReading } from '../support/records';
import { strictReadings } from '../support/imports';
import { useImport } from '../../src/app/data/importStore';

/** URLs that must never be kept or linked, each with what it tries. */
const HOSTILE: [string, string][] = [
  ['javascript:', 'javascript:alert(1)'],
  ['javascript: in mixed case', 'JaVaScRiPt:alert(1)'],
  ['a tab inside the scheme', 'java\tscript:alert(1)'],
  ['a newline inside the scheme', 'java\nscript:alert(1)'],
  ['a carriage return and newline inside the scheme', 'jav\r\nascript:alert(1)'],
  ['mixed case with a tab and a newline inside', 'JaVa\tScR\niPt:alert(1)'],
  ['leading spaces', '   javascript:alert(1)'],
  ['leading control characters and a space', '\u0001\u0002 javascript:alert(1)'],
  ['data:', 'data:text/html,<script>alert(1)</script>'],
  ['data: in capitals, base64', 'DATA:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg=='],
  ['vbscript:', 'vbscript:msgbox(1)'],
  ['vbscript: with a tab inside', 'VB\tScript:msgbox(1)'],
  ['file:', 'file:///etc/passwd'],
  ['protocol-relative //host', '//evil.example/x'],
  ['a root-relative path', '/relative/path'],
  ['a relative path', 'relative/path'],
  ['ftp:', 'ftp://example.org/x'],
  ['blob:', 'blob:https://example.org/1234'],
  ['mailto:', 'mailto:someone@example.org'],
];

/** Schemes a widened allow-list would most likely let through: each must be refused as a scheme, not by accident. */
const REFUSED_SCHEMES: [string, string][] = [
  ['data:text/html,<script>alert(1)</script>', 'data:'],
  ['vbscript:msgbox(1)', 'vbscript:'],
  ['file:///etc/passwd', 'file:'],
  ['java\tscript:alert(1)', 'javascript:'],
  ['  JaVa\nScRiPt:alert(1)', 'javascript:'],
];

/** URLs that are fine, and the form they are kept in. */
const FINE: [string, string][] = [
  ['http://example.org', 'http://example.org/'],
  ['https://arxiv.org/abs/1706.03762', 'https://arxiv.org/abs/1706.03762'],
  ['HTTPS://Example.ORG/Path?q=1#x', 'https://example.org/Path?q=1#x'],
  ['  https://example.org/a  ', 'https://example.org/a'],
];

const reading = (id: string, title: string, url: string | null): Reading => aReading(id, { title, url, topics: [], difficulty: 3, source: 'import' });

/** Any refusal of a URL field names where and the field: a scheme other than http(s), or no absolute URL at all. */
const refusedUrl = (where: string, field = 'url') =>
  new RegExp(`${where}, field ${field}: (only http and https links are allowed|".*" is not an absolute URL)`, 's');

const quoteCsv = (s: string) => `"${s.replace(/"/g, '""')}"`;
const zoteroHeader = '"Key","Item Type","Publication Year","Author","Title","Publication Title","Url","Num Pages","Date Added","Manual Tags","Automatic Tags"';
const zoteroCsv = (url: string) => `${zoteroHeader}\n"K","book","2001","A","T","",${quoteCsv(url)},"","","",""\n`;
const bibtex = (url: string) => `@article{k, title = {T}, url = {${url}}}`;
const backupJson = (url: string) =>
  JSON.stringify({
    format: 'studypath-backup',
    version: 1,
    exportedAt: '2026-11-01T00:00:00.000Z',
    readings: [reading('r1', 'T', url)],
    sessions: [],
    settings: { dailyBudgetMinutes: 60 },
    pathPacks: [],
  });

// The app's store over fake-indexeddb, as the page opens it.
beforeAll(async () => {
  await useStore.getState().init();
  expect(useStore.getState().repo, JSON.stringify(useStore.getState().notice)).not.toBeNull();
});
afterAll(() => useStore.getState().repo?.close());

describe('httpUrl: the one URL check', () => {
  it.each(HOSTILE)('refuses %s', (_, url) => {
    expect(() => httpUrl(url, 'x', 'url')).toThrow(ValidationError);
    expect(() => httpUrl(url, 'x', 'url')).toThrow(refusedUrl('x'));
    expect(httpHref(url)).toBeNull();
  });
  it.each(REFUSED_SCHEMES)('refuses %j for its scheme %s', (url, scheme) => {
    expect(() => httpUrl(url, 'x', 'url')).toThrow(`x, field url: only http and https links are allowed, got ${scheme}`);
  });
  it.each(FINE)('keeps %j as %j', (url, kept) => {
    expect(httpUrl(url, 'x', 'url')).toBe(kept);
    expect(httpHref(url)).toBe(kept);
  });
  it('takes an empty or missing URL as none, and refuses a URL that is not text', () => {
    for (const none of ['', '   ', null, undefined]) expect(httpUrl(none, 'x', 'url')).toBeNull();
    expect(() => httpUrl(42, 'x', 'url')).toThrow(/x, field url: must be text/);
    expect(httpHref(42)).toBeNull();
    expect(httpHref(null)).toBeNull();
  });
});

describe('every way a URL comes in goes through it', () => {
  it.each(HOSTILE)('a Zotero CSV, a BibTeX file, a backup and a reading record all refuse %s', (_, url) => {
    expect(() => strictReadings(readingsFromZoteroCsv(zoteroCsv(url), 'z.csv', () => 'id'))).toThrow(refusedUrl('z\\.csv, line 2', 'Url'));
    expect(() => strictReadings(readingsFromBibtex(bibtex(url), 'x.bib', () => 'id'))).toThrow(refusedUrl('x\\.bib, line 1 \\(entry k\\)'));
    expect(() => parseBackup(backupJson(url), 'b.json')).toThrow(refusedUrl('b\\.json, readings\\[0\\]'));
    expect(() => validateReading(reading('r', 'T', url), 'reading')).toThrow(refusedUrl('reading'));
  });
  it('a BibTeX DOI becomes an https link to doi.org, and one that is not a DOI is refused', () => {
    const [r] = strictReadings(readingsFromBibtex('@article{k, title = {T}, doi = {https://doi.org/10.1000/ABC}}', 'x.bib', () => 'id'));
    expect(r.url).toBe('https://doi.org/10.1000/abc');
    expect(() => strictReadings(readingsFromBibtex('@article{k, title = {T}, doi = {javascript:alert(1)}}', 'x.bib', () => 'id'))).toThrow(
      /x\.bib, line 1 \(entry k\), field doi: "javascript:alert\(1\)" is not a DOI/,
    );
  });
  it('a path pack brings no URL in: a map line only names a catalog reading, and a hostile one names none', () => {
    const catalog = [reading('a', 'Attention', 'https://arxiv.org/abs/1706.03762'), reading('b', 'Deep Learning', null)];
    for (const [, url] of HOSTILE.filter(([, u]) => !/[\r\n]/.test(u))) {
      expect(() => parsePathPack(`# map 1 ${url}\n1 1\n1 1\n`, 'p.txt', catalog, 'p'), url).toThrow(/p\.txt: no "# map ITEM URL-or-title" line matches/);
    }
    const p = parsePathPack('# map 1 https://arxiv.org/abs/1706.03762\n# map 2 deep learning\n1 1\n1 2\n', 'p.txt', catalog, 'p');
    expect(p.pack.sequences).toEqual([['a', 'b']]);
  });

  describe('through the app (the store over IndexedDB), nothing is written', () => {
    it.each(HOSTILE)('importing %s from a CSV, a BibTeX file or a backup, or saving it from the form', async (_, url) => {
      const store = useStore.getState();
      const before = await store.repo!.readings();
      // A reference file's bad record is refused in the import's preview, with its line and field; the preview writes nothing.
      for (const [file, text, message] of [
        ['z.csv', zoteroCsv(url), refusedUrl('z\\.csv, line 2', 'Url')],
        ['x.bib', bibtex(url), refusedUrl('x\\.bib, line 1 \\(entry k\\)')],
      ] as const) {
        await useImport.getState().start(file, text);
        const plan = useImport.getState().pending;
        expect(plan?.added, file).toEqual([]);
        expect(plan?.refused, file).toEqual([expect.stringMatching(message)]);
        await useImport.getState().confirm();
        expect(await store.repo!.readings(), file).toEqual(before);
      }
      const tries: [string, () => Promise<unknown>, RegExp][] = [
        ['b.json', () => store.importFile('b.json', backupJson(url)), refusedUrl('b\\.json, readings\\[0\\]')],
        ['the form', () => store.saveReading(reading('typed', 'Typed in', url)), refusedUrl('reading')],
      ];
      for (const [from, attempt, message] of tries) {
        store.say(null);
        await attempt();
        const notice = useStore.getState().notice;
        expect(notice?.kind, from).toBe('error');
        expect(notice?.text, from).toMatch(message);
        expect(await store.repo!.readings(), from).toEqual(before);
      }
    });
  });
});

/** Every <a> in some markup: its href as the browser would read it (entities decoded), or null without one. */
function anchorHrefs(html: string): (string | null)[] {
  const decode = (s: string) =>
    s
      .replace(/&quot;/g, '"')
      .replace(/&#x27;/g, "'")
      .replace(/&lt;/g, '<')
      .replace(/&gt;/g, '>')
      .replace(/&amp;/g, '&');
  return [...html.matchAll(/<a\b[^>]*>/g)].map((m) => {
    const href = /\shref="([^"]*)"/.exec(m[0]);
    return href ? decode(href[1]) : null;
  });
}

const isHttpLink = (href: string | null) => {
  try {
    return href !== null && ['http:', 'https:'].includes(new URL(href).protocol);
  } catch {
    return false;
  }
};

describe('the catalog links no URL the check refuses', () => {
  it('rows written straight into the database (as before the check existed) reach the page as text, not links', async () => {
    const store = useStore.getState();
    // Around the check: straight into the object store, as an old version or another writer might have.
    const rows = [
      ...HOSTILE.map(([, url], i) => reading(`hostile-${i}`, `Hostile ${i}`, url)),
      reading('fine', 'Fine', 'https://arxiv.org/abs/1706.03762'),
      reading('none', 'No URL', null),
    ];
    for (const r of rows) await store.repo!.db.put('readings', r);
    await store.refresh();
    // The store reads rows through the same validation: the hostile ones are reported, naming the field, not passed on.
    const state = useStore.getState();
    expect(state.readings.map((r) => r.id)).toEqual(expect.arrayContaining(['fine', 'none']));
    expect(state.readings.filter((r) => r.id.startsWith('hostile-'))).toEqual([]);
    const reported = state.unreadable.filter((u) => u.id.startsWith('hostile-'));
    expect(reported.map((u) => u.id).sort()).toEqual(HOSTILE.map((_, i) => `hostile-${i}`).sort());
    for (const u of reported) expect(u.message).toMatch(new RegExp(`^database, readings "${u.id}", field url: `));

    // The catalog checks again, for rows that reach it some other way: here every raw row, through a stand-in store
    // (server rendering reads a zustand store's initial state).
    const readings = rows;
    vi.doMock('../../src/app/studyStore', () => ({
      useStore: () => ({ readings, sessions: [], repo: null, unreadable: [], saveReading: async () => true, deleteReading: async () => undefined }),
      newId: () => 'new',
    }));
    const { Catalog } = await import('../../src/app/catalog/Catalog');
    const html = renderToStaticMarkup(createElement(Catalog, { onStudy: () => undefined }));
    vi.doUnmock('../../src/app/studyStore');

    const hrefs = anchorHrefs(html);
    expect(
      hrefs.filter((h) => !isHttpLink(h)),
      html,
    ).toEqual([]);
    expect(hrefs).toEqual(['https://arxiv.org/abs/1706.03762']);
    for (let i = 0; i < HOSTILE.length; i++) expect(html, HOSTILE[i][0]).toContain(`Hostile ${i}`);
    expect(html).toContain('No URL');
  });
});
