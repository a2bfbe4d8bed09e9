/**
 * Runs the reference import that reads a file (by its name). Used by the
 * import worker (importWorker.ts) and, where no worker can run, directly.
 */
import { readingsFromBibtex } from './bibtex';
import { readingsFromZoteroCsv } from './csv';
import { readingsFromRis } from './ris';
import type { ParsedImport, Progress } from './importRecord';
import { referenceFormat, type ReferenceOptions } from './referenceFormats';

/** The readings a reference file holds, and what it refused. */
export function readReferenceFile(name: string, text: string, options: ReferenceOptions, makeId: () => string, onProgress?: Progress): ParsedImport {
  const format = referenceFormat(name);
  const now = new Date();
  if (format === 'BibTeX') return readingsFromBibtex(text, name, makeId, now, onProgress);
  if (format === 'RIS') return readingsFromRis(text, name, makeId, now, onProgress);
  if (format === 'Zotero CSV') return readingsFromZoteroCsv(text, name, makeId, now, { autoTags: options.autoTags }, onProgress);
  throw new Error(`${name}: not a reference file (expected .bib, .ris or a Zotero .csv)`);
}
