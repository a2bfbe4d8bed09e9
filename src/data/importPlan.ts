/**
 * What an import would do, worked out before anything is written: which
 * records are new, which are already there (and what those readings gain),
 * which repeat a record earlier in the same file, and which were refused.
 *
 * The same reference: the same DOI; else, when the two do not carry
 * different DOIs, the same title, year and first author's family name, each
 * compared without case, accents or punctuation; else (within one file) the
 * same ISBN. A reading typed in with neither year nor authors matches
 * an imported one by title alone. Lookups go through maps, so planning is linear in the number of
 * readings and records.
 *
 * Merging (mergeReading) keeps the reading that is there: its id, title,
 * status, sessions, prerequisites, minutes, difficulty and date added. It
 * gains only what it lacks: a DOI, a URL, a year, authors (when it has
 * none), progress in pages (when it tracks none), and the imported topics
 * it does not have yet. Importing the same file twice changes nothing.
 */
import type { Reading } from './types';
import type { ImportRecord, ParsedImport } from './importRecord';

/** The fields an import may fill in on a reading that is already there. */
export type ImportGains = Pick<Reading, 'doi' | 'url' | 'year' | 'authors' | 'topics' | 'progress'>;

/** `into`, gaining from `from` what it lacks (see the rule above). */
export function mergeReading(into: Reading, from: ImportGains): Reading {
  const has = new Set(into.topics.map((t) => t.toLowerCase()));
  return {
    ...into,
    doi: into.doi ?? from.doi,
    url: into.url ?? from.url,
    year: into.year ?? from.year,
    authors: into.authors.length ? into.authors : from.authors,
    topics: [...into.topics, ...from.topics.filter((t) => !has.has(t.toLowerCase()) && has.add(t.toLowerCase()))],
    progress: into.progress ?? from.progress,
  };
}

const gainsOf = (r: Reading): ImportGains => ({ doi: r.doi, url: r.url, year: r.year, authors: r.authors, topics: r.topics, progress: r.progress });

const sameGains = (a: Reading, b: Reading) => JSON.stringify(gainsOf(a)) === JSON.stringify(gainsOf(b));

export interface ImportPlan {
  file: string;
  /** Readings to add. */
  added: Reading[];
  /** Readings already there that gain fields: their id and what the import brings (merged with the row as it is when written). */
  merged: { id: string; title: string; gains: ImportGains }[];
  /** Records that match a reading already there (with or without gains). */
  alreadyThere: number;
  /** Records that repeat an earlier record of the same file (merged into it). */
  repeated: number;
  refused: string[];
  /** Units of work: readings indexed plus records matched (linear, checked by a test). */
  work: number;
}

/** Lower case, no accents, punctuation or repeated spaces: "Sönke's  Graphs!" → "sonke s graphs". */
const fold = (s: string) =>
  s
    .normalize('NFKD')
    .replace(/\p{M}/gu, '')
    .toLowerCase()
    .replace(/[^\p{L}\p{N}]+/gu, ' ')
    .trim();

/** The family name of "Last, First" or of "First Last". */
const familyName = (author: string) => fold(author.includes(',') ? author.slice(0, author.indexOf(',')) : (author.trim().split(/\s+/).pop() ?? ''));

const titleKey = (r: Reading) => `${fold(r.title)}|${r.year ?? ''}|${familyName(r.authors[0] ?? '')}`;

/** The line a refusal names ("refs.bib, line 12 …"), for listing them in the file's order. */
const lineOf = (message: string) => Number(/, line (\d+)/.exec(message)?.[1] ?? 0);

interface Slot {
  reading: Reading;
  /** The reading as it is in the database, or null for one this import adds. */
  stored: Reading | null;
}

export function planImport(parsed: ParsedImport, existing: Reading[]): ImportPlan {
  const byDoi = new Map<string, Slot>();
  const byTitle = new Map<string, Slot>();
  const byIsbn = new Map<string, Slot>();
  /** Readings there with neither year nor authors (typed in by hand), by title alone. */
  const byBareTitle = new Map<string, Slot>();
  const index = (slot: Slot, isbn: string | null) => {
    const r = slot.reading;
    if (r.doi && !byDoi.has(r.doi)) byDoi.set(r.doi, slot);
    const key = titleKey(r);
    if (!byTitle.has(key)) byTitle.set(key, slot);
    if (isbn && !byIsbn.has(isbn)) byIsbn.set(isbn, slot);
  };
  for (const r of existing) {
    const slot = { reading: r, stored: r };
    index(slot, null);
    if (r.year === null && r.authors.length === 0 && !byBareTitle.has(fold(r.title))) byBareTitle.set(fold(r.title), slot);
  }
  const find = ({ reading: r, isbn }: ImportRecord): Slot | undefined => {
    const viaDoi = r.doi ? byDoi.get(r.doi) : undefined;
    if (viaDoi) return viaDoi;
    const viaTitle = byTitle.get(titleKey(r)) ?? byBareTitle.get(fold(r.title));
    if (viaTitle && !(viaTitle.reading.doi && r.doi && viaTitle.reading.doi !== r.doi)) return viaTitle;
    return isbn ? byIsbn.get(isbn) : undefined;
  };
  const added: Slot[] = [];
  const touched = new Set<Slot>();
  let alreadyThere = 0;
  let repeated = 0;
  for (const record of parsed.records) {
    const slot = find(record);
    if (!slot) {
      const fresh = { reading: record.reading, stored: null };
      added.push(fresh);
      index(fresh, record.isbn);
      continue;
    }
    if (slot.stored) alreadyThere++;
    else repeated++;
    slot.reading = mergeReading(slot.reading, record.reading);
    if (slot.stored) touched.add(slot);
    index(slot, record.isbn); // it may have gained a DOI
  }
  const merged = [...touched]
    .filter((s) => s.stored && !sameGains(s.stored, s.reading))
    .map((s) => ({ id: s.reading.id, title: s.reading.title, gains: gainsOf(s.reading) }));
  return {
    file: parsed.file,
    added: added.map((s) => s.reading),
    merged,
    alreadyThere,
    repeated,
    refused: [...parsed.refused].sort((a, b) => lineOf(a) - lineOf(b)),
    work: existing.length + parsed.records.length,
  };
}
