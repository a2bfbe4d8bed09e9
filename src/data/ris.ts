/**
 * RIS files (Zotero, Mendeley, EndNote, JabRef, publishers' "cite" buttons)
 * as readings. RIS is a line format: "TY  - JOUR" opens a record, each line
 * is a two-character tag, "  - " and a value, "ER  - " closes it; a line
 * without a tag continues the value above it. That format is read here by
 * hand (one pass over the lines): the maintained RIS parser on npm
 * (@citation-js/plugin-ris) needs citation-js's core and yields CSL-JSON
 * without line numbers, which a refusal must name.
 */
import { emptyFields, pageCount, refuseOn, referenceReading, type ImportRecord, type ParsedImport, type Progress } from './importRecord';

const TAG = /^([A-Z][A-Z0-9]) {1,2}-(?: (.*))?$/;

/** RIS record types whose start page (SP) holds the number of pages when there is no end page. */
const LENGTH_IN_SP = new Set(['BOOK', 'EBOOK', 'EDBOOK', 'THES']);

interface RisRecord {
  line: number;
  type: string;
  tags: Map<string, string[]>;
}

/** Records of a RIS file; text outside records is ignored, a record left open is refused. */
function risRecords(input: string, file: string, refused: string[], onProgress?: Progress): RisRecord[] {
  const out: RisRecord[] = [];
  const lines = input.replace(/^\ufeff/, '').split(/\r\n|\r|\n/);
  let current: RisRecord | null = null;
  let last: string[] | null = null;
  let chars = 0;
  for (const [k, raw] of lines.entries()) {
    chars += raw.length + 1;
    if (onProgress && k % 2000 === 1999) onProgress(chars, input.length);
    const text = raw.replace(/\s+$/, '');
    const m = TAG.exec(text);
    if (!m) {
      // A line without a tag continues the value above it (a long title or abstract).
      if (current && last && text.trim() !== '') last[last.length - 1] = `${last[last.length - 1]} ${text.trim()}`;
      continue;
    }
    const [, tag, value = ''] = m;
    if (tag === 'TY') {
      if (current) refused.push(`${file}, line ${current.line}: the record (TY ${current.type}) is not closed by an ER line before the next TY`);
      current = { line: k + 1, type: value.trim().toUpperCase(), tags: new Map() };
      last = null;
    } else if (tag === 'ER') {
      if (current) out.push(current);
      current = null;
      last = null;
    } else if (current) {
      last = current.tags.get(tag) ?? [];
      last.push(value.trim());
      current.tags.set(tag, last);
    }
  }
  if (current) refused.push(`${file}, line ${current.line}: the record (TY ${current.type}) is not closed by an ER line before the end of the file`);
  return out;
}

/** Readings from a .ris file; records it cannot use are refused with their line and reason. */
export function readingsFromRis(input: string, file: string, makeId: () => string, now = new Date(), onProgress?: Progress): ParsedImport {
  const refused: string[] = [];
  const records: ImportRecord[] = [];
  for (const r of risRecords(input, file, refused, onProgress)) {
    const all = (...tags: string[]) => tags.flatMap((t) => r.tags.get(t) ?? []).filter((v) => v !== '');
    const first = (...tags: string[]): [string, string] => {
      for (const t of tags) {
        const v = r.tags.get(t)?.find((x) => x !== '');
        if (v !== undefined) return [v, t];
      }
      return ['', tags[0]];
    };
    const f = emptyFields({ title: 'TI', authors: 'AU', year: 'PY', url: 'UR', doi: 'DO', topics: 'KW', pageCount: 'SP' });
    f.title = first('TI', 'T1', 'CT');
    const authors = all('AU', 'A1');
    f.authors = authors.length ? [authors, 'AU'] : [all('A2', 'ED'), 'A2'];
    f.year = first('PY', 'Y1', 'DA');
    // UR may hold several links, one a line or separated by semicolons; the first is the reading's.
    f.url = [all('UR').flatMap((u) => u.split(/\s*;\s*/))[0] ?? '', 'UR'];
    f.doi = first('DO');
    f.topics[0] = all('KW').flatMap((k) => k.split(/\s*;\s*/));
    const sp = first('SP')[0];
    const ep = first('EP')[0];
    if (LENGTH_IN_SP.has(r.type) && ep === '' && pageCount(sp) !== null) f.pageCount[0] = sp;
    else f.pageRange = ep ? `${sp}-${ep}` : sp;
    f.isbn = first('SN')[0];
    const where = `${file}, line ${r.line} (TY ${r.type})`;
    const built = refuseOn(refused, () => referenceReading(f, where, makeId(), now.toISOString()));
    if (built) records.push({ line: r.line, ...built });
  }
  onProgress?.(input.length, input.length);
  return { file, records, refused, work: input.length + records.length };
}
