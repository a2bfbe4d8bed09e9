/**
 * Which reference import reads a file (by its name), and running it. Used by
 * the import worker (importWorker.ts) and, where no worker can run, directly.
 */
import { readingsFromBibtex } from './bibtex';
import { readingsFromZoteroCsv } from './csv';
import { readingsFromRis } from './ris';
import type { ParsedImport, Progress } from './importRecord';

const FORMATS = [
  { ends: ['.bib', '.bibtex'], what: 'BibTeX' },
  { ends: ['.ris'], what: 'RIS' },
  { ends: ['.csv'], what: 'Zotero CSV' },
] as const;

const formatOf = (name: string) => FORMATS.find((f) => f.ends.some((e) => name.toLowerCase().endsWith(e)));

/** Whether `name` is a file of references (BibTeX, RIS, Zotero CSV) rather than a backup or a path pack. */
export const isReferenceFile = (name: string): boolean => formatOf(name) !== undefined;

export interface ReferenceOptions {
  /** Zotero's automatic tags become topics too (CSV only). */
  autoTags: boolean;
}

/** The readings a reference file holds, and what it refused. */
export function readReferenceFile(name: string, text: string, options: ReferenceOptions, makeId: () => string, onProgress?: Progress): ParsedImport {
  const format = formatOf(name)?.what;
  const now = new Date();
  if (format === 'BibTeX') return readingsFromBibtex(text, name, makeId, now, onProgress);
  if (format === 'RIS') return readingsFromRis(text, name, makeId, now, onProgress);
  if (format === 'Zotero CSV') return readingsFromZoteroCsv(text, name, makeId, now, { autoTags: options.autoTags }, onProgress);
  throw new Error(`${name}: not a reference file (expected .bib, .ris or a Zotero .csv)`);
}
