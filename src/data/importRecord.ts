/**
 * What every reference import (BibTeX, RIS, Zotero CSV) produces, and the
 * field rules they share. A record that fails is refused on its own, naming
 * the file, its line and the field; the rest of the file still imports.
 * Every reading passes validateReading (the check a backup's readings pass),
 * so whatever an import accepts, a backup of it restores.
 */
import type { Reading, ReadingProgress } from './types';
import { ValidationError, httpUrl, int, normalDoi, text, textList, validateReading } from './validate';

/** One reference read from a file, as a reading not yet written. */
export interface ImportRecord {
  /** 1-based line where the record starts. */
  line: number;
  reading: Reading;
  /** ISBN digits (no hyphens), used to find the same book twice in one import; a reading has no place for it. */
  isbn: string | null;
}

/** A file read by one of the imports: the records it accepted, and what it refused and why. */
export interface ParsedImport {
  file: string;
  records: ImportRecord[];
  /** One message per refused record: "refs.bib, line 12 (entry k), field year: …". */
  refused: string[];
  /**
   * Units of work done: characters scanned plus records built. The imports do
   * work proportional to the file, which a test checks with this count.
   */
  work: number;
}

/** Reports how far a long import has come: characters of the file read so far, of `total`. */
export type Progress = (done: number, total: number) => void;

/** The longest entry a stored list (authors, topics) holds: validate.ts refuses longer ones in a backup. */
const LIST_ENTRY_MAX = 500;

/** A reference's fields as text, each with the name its format gives it (for messages). */
export interface ReferenceFields {
  title: [string, string];
  authors: [string[], string];
  year: [string, string];
  url: [string, string];
  doi: [string, string];
  topics: [string[], string];
  /** A page count (not a range): becomes the reading's progress in pages. */
  pageCount: [string, string];
  /** A page range such as "5998--6008", for the time estimate only. */
  pageRange: string;
  isbn: string;
}

/**
 * The year of a date-like field: the first four-digit year in it ("2017",
 * "2017-06-12", "2017/06//"), null when empty, refused when it holds none.
 */
function yearOf(v: string, where: string, field: string): number | null {
  const s = v.trim();
  if (s === '') return null;
  const m = /(?:^|\D)(\d{4})(?:\D|$)/.exec(s);
  return int(m ? m[1] : s, where, field, 1000, 2100);
}

/**
 * A page count as reference managers write it: "352", or with front matter
 * in Roman numerals ("xvi, 352" or "xvi + 352"), whose Arabic part is the
 * count. Anything else ("5998-6008", "various") is no count: null.
 */
export function pageCount(v: string): number | null {
  const s = v.trim();
  const m = /^(?:[ivxlcdm]+\s*[,+]\s*)?(\d{1,6})(?:\s*(?:p|pp|pages)\.?)?$/i.exec(s);
  if (!m) return null;
  const n = Number(m[1]);
  return n >= 1 && n <= 100_000 ? n : null;
}

function pagesInRange(v: string): number | null {
  const m = /^(\d+)\s*[-–—]+\s*(\d+)$/.exec(v.trim());
  if (!m) return null;
  const n = Number(m[2]) - Number(m[1]) + 1;
  return n >= 1 ? n : null;
}

const isbnDigits = (v: string): string | null => {
  const s = v.replace(/[\s-]/g, '').toUpperCase();
  return /^(\d{9}[\dX]|\d{13})$/.test(s) ? s : null;
};

function listOf(values: string[], where: string, field: string): string[] {
  return textList(values, where, field, LIST_ENTRY_MAX);
}

/**
 * The reading for one reference. Pages: two minutes a page when the length
 * is known (a page count, else a page range), otherwise half an hour.
 */
export function referenceReading(f: ReferenceFields, where: string, id: string, addedAt: string): Omit<ImportRecord, 'line'> {
  const doi = normalDoi(f.doi[0], where, f.doi[1]);
  const url = httpUrl(f.url[0], where, f.url[1]) ?? (doi ? httpUrl(`https://doi.org/${doi}`, where, f.doi[1]) : null);
  const pages = pageCount(f.pageCount[0]);
  const estimate = pages ?? pagesInRange(f.pageRange);
  const progress: ReadingProgress | null = pages ? { unit: 'pages', total: pages, done: 0 } : null;
  const seen = new Set<string>();
  const topics = listOf(f.topics[0], where, f.topics[1])
    .map((t) => t.toLowerCase())
    .filter((t) => !seen.has(t) && seen.add(t) !== undefined);
  const reading: Reading = {
    id,
    title: text(f.title[0], where, f.title[1], { required: true, max: 1000 }),
    url,
    authors: listOf(f.authors[0], where, f.authors[1]),
    year: yearOf(f.year[0], where, f.year[1]),
    topics,
    minutes: estimate ? Math.min(100_000, Math.max(5, 2 * estimate)) : 30,
    difficulty: 3,
    prerequisites: [],
    addedAt,
    status: 'unread',
    source: 'import',
    progress,
    doi,
  };
  return { reading: validateReading(reading, where), isbn: isbnDigits(f.isbn) };
}

/** Runs `build`; a ValidationError refuses that record (its message is kept), anything else is a bug and is thrown. */
export function refuseOn<T>(refused: string[], build: () => T): T | null {
  try {
    return build();
  } catch (e) {
    if (!(e instanceof ValidationError)) throw e;
    refused.push(e.message);
    return null;
  }
}

/** An empty ReferenceFields with the given field names, for a format to fill. */
export function emptyFields(names: Record<'title' | 'authors' | 'year' | 'url' | 'doi' | 'topics' | 'pageCount', string>): ReferenceFields {
  return {
    title: ['', names.title],
    authors: [[], names.authors],
    year: ['', names.year],
    url: ['', names.url],
    doi: ['', names.doi],
    topics: [[], names.topics],
    pageCount: ['', names.pageCount],
    pageRange: '',
    isbn: '',
  };
}
