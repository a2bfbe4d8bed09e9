/**
 * The reference formats an import reads, told apart by the file's name. Kept
 * apart from the parsers so that the page can ask without loading them (they
 * run in the import worker).
 */
const FORMATS = [
  { ends: ['.bib', '.bibtex'], what: 'BibTeX' },
  { ends: ['.ris'], what: 'RIS' },
  { ends: ['.csv'], what: 'Zotero CSV' },
] as const;

export type ReferenceFormat = (typeof FORMATS)[number]['what'];

export const referenceFormat = (name: string): ReferenceFormat | undefined => FORMATS.find((f) => f.ends.some((e) => name.toLowerCase().endsWith(e)))?.what;

/** Whether `name` is a file of references (BibTeX, RIS, Zotero CSV) rather than a backup or a path pack. */
export const isReferenceFile = (name: string): boolean => referenceFormat(name) !== undefined;

export interface ReferenceOptions {
  /** Zotero's automatic tags become topics too (CSV only). */
  autoTags: boolean;
}
